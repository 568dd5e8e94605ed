// A billing run at scale through the real path: wrangler dev (workerd, local D1, the
// InvoiceSequence DO, the local Workflows engine), a branch with N customers × 3 monthly
// agreements, one POST /v1/billing-runs, then GET until done. Reported next to the raw local D1
// insert rate of the same rows measured in the same run: the same tables (same indexes and
// triggers, same database file), the same row shapes (an invoice, 3 lines, 2 outbox events with
// the run's real payload sizes, a billing key), written by `wrangler d1 execute` as plain
// multi-row INSERTs (100 rows, or fewer to stay under 100 KB a statement), minus that command's start-up time (measured with an empty file).
//   npm run bench -- billing-run [--invoices 50000] [--raw-sample 5000]
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startLocalWorker } from "./local-worker.ts";

const ROWS_PER_INVOICE = 7; // invoice + 3 lines + invoice.drafted + invoice.issued + billing key
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
function timedExecute(dir: string, file: string, attempt = 1): number {
  const started = performance.now();
  const r = spawnSync(wrangler, ["d1", "execute", "DB", "--local", "--persist-to", dir, "--file", file, "-y"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  // The worker may still be writing (its last event relay): wait for the database to be free.
  if (r.status !== 0 && /SQLITE_BUSY|database is locked/.test(`${r.stdout}${r.stderr}`) && attempt < 10) {
    spawnSync("sleep", ["3"]);
    return timedExecute(dir, file, attempt + 1);
  }
  if (r.status !== 0) throw new Error(`d1 execute failed:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  return (performance.now() - started) / 1000;
}

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The same rows as `sample` run invoices, as 100-row INSERTs into the same tables. */
function rawSql(franchiseId: string, customerId: string, sample: number, template: { invoice: any; drafted: string; issued: string }): string {
  const statements: string[] = [];
  // Up to 100 rows per INSERT, and under D1's 100 KB statement limit (outbox payloads are large).
  const rows = (table: string, columns: string, values: string[]) => {
    let batch: string[] = [];
    let size = 0;
    const flush = () => {
      if (batch.length > 0) statements.push(`INSERT INTO ${table} (${columns}) VALUES ${batch.join(",")};`);
      batch = [];
      size = 0;
    };
    for (const v of values) {
      if (batch.length === 100 || size + v.length > 90_000) flush();
      batch.push(v);
      size += v.length + 1;
    }
    flush();
  };
  const inv = template.invoice;
  const at = q(inv.issuedAt);
  const ids = Array.from({ length: sample }, (_, i) => `inv_raw${pad(i).slice(3)}`);
  rows("invoices", "id, franchise_id, branch_id, customer_id, seq, number, status, currency, issue_date, due_date, subtotal, tax_total, total, tax_breakdown, memo, seller, buyer, version, created_at, updated_at, issued_at",
    ids.map((id, i) => `(${q(id)}, ${q(franchiseId)}, 'br_0000000000000000000000braw', ${q(customerId)}, ${i + 1}, ${q(`RAW-${i + 1}`)}, 'issued', ${q(inv.currency)}, ${q(inv.issueDate)}, ${q(inv.dueDate)}, ${inv.subtotal}, ${inv.taxTotal}, ${inv.total}, ${q(JSON.stringify(inv.taxBreakdown))}, ${q(inv.memo ?? "")}, ${q(JSON.stringify(inv.seller))}, ${q(JSON.stringify(inv.buyer))}, 2, ${at}, ${at}, ${at})`));
  rows("invoice_lines", "id, franchise_id, invoice_id, position, description, quantity_milli, unit_price, discount_bps, discount_amount, net_amount, service_type_id, tax_category, tax_rate_ppm, service_period_start, service_period_end",
    ids.flatMap((id, i) => inv.lines.map((l: any, p: number) => `(${q(`il_raw${pad(i * 3 + p).slice(4)}`)}, ${q(franchiseId)}, ${q(id)}, ${p + 1}, ${q(l.description)}, ${Math.round(l.quantity * 1000)}, ${l.unitPrice}, 0, 0, ${l.netAmount}, ${l.serviceTypeId ? q(l.serviceTypeId) : "NULL"}, ${q(l.taxCategory)}, ${Math.round(Number(l.taxRate) * 10_000)}, ${q(l.servicePeriod?.start ?? inv.issueDate)}, ${q(l.servicePeriod?.end ?? inv.issueDate)})`)));
  rows("outbox_events", "id, franchise_id, type, aggregate_type, aggregate_id, aggregate_version, actor, payload, occurred_at, published_at, seq",
    ids.flatMap((id, i) => [
      `(${q(`evt_rawd${pad(i).slice(4)}`)}, 'fr_raw_bench', 'invoice.drafted', 'invoice', ${q(id)}, 1, 'system:bench', ${q(template.drafted)}, ${at}, ${at}, ${2 * i + 1})`,
      `(${q(`evt_rawi${pad(i).slice(4)}`)}, 'fr_raw_bench', 'invoice.issued', 'invoice', ${q(id)}, 2, 'system:bench', ${q(template.issued)}, ${at}, ${at}, ${2 * i + 2})`,
    ]));
  rows("billing_run_invoices", "franchise_id, billing_key, invoice_id, run_id", ids.map((id, i) => `(${q(franchiseId)}, ${q(`raw:${i}`)}, ${q(id)}, 'raw')`));
  return statements.join("\n");
}

export async function run(args: string[]) {
  const invoices = arg(args, "invoices", 50_000);
  const rawSample = Math.min(invoices, arg(args, "raw-sample", 5_000));
  let franchiseId = "";
  const worker = await startLocalWorker({
    port: 8796,
    customers: "20,10",
    vars: { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn" },
    readyTimeoutMs: 120_000,
    setupSql: async (cred) => {
      franchiseId = cred.franchiseId;
      return setupSql(cred.franchiseId, invoices);
    },
  });
  try {
    const headers = { authorization: `Bearer ${worker.credentials.apiKey}`, "content-type": "application/json" };
    const period = new Date().toISOString().slice(0, 7);
    const started = performance.now();
    const res = await fetch(`${worker.baseUrl}/v1/billing-runs`, { method: "POST", headers, body: JSON.stringify({ branchId: BRANCH, period, source: "agreements" }) });
    const submitted = (await res.json()) as any;
    if (res.status !== 202) throw new Error(`submit: ${res.status} ${JSON.stringify(submitted)}`);
    const acceptedMs = performance.now() - started;
    let runState: any;
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      runState = await (await fetch(`${worker.baseUrl}/v1/billing-runs/${submitted.id}`, { headers })).json();
      if (runState.status === "done" || runState.status === "failed") break;
      process.stderr.write(`\r${runState.status} ${runState.issued}/${runState.planned}   `);
    }
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write("\n");
    if (runState.status !== "done" || runState.issued !== invoices) throw new Error(`run ended ${runState.status} with ${runState.issued}/${invoices} issued: ${JSON.stringify(runState).slice(0, 500)}`);

    process.stderr.write(`run done: ${invoices} invoices in ${seconds.toFixed(1)} s = ${(invoices / seconds).toFixed(1)} invoices/s\n`);
    // The raw rate of the same rows, in the same database, with the worker idle.
    const list = (await (await fetch(`${worker.baseUrl}/v1/invoices?branchId=${BRANCH}&limit=1`, { headers })).json()) as any;
    const invoice = list.data[0];
    const issuedPayload = JSON.stringify({ invoice: { ...invoice, lines: invoice.lines } });
    const dir = worker.persistDir;
    writeFileSync(join(dir, "empty.sql"), "SELECT 1;");
    writeFileSync(join(dir, "raw.sql"), `INSERT INTO branches (id, franchise_id, code, name, timezone, currency, jurisdiction, created_at) SELECT 'br_0000000000000000000000braw', franchise_id, 'BRAW', 'Raw', timezone, currency, jurisdiction, created_at FROM branches WHERE id = '${BRANCH}';\nINSERT INTO franchises (id, name, created_at) VALUES ('fr_raw_bench', 'raw', '2026-01-01');\n${rawSql(franchiseId, invoice.customerId, rawSample, { invoice, drafted: issuedPayload, issued: issuedPayload })}`);
    const startup = timedExecute(dir, join(dir, "empty.sql"));
    const rawSeconds = Math.max(0.001, timedExecute(dir, join(dir, "raw.sql")) - startup);
    const rawRowsPerSecond = Math.round((rawSample * ROWS_PER_INVOICE) / rawSeconds);
    const invoicesPerSecond = Math.round((invoices / seconds) * 10) / 10;
    const ratio = Math.round(((invoicesPerSecond * ROWS_PER_INVOICE) / rawRowsPerSecond) * 1000) / 1000;
    return {
      detail: { runId: submitted.id, acceptedMs: Math.round(acceptedMs), runSeconds: Math.round(seconds * 10) / 10, rowsPerInvoice: ROWS_PER_INVOICE, runRowsPerSecond: Math.round(invoicesPerSecond * ROWS_PER_INVOICE), rawSampleInvoices: rawSample, rawSeconds: Math.round(rawSeconds * 100) / 100, targetRatio: TARGET_RATIO, failed: runState.failed },
      invoices,
      invoicesPerSecond,
      rawRowsPerSecond,
      ratio,
    };
  } finally {
    await worker.stop();
  }
}
