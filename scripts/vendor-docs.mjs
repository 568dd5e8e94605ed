// postinstall: copy swagger-ui's browser bundle into the static assets so /docs works offline
// (chanfana's built-in /docs page loads swagger-ui from a CDN).
import { cpSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const src = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
const dest = new URL("../dashboard/public/docs/vendor/", import.meta.url).pathname;
mkdirSync(dest, { recursive: true });
for (const file of ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png"]) {
  cpSync(join(src, file), join(dest, file));
}
