// npm start: migrate the local D1, seed the demo data once, then serve everything with wrangler
// dev (API, dashboard, queues, DOs), fire the crons on their schedule (wrangler dev does not run
// cron triggers by itself), and print one banner once the server answers /health.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { cronTicker, fireCron } from "./local-crons.ts";
import { startAllFakes } from "./fakes/registry.ts";
import { connectDemoErp } from "./demo-erp.ts";

const port = Number(process.env.PORT ?? 8787);
const baseUrl = `http://127.0.0.1:${port}`;
const stateDir = ".wrangler/state";
const seededStamp = `${stateDir}/ledgerline-seeded.json`;
const credentialsFile = "demo-credentials.json";
const wrangler = "node_modules/.bin/wrangler";
const readyTimeoutMs = 180_000;
// Accounting integrations (issue 8): the demo Xero connection, made after the banner (opt out with 0).
const demoErp = process.env.LEDGERLINE_DEMO_ERP !== "0";
const demoErpStamp = `${stateDir}/ledgerline-demo-erp.json`;

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
writeFileSync(credentialsFile, `${JSON.stringify(credentials, null, 2)}\n`);

const devArgs = ["dev", "--port", String(port), "--ip", "127.0.0.1", "--log-level", process.env.WRANGLER_LOG ?? "warn"];
// --test-scheduled turns on wrangler's local scheduled-event trigger; our ticker below fires the
// crons with it, so wrangler's "scheduled Workers are not triggered locally" warning no longer applies.
devArgs.push("--test-scheduled");
// Locally the demo franchise is the platform operator (rate plans, platform-wide queue metrics)
// unless the environment names another one.
devArgs.push("--var", `PLATFORM_OPERATOR_FRANCHISE_ID:${process.env.PLATFORM_OPERATOR_FRANCHISE_ID ?? credentials.franchiseId}`);
// Offline machines: wrangler would fetch the Request.cf object from workers.cloudflare.com and
// print a getaddrinfo stack trace when that fails. Its built-in placeholder is fine locally.
const devEnv = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: process.env.CLOUDFLARE_CF_FETCH_ENABLED ?? "false" };

// The local fakes of every outside provider, each on a free port; the Worker is pointed at them
// through one variable each, so nothing in a local run can reach a real provider.
const fakes = await startAllFakes();
for (const [name, value] of Object.entries(fakes.vars)) devArgs.push("--var", `${name}:${value}`);
// Dunning (issue 7): provider callbacks (Twilio StatusCallback, Meta's webhook) come back to this
// server, so the Worker's public origin is this port, and the fake Meta app's webhook points here.
devArgs.push("--var", `PUBLIC_BASE_URL:${baseUrl}`);
if (fakes.vars.WHATSAPP_BASE_URL) await fetch(`${fakes.vars.WHATSAPP_BASE_URL}/_fake/webhook`, { method: "POST", body: JSON.stringify({ url: `${baseUrl}/webhooks/whatsapp` }) });

console.error("[start] starting wrangler dev ...");
const devStarted = Date.now();
const dev = spawn(wrangler, devArgs, { stdio: "inherit", env: devEnv });
let stopTicker = () => {};
let exited = false;

const stop = (signal: NodeJS.Signals) => {
  stopTicker();
  void fakes.close();
  dev.kill(signal);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
dev.on("exit", (code) => {
  exited = true;
  stopTicker();
  process.exit(code ?? 0);
});

async function waitUntilReady(): Promise<boolean> {
  while (!exited && Date.now() - devStarted < readyTimeoutMs) {
    try {
      if ((await fetch(`${baseUrl}/health`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

function banner(): string {
  const fakeLines =
    fakes.running.length === 0
      ? ["none yet (scripts/fakes/registry.ts lists them)"]
      : fakes.running.map((f) => `${f.definition.standsInFor}: ${f.url}  (${f.definition.purpose})`);
  return `
Ledgerline is ready on ${baseUrl}  (wrangler dev up in ${((Date.now() - devStarted) / 1000).toFixed(1)} s)

  API          ${baseUrl}/v1/...      e.g. ${baseUrl}/v1/invoices?limit=2
  API docs     ${baseUrl}/docs/
  OpenAPI      ${baseUrl}/openapi.json
  Dashboard    ${baseUrl}/
  Health       ${baseUrl}/health
  Local fakes  ${fakeLines.join("\n               ")}

  Demo credentials (also in ${resolve(credentialsFile)})
    staff login  ${credentials.staffEmail} / ${credentials.staffPassword}   (admin; dashboard, POST /auth/login)
${(credentials.staff ?? [])
  .slice(1)
  .map((s: { role: string; email: string; password: string; branchIds?: string[] }) => `                 ${s.email} / ${s.password}   (${s.role}${s.branchIds ? `: ${s.branchIds.join(", ")}` : ""})`)
  .join("\n")}
    API key      ${credentials.apiKey}   (read + write, franchise ${credentials.franchiseId})
    read-only    ${credentials.readOnlyApiKey}

  Try          curl -H "Authorization: Bearer ${credentials.apiKey}" "${baseUrl}/v1/invoices?limit=2"
  Integrations ${demoErp ? "the demo franchise connects to the fake Xero in the background (log lines [demo-erp]; LEDGERLINE_DEMO_ERP=0 skips it)" : "no demo connection (LEDGERLINE_DEMO_ERP=0)"}
  Crons        fired locally on their wrangler.toml schedule (scripts/local-crons.ts)
  Stop         Ctrl-C (the local data is kept for the next npm start)
  Reset        npm run reset (wipes local D1/R2/DO/queue state; the next npm start seeds again)
`;
}

if (await waitUntilReady()) {
  // Analytics (issue 11): one per-minute cron run now builds any missing rollups (the fresh seed's),
  // so the analytics API and the dashboard have their figures before the banner says "ready".
  const rollupsStarted = Date.now();
  const rollups = await fireCron(baseUrl, "* * * * *", new Date()).catch((e: unknown) => ({ ok: false, detail: String(e) }));
  console.error(`[start] analytics rollups ${rollups.ok ? "ready" : `not built (${rollups.detail}); the next cron tick retries`} (${((Date.now() - rollupsStarted) / 1000).toFixed(1)} s)`);
  stopTicker = cronTicker(baseUrl);
  console.log(banner());
  // Accounting integrations (issue 8): after the banner, so readiness does not wait for it.
  if (demoErp && fakes.vars.XERO_BASE_URL) {
    const demoStarted = Date.now();
    connectDemoErp({ baseUrl, credentials, stampFile: demoErpStamp, xeroBaseUrl: fakes.vars.XERO_BASE_URL, log: (line) => console.error(`[demo-erp] ${line}`) }).then(
      () => console.error(`[demo-erp] ready (${((Date.now() - demoStarted) / 1000).toFixed(1)} s): open ${baseUrl}/integrations`),
      (error: unknown) => console.error(`[demo-erp] not set up: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
} else if (!exited) {
  console.error(`[start] wrangler dev did not answer ${baseUrl}/health within ${readyTimeoutMs / 1000} s; stopping`);
  stop("SIGTERM");
}
