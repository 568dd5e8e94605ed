// prestart / pretest hook. Runs on the host's Node 20 before anything is installed, so it is
// plain JS with no dependencies. Reinstalls only when package.json or the lockfile changed
// (content hash, not mtime: git checkouts reset mtimes).
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";

const stamp = "node_modules/.deps-hash";
const hash = () => {
  const h = createHash("sha256");
  for (const f of ["package.json", "package-lock.json"]) if (existsSync(f)) h.update(readFileSync(f));
  return h.digest("hex");
};
if (existsSync(stamp) && readFileSync(stamp, "utf8") === hash()) process.exit(0);
console.error("[ensure-deps] node_modules missing or out of date: running npm install");
const r = spawnSync("npm", ["install", "--no-audit", "--no-fund"], { stdio: "inherit" });
if (r.status !== 0) process.exit(r.status ?? 1);
writeFileSync(stamp, hash()); // after install: npm may have rewritten the lock
