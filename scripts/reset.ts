// npm run reset: forget all local state (D1, R2, DOs, queues) and the demo credentials, so the
// next npm start seeds from scratch.
import { rmSync } from "node:fs";

for (const path of [".wrangler/state", ".wrangler/seed.sql", ".wrangler/seed-credentials.json", "demo-credentials.json"]) {
  rmSync(path, { recursive: true, force: true });
}
console.error("[reset] local state removed; the next npm start seeds the demo data again");
