// npm run test:browser: the dashboard in Debian's Chromium (playwright-core) against a real
// `wrangler dev` of the Worker with the demo data. `npm test` runs it after vitest when a Chromium
// is installed (scripts/test.ts), and says so in one line when not. The Worker runs in its own process group (setsid) on a free port with its
// own state under .wrangler/e2e (seeded once; `--fresh` reseeds) and is killed as a group.
// Screenshots of every page at 1280 and 390 px go to test-results/.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { chromium } from "playwright-core";
import { randomBytes } from "node:crypto";
import { timeSortableId } from "../../workers/domain/ids.ts";
import { suites } from "./suites.ts";
import { startAllFakes } from "../../scripts/fakes/registry.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const STATE = ".wrangler/e2e";
const SEEDED = `${STATE}/seeded.json`;
const wrangler = "node_modules/.bin/wrangler";
const started = Date.now();
// wrangler's shebang needs the project's Node 22, also when this file is run without npm.
process.env.PATH = `${process.cwd()}/node_modules/.bin:${process.env.PATH}`;
const secs = (t: number) => `${((Date.now() - t) / 1000).toFixed(1)} s`;

if (!existsSync(CHROMIUM)) {
  console.error(`[browser] no Chromium at ${CHROMIUM}: install it with 'apt-get install -y chromium' or set CHROMIUM_PATH`);
  process.exit(2);
}

function run(cmd: string, args: string[], what: string) {
  const t = Date.now();
  const r = spawnSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${what} failed:\n${r.stdout}\n${r.stderr}`);
  console.error(`[browser] ${what} (${secs(t)})`);
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });

run("node", ["scripts/build-dashboard.mjs"], "dashboard up to date");
if (process.argv.includes("--fresh")) rmSync(STATE, { recursive: true, force: true });
mkdirSync(STATE, { recursive: true });
run(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", STATE], "D1 migrations applied");
if (!existsSync(SEEDED)) {
  run("node", ["scripts/seed/cli.ts", "--out", `${STATE}/seed.sql`, "--credentials", `${STATE}/credentials.json`], "demo data generated");
  run(wrangler, ["d1", "execute", "DB", "--local", "--persist-to", STATE, "--file", `${STATE}/seed.sql`, "-y"], "demo data loaded");
  writeFileSync(SEEDED, new Date().toISOString());
}
const credentials = JSON.parse(readFileSync(`${STATE}/credentials.json`, "utf8"));

// A fresh dead letter every run, so the Operations scenario can replay one. Its body is a
// well-formed domain event of a type no subscriber handles: the replay is delivered and acked.
const deadLetterId = timeSortableId("dlq", Date.now(), (n) => new Uint8Array(randomBytes(n)));
const envelope = {
  eventId: timeSortableId("evt", Date.now(), (n) => new Uint8Array(randomBytes(n))),
  franchiseId: credentials.franchiseId,
  seq: 0,
  type: "e2e.probe",
  aggregateType: "e2e",
  aggregateId: deadLetterId,
  aggregateVersion: 1,
  actor: "system:e2e",
  occurredAt: new Date().toISOString(),
  payload: {},
};
const sql = (v: string) => `'${v.replace(/'/g, "''")}'`;
run(
  wrangler,
  [
    "d1", "execute", "DB", "--local", "--persist-to", STATE, "-y", "--command",
    `INSERT INTO dead_letters (id, franchise_id, queue, message_id, body, attempts, last_error, created_at, replayed_at) VALUES (${sql(deadLetterId)}, ${sql(credentials.franchiseId)}, 'domain-events', ${sql(`e2e-${deadLetterId}`)}, ${sql(JSON.stringify(envelope))}, 5, 'subscriber e2e failed: upstream timed out (e2e fixture)', ${sql(new Date().toISOString())}, NULL)`,
  ],
  "a dead letter to replay inserted",
);

const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
// The local fakes of outside providers (Xero, ...), as npm start runs them, so pages that call out reach them.
const fakes = await startAllFakes();
const fakeVars = [...Object.entries(fakes.vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]), "--var", `PLATFORM_OPERATOR_FRANCHISE_ID:${credentials.franchiseId}`];
// --test-scheduled: a suite can fire a cron as the npm start ticker does (the Integrations suite fires the per-minute alert check).
const dev = spawn(wrangler, ["dev", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", STATE, "--log-level", "error", "--test-scheduled", ...fakeVars], {
  detached: true, // setsid: wrangler's node and workerd children share this process group
  stdio: ["ignore", "ignore", "pipe"],
  env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false" },
});
let devLog = "";
dev.stderr.on("data", (d) => (devLog = (devLog + d).slice(-4000)));
const stop = () => {
  try {
    process.kill(-dev.pid!, "SIGTERM");
  } catch {
    // already gone
  }
};
process.on("exit", stop);
process.on("exit", () => void fakes.close());
process.on("SIGINT", () => process.exit(130));

let failed = 0;
let passed = 0;
try {
  const t = Date.now();
  for (;;) {
    if (Date.now() - t > 90_000) throw new Error(`wrangler dev did not become healthy:\n${devLog}`);
    const ok = await fetch(`${baseUrl}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  console.error(`[browser] wrangler dev ready on ${baseUrl} (${secs(t)})`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
  try {
    // --only <name> runs one suite (e.g. while building a page); CI runs them all.
    const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
    for (const suite of suites.filter((s) => !only || s.name === only)) {
      console.error(`[browser] suite ${suite.name}`);
      const r = await suite.run({ browser, baseUrl, credentials, outDir: "test-results", deadLetterId, fakes: fakes.vars });
      passed += r.passed;
      failed += r.failed;
    }
  } finally {
    await browser.close();
  }
} catch (e) {
  console.error(e);
  failed = Math.max(failed, 1);
} finally {
  stop();
}
console.error(`[browser] ${passed} passed, ${failed} failed (${secs(started)} total)`);
mkdirSync("test-results", { recursive: true });
writeFileSync("test-results/browser-summary.json", JSON.stringify({ passed, failed }));
process.exit(failed === 0 ? 0 : 1);
