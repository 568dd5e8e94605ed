// A billing run at scale through the real path: wrangler dev (workerd, local D1, the
// InvoiceSequence DO, the local Workflows engine), a branch with N customers x 3 monthly
// agreements, one POST /v1/billing-runs, then GET until done.
//
// The baseline (the practical limit) is measured INSIDE a Worker in the same run: once the run is
// done, the product Worker is stopped and bench/raw-insert/worker.ts is started on the SAME local
// database (same file, tables, indexes and triggers). It inserts the rows of --raw-sample invoices
// (a copy of one of the run's invoices: invoice + its lines + invoice.drafted + invoice.issued
// outbox events + its billing keys) with the run's own INSERT statements (blockIssueStatements),
// one db.batch per block of RUN_CHUNK_SIZE invoices, and nothing else.
//   ratio = run rows/s / raw rows/s, where run rows/s = invoicesPerSecond x rowsPerInvoice
// (the same rows per invoice on both sides), so the units compare: rows/s vs rows/s.
// Two clocks, both reported: the run's own (its row's startedAt -> finishedAt, from the workflow
// picking it up to done: plan, every chunk, finish), which gives invoicesPerSecond and ratio; and
// the bench's wall clock from sending the POST to seeing done (adds the queue hop that starts the
// workflow and up to one poll interval), in detail.wall*.
//   npm run bench -- billing-run [--invoices 50000] [--raw-sample <default: --invoices>]
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { startLocalWorker } from "./local-worker.ts";
import { RUN_CHUNK_SIZE } from "../workers/billing/runs/chunk.ts";

const TARGET_RATIO = 0.5;

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

const pad = (n: number) => String(n).padStart(26, "0");
const BRANCH = "br_0000000000000000000000bnch";

/** The bench branch (a copy of the franchise's first branch) with n customers × 3 monthly agreements. */
function setupSql(franchiseId: string, n: number): string {
  const at = "2026-01-01T00:00:00.000Z";
  return `
INSERT INTO branches (id, franchise_id, code, name, timezone, currency, jurisdiction, tax_id, legal_name, address, contact_email, contact_phone, created_at)
  SELECT '${BRANCH}', franchise_id, 'BNCH', 'Bench branch', timezone, currency, jurisdiction, tax_id, legal_name, address, contact_email, contact_phone, created_at
  FROM branches WHERE franchise_id = '${franchiseId}' ORDER BY id LIMIT 1;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${n - 1})
INSERT INTO customers (id, franchise_id, home_branch_id, name, email, segment, language, timezone, status, version, created_at, updated_at)
  SELECT 'cus_' || printf('%026d', i), '${franchiseId}', '${BRANCH}', 'Bench customer ' || i, 'bench' || i || '@example.com', 'smb', 'en', 'UTC', 'active', 1, '${at}', '${at}' FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${3 * n - 1}),
  st(k, id, name) AS (SELECT ROW_NUMBER() OVER (ORDER BY id) - 1, id, name FROM service_types WHERE franchise_id = '${franchiseId}' AND default_tax_category = 'standard')
INSERT INTO agreements (id, franchise_id, branch_id, customer_id, service_type_id, description, quantity_milli, unit_price, cadence, start_date, end_date, version, created_at, updated_at)
  SELECT 'agr_' || printf('%026d', i), '${franchiseId}', '${BRANCH}', 'cus_' || printf('%026d', i / 3), st.id, st.name, 1000 + 500 * (i % 3), 2500 + i % 977, 'monthly', '2026-01-01', NULL, 1, '${at}', '${at}'
  FROM n JOIN st ON st.k = (i % 3) % (SELECT COUNT(*) FROM st);`;
}

const wrangler = "node_modules/.bin/wrangler";

/** Runs the raw-insert Worker on the stopped bench's state and returns what it measured. */
async function rawInsertRate(persistDir: string, franchiseId: string, templateInvoiceId: string, invoices: number, block: number) {
  const port = 8793;
  const child = spawn(wrangler, ["dev", "-c", "bench/raw-insert/wrangler.toml", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", persistDir, "--log-level", "error"], { stdio: "ignore", detached: true });
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: JSON.stringify({ franchiseId, templateInvoiceId, invoices, block }) });
        const body = (await res.json()) as { rows: number; seconds: number; rowsPerSecond: number; rowsPerInvoice: number; error?: string };
        if (!res.ok) throw new Error(`raw insert worker: ${res.status} ${JSON.stringify(body)}`);
        return body;
      } catch (e) {
        if (Date.now() > deadline || (e instanceof Error && e.message.startsWith("raw insert worker"))) throw e;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } finally {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // already gone
    }
  }
}

export async function run(args: string[]) {
  const invoices = arg(args, "invoices", 50_000);
  // By default the raw side inserts as many invoices as the run made: the same rows, and a
  // baseline long enough that a few seconds of other load on the machine do not swing it.
  const rawSample = Math.min(invoices, arg(args, "raw-sample", invoices));
  let franchiseId = "";
  const worker = await startLocalWorker({
    port: 8796,
    customers: "20,10",
    vars: { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn" },
    readyTimeoutMs: 120_000,
    // BENCH_LOG_FILE=path keeps wrangler dev's output (with BENCH_LOG_LEVEL=info: one line per chunk with its timings).
    ...(process.env.BENCH_LOG_FILE ? { logFile: process.env.BENCH_LOG_FILE } : {}),
    setupSql: async (cred) => {
      franchiseId = cred.franchiseId;
      return setupSql(cred.franchiseId, invoices);
    },
  });
  try {
    const headers = { authorization: `Bearer ${worker.credentials.apiKey}`, "content-type": "application/json" };
    const period = new Date().toISOString().slice(0, 7);
    const loadBefore = loadavg().map((x) => Math.round(x * 100) / 100);
    const started = performance.now();
    const res = await fetch(`${worker.baseUrl}/v1/billing-runs`, { method: "POST", headers, body: JSON.stringify({ branchId: BRANCH, period, source: "agreements" }) });
    const submitted = (await res.json()) as any;
    if (res.status !== 202) throw new Error(`submit: ${res.status} ${JSON.stringify(submitted)}`);
    const acceptedMs = performance.now() - started;
    let runState: any;
    for (;;) {
      await new Promise((r) => setTimeout(r, 250));
      runState = await (await fetch(`${worker.baseUrl}/v1/billing-runs/${submitted.id}`, { headers })).json();
      if (runState.status === "done" || runState.status === "failed") break;
      process.stderr.write(`\r${runState.status} ${runState.issued}/${runState.planned}   `);
    }
    const wallSeconds = (performance.now() - started) / 1000;
    const loadAfter = loadavg().map((x) => Math.round(x * 100) / 100);
    process.stderr.write("\n");
    if (runState.status !== "done" || runState.issued !== invoices) throw new Error(`run ended ${runState.status} with ${runState.issued}/${invoices} issued: ${JSON.stringify(runState).slice(0, 500)}`);

    if (!runState.startedAt || !runState.finishedAt) throw new Error(`run ${submitted.id} is done without startedAt/finishedAt`);
    const seconds = (Date.parse(runState.finishedAt) - Date.parse(runState.startedAt)) / 1000;
    process.stderr.write(`run done: ${invoices} invoices in ${seconds.toFixed(1)} s by the run's row (${(invoices / seconds).toFixed(1)} invoices/s); ${wallSeconds.toFixed(1)} s on the bench's wall clock (${(invoices / wallSeconds).toFixed(1)} invoices/s)\n`);
    // The raw rate of the same rows, in the same database file, inside a Worker, with the product Worker stopped.
    const list = (await (await fetch(`${worker.baseUrl}/v1/invoices?branchId=${BRANCH}&limit=1`, { headers })).json()) as any;
    await worker.stop({ keepState: true });
    const raw = await rawInsertRate(worker.persistDir, franchiseId, list.data[0].id, rawSample, RUN_CHUNK_SIZE);
    const loadAfterRaw = loadavg().map((x) => Math.round(x * 100) / 100);
    const invoicesPerSecond = Math.round((invoices / seconds) * 10) / 10;
    const runRowsPerSecond = Math.round(invoicesPerSecond * raw.rowsPerInvoice);
    const ratio = Math.round((runRowsPerSecond / raw.rowsPerSecond) * 1000) / 1000;
    const wallInvoicesPerSecond = Math.round((invoices / wallSeconds) * 10) / 10;
    const wallRatio = Math.round(((wallInvoicesPerSecond * raw.rowsPerInvoice) / raw.rowsPerSecond) * 1000) / 1000;
    process.stderr.write(`raw: ${raw.rows} rows in ${raw.seconds.toFixed(2)} s = ${raw.rowsPerSecond} rows/s; run: ${runRowsPerSecond} rows/s; ratio ${ratio}\n`);
    return {
      detail: { runId: submitted.id, acceptedMs: Math.round(acceptedMs), clock: "run row startedAt -> finishedAt", runSeconds: Math.round(seconds * 10) / 10, wallSeconds: Math.round(wallSeconds * 10) / 10, wallInvoicesPerSecond, wallRatio, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter, loadAverageAfterRaw: loadAfterRaw, rowsPerInvoice: raw.rowsPerInvoice, runRowsPerSecond, rawSampleInvoices: rawSample, rawBlock: RUN_CHUNK_SIZE, rawSeconds: Math.round(raw.seconds * 100) / 100, targetRatio: TARGET_RATIO, failed: runState.failed },
      invoices,
      invoicesPerSecond,
      rawRowsPerSecond: raw.rowsPerSecond,
      ratio,
    };
  } finally {
    await worker.stop();
    rmSync(worker.persistDir, { recursive: true, force: true });
  }
}
