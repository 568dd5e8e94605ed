// The BI feed end to end, read by an independent engine: a real Worker (wrangler dev, local D1,
// R2 and the bi-export queue) on a small demo seed runs a day's export through
// POST /v1/bi/exports; every exported table's Parquet is downloaded through its signed URL from
// the manifest and read by DuckDB; its totals match the analytics, receivables, forecast, risk,
// communications and integrations APIs to the cent.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorker, type LocalWorker } from "../../bench/local-worker.ts";
import { BI_TABLES } from "../../workers/bi/tables.ts";

const SETUP_MS = 420_000; // migrations, seed, wrangler dev and a model training run on a loaded 2-core machine

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

let worker: LocalWorker;
let token: string;
let day: string;
let con: DuckDBConnection;
const files = new Map<string, string>();
const dir = mkdtempSync(join(tmpdir(), "bi-duckdb-api-"));

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(worker.baseUrl + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Rows of a DuckDB query with every value as text (BIGINT sums stay exact). */
async function query(sql: string): Promise<Record<string, string | null>[]> {
  return (await con.runAndReadAll(sql)).getRowObjectsJson() as Record<string, string | null>[];
}

const num = (v: string | null | undefined) => (v === null || v === undefined ? 0 : Number(v));
const dayOf = (d: Date) => d.toISOString().slice(0, 10);

beforeAll(async () => {
  worker = await startLocalWorker({ port: await freePort(), customers: "40,20", vars: { LOG_LEVEL: "warn" }, readyTimeoutMs: 180_000 });
  const cron = await fetch(`${worker.baseUrl}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("* * * * *")}`); // builds the rollups
  expect(cron.ok).toBe(true);
  const creds = worker.credentials as LocalWorker["credentials"] & { staffEmail: string; staffPassword: string };
  const login = await fetch(`${worker.baseUrl}/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: creds.staffEmail, password: creds.staffPassword }) });
  expect(login.status).toBe(200);
  token = ((await login.json()) as { token: string }).token;
  // The export day: the busiest of the last two weeks (billing and cash both), so every table has rows.
  let best = -1;
  for (let i = 1; i <= 14; i++) {
    const d = dayOf(new Date(Date.now() - i * 86_400_000));
    const rows = (await api("GET", `/v1/analytics/overview?from=${d}&to=${d}`)).data as Array<{ billed: number; collected: number }>;
    const score = rows.reduce((s, r) => s + (r.billed > 0 && r.collected > 0 ? r.billed + r.collected : 0), 0);
    if (score > best) [best, day] = [score, d];
  }
  expect(best).toBeGreaterThan(0);
  // Train the forecasting and risk models through the model-training queue, so cash_forecast and risk_scores have a run behind them.
  expect((await fetch(`${worker.baseUrl}/v1/analytics/forecast/retrain`, { method: "POST", headers: { authorization: `Bearer ${token}` } })).status).toBe(202);
  for (let i = 0; i < 480 && (await api("GET", "/v1/analytics/forecast/accuracy")).runId === null; i++) await new Promise((r) => setTimeout(r, 250));
  const queued = await api("POST", "/v1/bi/exports", { date: day });
  let status = queued.status;
  for (let i = 0; i < 600 && status !== "done" && status !== "failed"; i++) {
    await new Promise((r) => setTimeout(r, 250));
    status = (await api("GET", `/v1/bi/exports/${queued.id}`)).status;
  }
  expect(status).toBe("done");
  const manifest = await api("GET", "/v1/bi/manifest");
  for (const t of manifest.tables) {
    const part = t.partitions.find((p: any) => p.dt === day);
    const file = part?.files.find((f: any) => f.format === "parquet");
    if (!file) continue;
    const res = await fetch(file.url);
    expect(res.status).toBe(200);
    const path = join(dir, `${t.table}.parquet`);
    writeFileSync(path, new Uint8Array(await res.arrayBuffer()));
    files.set(t.table, path);
  }
  con = await (await DuckDBInstance.create(":memory:")).connect();
}, SETUP_MS);

afterAll(async () => {
  con?.closeSync();
  await worker?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("BI export read by DuckDB vs the API", () => {
  it("every table was exported for the day and DuckDB reads it with the declared types", async () => {
    expect([...files.keys()].sort()).toEqual(BI_TABLES.map((t) => t.name).sort());
    const duck = { date: "DATE", string: "VARCHAR", int64: "BIGINT", double: "DOUBLE" } as const;
    for (const t of BI_TABLES) {
      const described = await query(`DESCRIBE SELECT * FROM read_parquet('${files.get(t.name)}')`);
      expect(described.map((d) => [d.column_name, d.column_type]), t.name).toEqual(t.columns.map((c) => [c.name, duck[c.type]]));
    }
  });

  it("revenue_daily and collections: the day's billed, recognized and collected per currency = GET /v1/analytics/overview", async () => {
    const overview = (await api("GET", `/v1/analytics/overview?from=${day}&to=${day}`)).data as any[];
    const daily = await query(
      `SELECT currency, sum(billed_gross)::VARCHAR billed, sum(recognized)::VARCHAR recognized, sum(collected)::VARCHAR collected, sum(credited_gross)::VARCHAR credited, count(*) FILTER (WHERE day <> DATE '${day}')::VARCHAR otherdays FROM read_parquet('${files.get("revenue_daily")}') GROUP BY currency ORDER BY currency`,
    );
    const cash = await query(`SELECT currency, sum(amount)::VARCHAR amount, count(DISTINCT method)::VARCHAR methods FROM read_parquet('${files.get("collections")}') GROUP BY currency ORDER BY currency`);
    expect(overview.length).toBeGreaterThan(0);
    for (const o of overview) {
      const d = daily.find((r) => r.currency === o.currency);
      expect({ billed: num(d?.billed), recognized: num(d?.recognized), collected: num(d?.collected), credited: num(d?.credited), otherdays: num(d?.otherdays) }, o.currency).toEqual({
        billed: o.billed,
        recognized: o.recognized,
        collected: o.collected,
        credited: o.credited,
        otherdays: 0,
      });
      expect(num(cash.find((r) => r.currency === o.currency)?.amount), `${o.currency} collections`).toBe(o.collected);
    }
    expect(overview.some((o) => o.collected > 0)).toBe(true);
  });

  it("revenue_monthly: every month's billed, credited, recognized and deferredEnd per currency = GET /v1/analytics/revenue", async () => {
    const rows = await query(
      `SELECT month, currency, sum(billed)::VARCHAR billed, sum(credited)::VARCHAR credited, sum(recognized)::VARCHAR recognized, sum(deferred_end)::VARCHAR deferred_end FROM read_parquet('${files.get("revenue_monthly")}') GROUP BY month, currency ORDER BY month, currency`,
    );
    const first = rows[0]!.month as string;
    expect(rows.length).toBeGreaterThan(12);
    const revenue = (await api("GET", `/v1/analytics/revenue?from=${first}&to=${day.slice(0, 7)}`)).data as any[];
    // The API's last month runs to its end; the partition stops at the export day, so compare the months before it.
    const closed = rows.filter((r) => (r.month as string) < day.slice(0, 7));
    for (const r of closed) {
      const a = revenue.find((x) => x.month === r.month && x.currency === r.currency);
      expect([num(r.billed), num(r.credited), num(r.recognized), num(r.deferred_end)], `${r.month} ${r.currency}`).toEqual([a?.billed ?? 0, a?.credited ?? 0, a?.recognized ?? 0, a?.deferredEnd ?? 0]);
    }
    expect(closed.length).toBeGreaterThan(12);
  });

  it("branch_kpis: the day's month per branch = overview (billed, collected, DSO) and the branch comparison (dispute rate)", async () => {
    const month = day.slice(0, 7);
    const kpis = await query(
      `SELECT branch_id, currency, billed::VARCHAR billed, collected::VARCHAR collected, dso::VARCHAR dso, invoices_issued::VARCHAR issued, dispute_rate::VARCHAR dispute_rate FROM read_parquet('${files.get("branch_kpis")}') WHERE month = '${month}' ORDER BY branch_id, currency`,
    );
    const comparison = (await api("GET", `/v1/analytics/branches?from=${month}-01&to=${day}`)).data as any[];
    expect(kpis.length).toBeGreaterThan(0);
    for (const k of kpis) {
      const o = ((await api("GET", `/v1/analytics/overview?from=${month}-01&to=${day}&branchId=${k.branch_id}`)).data as any[]).find((x) => x.currency === k.currency);
      expect([num(k.billed), num(k.collected), k.dso === null ? null : Number(k.dso)], `${k.branch_id} ${k.currency}`).toEqual([o.billed, o.collected, o.dso]);
      const b = comparison.find((x) => x.branchId === k.branch_id && x.currency === k.currency);
      expect([num(k.issued), k.dispute_rate === null ? null : Number(k.dispute_rate)]).toEqual([b.invoicesIssued, b.disputeRate]);
    }
  });

  it("ar_aging: open balances per currency × bucket as of the day = GET /v1/receivables/aging?asOf", async () => {
    const rows = await query(`SELECT currency, bucket, sum(amount)::VARCHAR amount, sum(invoices)::VARCHAR invoices, min(as_of)::VARCHAR as_of FROM read_parquet('${files.get("ar_aging")}') GROUP BY currency, bucket`);
    const aging = (await api("GET", `/v1/receivables/aging?asOf=${day}`)).currencies as any[];
    expect(aging.length).toBeGreaterThan(0);
    for (const c of aging) {
      for (const b of c.buckets) {
        const r = rows.find((x) => x.currency === c.currency && x.bucket === b.bucket);
        expect([num(r?.amount), num(r?.invoices)], `${c.currency} ${b.bucket}`).toEqual([b.amount, b.count]);
      }
    }
    expect(rows.every((r) => r.as_of === day)).toBe(true);
  });

  it("cash_forecast: the network-wide rows per currency = GET /v1/analytics/forecast/cashflow, every period to the cent", async () => {
    const rows = await query(
      `SELECT currency, granularity, period_start::VARCHAR period_start, expected::VARCHAR expected, lower_80::VARCHAR lo80, upper_95::VARCHAR hi95, model_run_id FROM read_parquet('${files.get("cash_forecast")}') WHERE branch_id IS NULL ORDER BY currency, granularity, period_start`,
    );
    const currencies = [...new Set(rows.map((r) => r.currency as string))];
    expect(currencies.length).toBeGreaterThan(0);
    const runId = (await api("GET", "/v1/analytics/forecast/accuracy")).runId;
    for (const currency of currencies) {
      const view = await api("GET", `/v1/analytics/forecast/cashflow?currency=${currency}`);
      const expected = (["month", "week"] as const).flatMap((g) => view[`${g}s`].map((p: any) => [g, p.start, p.expected, p.lo80, p.hi95]));
      expect(rows.filter((r) => r.currency === currency).map((r) => [r.granularity, r.period_start, num(r.expected), num(r.lo80), num(r.hi95)]), currency).toEqual(expected);
    }
    expect(rows.every((r) => r.model_run_id === runId)).toBe(true);
    // The branch rows are each branch's own forecast: present for every branch that bills.
    const branches = await query(`SELECT count(DISTINCT branch_id)::VARCHAR n FROM read_parquet('${files.get("cash_forecast")}') WHERE branch_id IS NOT NULL`);
    expect(num(branches[0]?.n)).toBeGreaterThan(0);
  });

  it("risk_scores: one row per scored customer = GET /v1/analytics/forecast/risk (p_late, model version)", async () => {
    const rows = await query(`SELECT customer_id, p_late::VARCHAR p_late, model_version, band FROM read_parquet('${files.get("risk_scores")}') ORDER BY customer_id`);
    const scores: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await api("GET", `/v1/analytics/forecast/risk?limit=200${cursor ? `&cursor=${cursor}` : ""}`);
      scores.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => [r.customer_id, Number(r.p_late), r.model_version])).toEqual(
      scores.map((s) => [s.customerId, s.pLate, s.runId]).sort((a, b) => (a[0] as string).localeCompare(b[0] as string)),
    );
    expect(rows.every((r) => ["high", "elevated", "low"].includes(r.band as string))).toBe(true);
  });

  it("dunning_kpis: the day's reminders per channel = the communications API over every customer", async () => {
    const counts = new Map<string, number>();
    let cursor: string | null = null;
    do {
      const page: any = await api("GET", `/v1/customers?limit=200${cursor ? `&cursor=${cursor}` : ""}`);
      for (const c of page.data) {
        for (const h of (await api("GET", `/v1/customers/${c.id}/communications?limit=200`)).data) {
          if (h.occurredAt.slice(0, 10) !== day || !["sent", "delivered", "failed", "suppressed", "opt_out", "escalation"].includes(h.kind)) continue;
          counts.set(`${h.channel}|${h.kind}`, (counts.get(`${h.channel}|${h.kind}`) ?? 0) + 1);
        }
      }
      cursor = page.nextCursor;
    } while (cursor);
    const rows = await query(
      `SELECT coalesce(channel, 'null') channel, sum(sent)::VARCHAR sent, sum(delivered)::VARCHAR delivered, sum(failed)::VARCHAR failed, sum(suppressed)::VARCHAR suppressed, sum(opt_outs)::VARCHAR opt_out, sum(escalations_opened)::VARCHAR escalation FROM read_parquet('${files.get("dunning_kpis")}') GROUP BY 1`,
    );
    const duck = new Map<string, number>();
    for (const r of rows) for (const kind of ["sent", "delivered", "failed", "suppressed", "opt_out", "escalation"]) if (num(r[kind]) > 0) duck.set(`${r.channel}|${kind}`, num(r[kind]));
    expect(Object.fromEntries([...duck].sort())).toEqual(Object.fromEntries([...counts].sort()));
  });

  it("sync_kpis: one row per connection with activity on the day, as the integrations API lists them", async () => {
    const rows = await query(`SELECT connection_id, records_synced::VARCHAR synced FROM read_parquet('${files.get("sync_kpis")}')`);
    const connections = (await api("GET", "/v1/integrations")).data as any[];
    // The demo data has no ERP connection: an empty, correctly typed partition (the worker test covers a synced connection).
    expect(rows.every((r) => connections.some((c) => c.id === r.connection_id))).toBe(true);
    expect(rows.length).toBeLessThanOrEqual(connections.length);
  });
});
