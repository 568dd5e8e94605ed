// npm start: migrate the local D1, seed the demo data once, print the demo credentials, then
// serve everything with wrangler dev (API, dashboard, queues, DOs) and fire the crons on their
// schedule, since wrangler dev does not run cron triggers by itself.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cronTicker } from "./local-crons.ts";

const port = Number(process.env.PORT ?? 8787);
const baseUrl = `http://127.0.0.1:${port}`;
const stateDir = ".wrangler/state";
const seededStamp = `${stateDir}/ledgerline-seeded.json`;
const wrangler = "node_modules/.bin/wrangler";

function run(cmd: string, args: string[], what: string): void {
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout}\n${r.stderr}\n[start] ${what} failed\n`);
    process.exit(r.status ?? 1);
  }
  console.error(`[start] ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

mkdirSync(stateDir, { recursive: true });
run(wrangler, ["d1", "migrations", "apply", "DB", "--local"], "D1 migrations applied");

if (!existsSync(seededStamp)) {
  run("node", ["scripts/seed/cli.ts", "--out", ".wrangler/seed.sql", "--credentials", ".wrangler/seed-credentials.json"], "demo data generated");
  run(wrangler, ["d1", "execute", "DB", "--local", "--file", ".wrangler/seed.sql", "-y"], "demo data loaded into local D1");
  writeFileSync(seededStamp, JSON.stringify({ seededAt: new Date().toISOString() }));
}

const credentials = { baseUrl, ...JSON.parse(readFileSync(".wrangler/seed-credentials.json", "utf8")) };
writeFileSync("demo-credentials.json", `${JSON.stringify(credentials, null, 2)}\n`);
console.error(`
Ledgerline is starting on ${baseUrl}
  API docs     ${baseUrl}/docs        OpenAPI  ${baseUrl}/openapi.json
  Dashboard    ${baseUrl}/            staff login ${credentials.staffEmail} / ${credentials.staffPassword}
  API key      ${credentials.apiKey}  (read-only: ${credentials.readOnlyApiKey})
  Try:         curl -H "Authorization: Bearer ${credentials.apiKey}" ${baseUrl}/v1/invoices?limit=2
  (also written to demo-credentials.json; npm run reset wipes the local state)
`);

const dev = spawn(wrangler, ["dev", "--port", String(port), "--ip", "127.0.0.1", "--log-level", process.env.WRANGLER_LOG ?? "warn"], { stdio: "inherit" });
const stopTicker = cronTicker(baseUrl);
const stop = (signal: NodeJS.Signals) => {
  stopTicker();
  dev.kill(signal);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
dev.on("exit", (code) => {
  stopTicker();
  process.exit(code ?? 0);
});
