// Builds the dashboard into dashboard/dist (the Worker's static assets) when anything it is
// made from changed: its sources, the API it is typed against (workers/), or the lockfile.
// Plain JS so it runs on the host's Node before node_modules exists; the work itself runs on the
// project's Node 22. Steps: regenerate the API types from /openapi.json, typecheck the
// dashboard (a changed route fails here, not in the browser), vite build.
// `--force` rebuilds regardless.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const stamp = "dashboard/dist/.build-hash";
const inputs = ["dashboard/src", "dashboard/public", "dashboard/index.html", "dashboard/vite.config.ts", "dashboard/tsconfig.json", "workers", "package-lock.json", "scripts/api-types.ts"];
const skip = /(\.gen\.|[/\\]vendor[/\\]|node_modules)/;

function files(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).sort().flatMap((f) => files(join(path, f)));
}

function hash() {
  const h = createHash("sha256");
  for (const f of inputs.flatMap(files)) {
    if (skip.test(f)) continue;
    h.update(f);
    h.update(readFileSync(f));
  }
  // The vendored swagger-ui must be present in the output too.
  h.update(String(existsSync("dashboard/public/docs/vendor/swagger-ui-bundle.js")));
  return h.digest("hex");
}

const want = hash();
if (!process.argv.includes("--force") && existsSync(stamp) && readFileSync(stamp, "utf8") === want) process.exit(0);

const node = "node_modules/.bin/node";
const step = (what, cmd, args) => {
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) {
    console.error(`[build-dashboard] ${what} failed`);
    process.exit(r.status ?? 1);
  }
  console.error(`[build-dashboard] ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
};
if (!existsSync("dashboard/public/docs/vendor/swagger-ui-bundle.js")) step("vendored swagger-ui", node, ["scripts/vendor-docs.mjs"]);
step("API types generated", node, ["scripts/api-types.ts"]);
step("dashboard typechecked", "node_modules/.bin/tsc", ["--noEmit", "-p", "dashboard"]);
step("dashboard built", node, ["node_modules/.bin/vite", "build", "dashboard", "--logLevel", "warn"]);
writeFileSync(stamp, want);
