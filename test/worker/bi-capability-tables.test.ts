// The BI tables of the capabilities on top of billing: cash_forecast and risk_scores. A history
// of invoices and payments is made through the API, the models train through the real
// model-training consumer, the day is exported through the bi-export consumer, and the Parquet
// (downloaded through its signed URL, read with hyparquet) matches the forecast and risk APIs
// exactly; the pull API pages a new table across partitions at its 200-row limit.
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";
import { addDays } from "../../workers/domain/dates.ts";
import { A, call, callJson, createCustomer, createDraft, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

const today = new Date().toISOString().slice(0, 10);
let admin: string;
let manager: string;

/** Runs a queue's messages through the Worker's queue handler (the consumer the queue invokes). */
async function consume(queue: string, id: string, body: unknown) {
  const batch = createMessageBatch(queue, [{ id, timestamp: new Date(), attempts: 1, body }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

async function exportDay(date: string) {
  const queued = await callJson("POST", "/v1/bi/exports", { key: admin, body: { date } });
  expect(queued.status).toBe(202);
  expect((await consume("bi-export", `bix-${queued.body.id}`, { exportId: queued.body.id, franchiseId: A.franchiseId, date })).explicitAcks).toHaveLength(1);
  const done = await callJson("GET", `/v1/bi/exports/${queued.body.id}`, { key: admin });
  expect(done.body).toMatchObject({ status: "done", progress: { tablesDone: 9, tablesTotal: 9 } });
}

/** A table's partition of `date`: the manifest entry, the downloaded Parquet and its rows. */
async function partition(table: string, date: string) {
  const manifest = (await callJson("GET", "/v1/bi/manifest")).body;
  const t = manifest.tables.find((x: any) => x.table === table);
  const part = t.partitions.find((p: any) => p.dt === date);
  const file = part.files.find((f: any) => f.format === "parquet");
  const url = new URL(file.url);
  const buf = await (await call("GET", `${url.pathname}${url.search}`, { key: null })).arrayBuffer();
  const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", buf))].map((x) => x.toString(16).padStart(2, "0")).join("");
  expect([buf.byteLength, digest]).toEqual([file.bytes, file.sha256]);
  const rows = (await parquetReadObjects({ file: buf })) as any[];
  expect(rows.length).toBe(part.rows);
  return { part, schema: parquetMetadata(buf).schema, rows };
}

const day = (d: Date) => d.toISOString().slice(0, 10);

// Customers and how many days after the due date each pays (negative: early; null: leaves it open).
const PAYERS = [
  { name: "Late Always SL", late: [20, 25, 30, 22, 28, null] },
  { name: "Punctual SA", late: [-5, -3, -6, -2, -4, -5] },
  { name: "Mixed Pay SL", late: [10, -2, 15, -1, 12, null] },
  { name: "Early Bird SL", late: [-15, -12, -14, -16, -13, -10] },
  { name: "Drifting SL", late: [-5, 0, 5, 10, 15, null] },
];

beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  admin = await login(STAFF.aAdmin.email);
  manager = await login(STAFF.aManager.email);
  const customers: string[] = [];
  for (const p of PAYERS) customers.push(await createCustomer({ name: p.name }));
  const ny = await createCustomer({ name: "Hudson Offices LLC", language: "en", timezone: "America/New_York" });
  // Monthly invoices over the last half year, issued in date order (numbering is chronological).
  const plan: { customer: string; branchId: string; currency: string; issueDate: string; late: number | null }[] = [];
  for (let m = 6; m >= 1; m--) {
    PAYERS.forEach((p, c) => plan.push({ customer: customers[c]!, branchId: A.madrid, currency: "EUR", issueDate: addDays(today, -m * 30 - 5 + c), late: p.late[6 - m]! }));
    if (m <= 3) plan.push({ customer: ny, branchId: A.newYork, currency: "USD", issueDate: addDays(today, -m * 30), late: m === 1 ? null : 3 });
  }
  plan.sort((a, b) => a.issueDate.localeCompare(b.issueDate));
  for (const p of plan) {
    const draft = await createDraft(p.customer, { branchId: p.branchId, currency: p.currency, issueDate: p.issueDate, dueInDays: 30, lines: [{ description: "Monthly cleaning", quantity: 1, unitPrice: 40_000 + p.issueDate.charCodeAt(9) * 100, serviceTypeId: A.cleaning }] });
    const issued = await callJson("POST", `/v1/invoices/${draft.id}/issue`);
    expect(issued.status).toBe(200);
    const paidOn = p.late === null ? null : addDays(issued.body.dueDate, p.late);
    if (paidOn !== null && paidOn < today) {
      const paid = await call("POST", "/v1/payments", { body: { customerId: p.customer, currency: p.currency, amount: issued.body.total, method: "bank_transfer", receivedAt: `${paidOn}T10:00:00Z`, allocations: [{ invoiceId: issued.body.id, amount: issued.body.total }] } });
      expect(paid.status).toBe(201);
    }
  }
  expect((await callJson("POST", "/v1/analytics/forecast/retrain")).status).toBe(202);
  const trained = await consume("model-training", `train-${Date.now()}`, { franchiseId: A.franchiseId, requestedBy: "test", requestedAt: new Date().toISOString() });
  expect(trained.explicitAcks).toHaveLength(1);
}, 180_000); // ~70 API writes and PBKDF2 logins on a loaded machine

describe("cash_forecast and risk_scores", () => {
  it("cash_forecast: network-wide and per-branch rows equal GET /v1/analytics/forecast/cashflow for that scope, to the cent", async () => {
    await exportDay(today);
    const { rows, schema } = await partition("cash_forecast", today);
    expect(schema.find((s) => s.name === "expected")?.type).toBe("INT64");
    expect(schema.find((s) => s.name === "period_start")).toMatchObject({ type: "INT32", converted_type: "DATE" });
    const accuracy = (await callJson("GET", "/v1/analytics/forecast/accuracy")).body;
    expect(accuracy.runId).not.toBeNull();
    const asRows = (view: any, branchId: string | null) =>
      (["week", "month"] as const).flatMap((g) =>
        view[`${g}s`].map((p: any) => ({
          branch_id: branchId,
          currency: view.currency,
          granularity: g,
          period_start: p.start,
          period_end: p.end,
          expected: BigInt(p.expected),
          lower_80: BigInt(p.lo80),
          upper_80: BigInt(p.hi80),
          lower_95: BigInt(p.lo95),
          upper_95: BigInt(p.hi95),
          model_run_id: accuracy.runId,
          trained_at: accuracy.trainedAt,
        })),
      );
    const mine = (branchId: string | null, currency: string) =>
      rows
        .filter((r) => r.branch_id === branchId && r.currency === currency)
        .map((r) => ({ ...r, period_start: day(r.period_start), period_end: day(r.period_end) }))
        .map(({ as_of, from_open_invoices, from_new_billing, model, day: _d, ...rest }) => rest);
    // Network-wide: what a network role gets, per currency.
    for (const currency of ["EUR", "USD"]) {
      const api = (await callJson("GET", `/v1/analytics/forecast/cashflow?currency=${currency}`, { key: admin })).body;
      expect(api.weeks).toHaveLength(13);
      expect(mine(null, currency), currency).toEqual(asRows(api, null));
    }
    // Madrid: what Madrid's branch manager gets.
    const madrid = (await callJson("GET", "/v1/analytics/forecast/cashflow?currency=EUR", { key: manager })).body;
    expect(mine(A.madrid, "EUR")).toEqual(asRows(madrid, A.madrid));
    expect(mine(A.newYork, "USD")).toHaveLength(25);
    expect(rows.filter((r) => r.branch_id === A.madrid && r.currency === "USD")).toEqual([]);
    // Something is expected to arrive: the open invoices are in it.
    expect(rows.filter((r) => r.branch_id === null && r.currency === "EUR").reduce((s, r) => s + r.from_open_invoices, 0n)).toBeGreaterThan(0n);
    expect(rows.every((r) => r.as_of instanceof Date && day(r.as_of) === today)).toBe(true);
  });

  it("risk_scores: one row per scored customer = GET /v1/analytics/forecast/risk (score, model version, scored at), banded by the franchise thresholds, no names", async () => {
    const { rows, schema } = await partition("risk_scores", today);
    expect(schema.map((s) => s.name)).not.toContain("customer_name");
    const api: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (await callJson("GET", `/v1/analytics/forecast/risk?limit=2${cursor ? `&cursor=${cursor}` : ""}`)).body;
      api.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    expect(api.length).toBe(PAYERS.length + 1);
    const { highRisk } = (await callJson("GET", "/v1/analytics/forecast/settings")).body;
    const expected = api
      .map((r) => ({
        customer_id: r.customerId,
        p_late: r.pLate,
        p_churn: null,
        band: r.pLate >= highRisk.enter ? "high" : r.pLate >= highRisk.exit ? "elevated" : "low",
        expected_days_to_settle: r.expectedDaysToSettle,
        trend: r.trend,
        open_invoices: BigInt(r.openInvoices),
        model_version: r.runId,
        scored_at: r.scoredAt,
      }))
      .sort((a, b) => a.customer_id.localeCompare(b.customer_id));
    expect(rows.map(({ as_of, ...rest }) => rest)).toEqual(expected);
    expect(new Set(rows.map((r) => r.band)).size).toBeGreaterThan(1);
  });

  it("pull API on cash_forecast: 3 partitions of 100 rows page at the 200-row limit, every row once, in dt order", async () => {
    const dates = [addDays(today, -2), addDays(today, -1), today];
    for (const d of dates.slice(0, 2)) await exportDay(d);
    const perDay = (await partition("cash_forecast", today)).rows.length;
    expect(perDay).toBe(100); // (EUR, USD network-wide + Madrid EUR + New York USD) × 25 periods
    const pages: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await callJson("GET", `/v1/bi/cash_forecast?since=${dates[0]}&limit=200${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      pages.push(page.body);
      cursor = page.body.nextCursor;
    } while (cursor && pages.length < 10);
    expect(pages.map((p) => p.data.length)).toEqual([200, 100]);
    const all = pages.flatMap((p) => p.data);
    expect(all.map((r: any) => r.dt)).toEqual(dates.flatMap((d) => Array(perDay).fill(d)));
    const keys = all.map((r: any) => `${r.dt}|${r.branch_id}|${r.currency}|${r.granularity}|${r.period_start}`);
    expect(new Set(keys).size).toBe(300);
    expect(typeof all[0].expected).toBe("number");
    expect(pages[0].schema.find((c: any) => c.name === "branch_id")).toEqual({ name: "branch_id", type: "string", nullable: true });
    // Default limit and `since` after the last partition.
    expect((await callJson("GET", `/v1/bi/risk_scores?since=${addDays(today, 1)}`)).body).toMatchObject({ data: [], nextCursor: null });
    expect((await call("GET", "/v1/bi/cash_forecast", { key: manager })).status).toBe(403);
  });

  it("re-running a day replaces its partition: one entry, the new run's rows, checksums of the files now in R2", async () => {
    const before = (await partition("risk_scores", today)).part;
    // A new training run rescores everyone: the re-export of the day carries the new model version only.
    await consume("model-training", `train-${Date.now()}`, { franchiseId: A.franchiseId, requestedBy: "test", requestedAt: new Date().toISOString() });
    await exportDay(today);
    const manifest = (await callJson("GET", "/v1/bi/manifest")).body;
    const entries = manifest.tables.find((t: any) => t.table === "risk_scores").partitions.filter((p: any) => p.dt === today);
    expect(entries).toHaveLength(1);
    const after = await partition("risk_scores", today);
    expect(after.part.exportedAt > before.exportedAt).toBe(true);
    expect(new Set(after.rows.map((r) => r.model_version)).size).toBe(1);
    expect(after.rows[0].model_version).not.toBe((await partition("risk_scores", addDays(today, -1))).rows[0].model_version);
  });
});
