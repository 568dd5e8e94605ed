// prestart / pretest hook. Runs on the host's Node 20 before anything is installed, so it is
// plain JS with no dependencies. Reinstalls only when the dependencies in package.json or the
// lockfile changed (content hash, not mtime: git checkouts reset mtimes). Editing a script does
// not count: that would reinstall for nothing.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";

const stamp = "node_modules/.deps-hash";
const hash = () => {
  const h = createHash("sha256");
  const pkg = JSON.parse(readFileSync("package.json", "utf8"));
  h.update(JSON.stringify(["dependencies", "devDependencies", "optionalDependencies", "peerDependencies", "overrides"].map((k) => pkg[k] ?? null)));
  if (existsSync("package-lock.json")) h.update(readFileSync("package-lock.json"));
  return h.digest("hex");
};
if (existsSync(stamp) && readFileSync(stamp, "utf8") === hash()) process.exit(0);
console.error("[ensure-deps] node_modules missing or out of date: running npm install (about 20 s)");
// The host's Node may be older than wrangler wants; the install brings Node 22 (the `node`
// devDependency), which every npm script then runs on. Say so before npm warns about it.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(`[ensure-deps] npm will warn EBADENGINE about Node ${process.version}: expected, npm scripts run the Node 22 this installs`);
}
const r = spawnSync("npm", ["install", "--no-audit", "--no-fund"], { stdio: "inherit" });
if (r.status !== 0) process.exit(r.status ?? 1);
writeFileSync(stamp, hash()); // after install: npm may have rewritten the lock
