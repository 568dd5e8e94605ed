// Forecasting and risk in the product: a franchise with two years of invoices and payments
// (written straight into D1), trained through the model-training queue consumer, read through
// the API: accuracy next to the baselines, risk scores with factors and trend, a cash-flow
// forecast with nested intervals, and nothing of it visible to another franchise.
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";
import { A, B, callJson, createCustomer, seedFixtures } from "./fixtures.ts";

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const pad = (n: number) => String(n).padStart(26, "0");

// Customer profiles: days from due date to payment (negative = early); "open" leaves the newest unpaid.
const PROFILES = [
  { name: "Always Late SL", lateBy: (i: number) => 25 + (i % 3) * 5 },
  { name: "Sometimes Late SA", lateBy: (i: number) => (i % 3 === 0 ? 12 : -3) },
  { name: "Punctual One", lateBy: () => -10 },
  { name: "Punctual Two", lateBy: (i: number) => -5 - (i % 4) },
  { name: "Drifting Later", lateBy: (i: number) => -10 + i * 2 },
  { name: "Early Bird", lateBy: () => -20 },
  { name: "Recently Late", lateBy: (i: number) => (i < 21 ? -8 : 25) },
];

let customers: string[] = [];
let seqNo = 0;

async function seedHistory(): Promise<void> {
  const today = Date.now();
  const start = today - 730 * DAY;
  const statements: D1PreparedStatement[] = [];
  const now = new Date().toISOString();
  PROFILES.forEach((profile, c) => {
    for (let i = 0; i < 24; i++) {
      const issued = start + i * 30 * DAY + c * DAY;
      if (issued > today - DAY) break;
      const due = issued + 30 * DAY;
      const total = 10_000 + ((i * 37 + c * 11) % 20) * 500 + (i % 12 === 11 ? 8_000 : 0);
      const id = `inv_${pad(c * 100 + i)}`;
      seqNo++;
      statements.push(
        env.DB.prepare(
          `INSERT INTO invoices (id, franchise_id, branch_id, customer_id, seq, number, status, currency, issue_date, due_date, subtotal, tax_total, total, tax_breakdown, created_at, updated_at, issued_at)
           VALUES (?, ?, ?, ?, ?, ?, 'issued', 'EUR', ?, ?, ?, 0, ?, '[]', ?, ?, ?)`,
        ).bind(id, A.franchiseId, A.madrid, customers[c]!, 1000 + seqNo, `F-${1000 + seqNo}`, iso(issued), iso(due), total, total, now, now, now),
      );
      const paidAt = due + profile.lateBy(i) * DAY;
      if (paidAt < today - 2 * DAY) {
        const pay = `pay_${pad(c * 100 + i)}`;
        statements.push(
          env.DB.prepare(
            "INSERT INTO payments (id, franchise_id, customer_id, currency, amount, received_at, method, created_at) VALUES (?, ?, ?, 'EUR', ?, ?, 'bank_transfer', ?)",
          ).bind(pay, A.franchiseId, customers[c]!, total, new Date(paidAt).toISOString(), now),
          env.DB.prepare("INSERT INTO payment_allocations (id, franchise_id, payment_id, invoice_id, amount, created_at) VALUES (?, ?, ?, ?, ?, ?)").bind(
            `pal_${pad(c * 100 + i)}`,
            A.franchiseId,
            pay,
            id,
            total,
            now,
          ),
        );
      }
    }
  });
  for (let i = 0; i < statements.length; i += 50) await env.DB.batch(statements.slice(i, i + 50));
}

async function runTrainingJob(franchiseId: string) {
  const batch = createMessageBatch("model-training", [
    {
      id: `msg-${franchiseId}-${Date.now()}`,
      timestamp: new Date(),
      attempts: 1,
      body: { franchiseId, requestedBy: "test", requestedAt: new Date().toISOString() },
    },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

beforeAll(async () => {
  await seedFixtures();
  customers = [];
  for (const p of PROFILES) customers.push(await createCustomer({ name: p.name }));
  await seedHistory();
});

describe("before any training", () => {
  it("accuracy and risk say so with nulls, and an unknown customer is 404", async () => {
    const acc = await callJson("GET", "/v1/analytics/forecast/accuracy");
    expect(acc.status).toBe(200);
    expect(acc.body).toEqual({ runId: null, trainedAt: null, trainedBy: null, forecast: null, risk: null });
    const risk = await callJson("GET", `/v1/customers/${customers[0]}/risk`);
    expect(risk.status).toBe(200);
    expect(risk.body.pLate).toBeNull();
    expect((await callJson("GET", `/v1/customers/cus_${pad(999)}/risk`)).status).toBe(404);
  });
});

describe("after the model-training job", () => {
  beforeAll(async () => {
    const queued = await callJson("POST", "/v1/analytics/forecast/retrain");
    expect(queued.status).toBe(202);
    const result = await runTrainingJob(A.franchiseId);
    expect(result.explicitAcks).toHaveLength(1);
  });

  it("reports backtested accuracy next to seasonal naive, and risk metrics with a calibration table", async () => {
    const acc = await callJson("GET", "/v1/analytics/forecast/accuracy");
    expect(acc.body.trainedAt).not.toBeNull();
    expect(acc.body.forecast.currency).toBe("EUR");
    expect(acc.body.forecast.origins).toBeGreaterThan(0);
    expect(Object.keys(acc.body.forecast.models).sort()).toEqual(["combination", "naive2", "snaive"]);
    expect(acc.body.forecast.models.combination.smape).toBeGreaterThanOrEqual(0);
    const risk = acc.body.risk;
    expect(risk.invoices).toBeGreaterThanOrEqual(10);
    expect(risk.auc).toBeGreaterThan(0.7);
    expect(risk.brier).toBeLessThan(0.25);
    expect(risk.calibration.reduce((s: number, b: any) => s + b.count, 0)).toBe(risk.invoices);
  });

  it("ranks the chronic late payer first with its top factors, and pages the list without repeats", async () => {
    const first = await callJson("GET", "/v1/analytics/forecast/risk?limit=2");
    expect(first.status).toBe(200);
    const all = (await callJson("GET", "/v1/analytics/forecast/risk?limit=200")).body.data;
    // The chronic late payer is among the three riskiest; the early bird is the safest.
    expect(all.slice(0, 3).map((r: any) => r.customerName)).toContain("Always Late SL");
    expect(all.at(-1).customerName).toBe("Early Bird");
    const chronic = all.find((r: any) => r.customerId === customers[0]);
    expect(chronic.pLate).toBeGreaterThan(0.6);
    expect(chronic.topFactors.length).toBeGreaterThan(0);
    expect(first.body.data[0].pLate).toBeGreaterThanOrEqual(first.body.data[1].pLate);
    const seen = first.body.data.map((r: any) => r.customerId);
    let cursor = first.body.nextCursor;
    while (cursor) {
      const next = await callJson("GET", `/v1/analytics/forecast/risk?limit=2&cursor=${cursor}`);
      seen.push(...next.body.data.map((r: any) => r.customerId));
      cursor = next.body.nextCursor;
    }
    expect(new Set(seen).size).toBe(PROFILES.length);
    expect(seen).toHaveLength(PROFILES.length);
    const punctual = await callJson("GET", `/v1/customers/${customers[5]}/risk`);
    expect(punctual.body.pLate).toBeLessThan(0.3);
    // Paid early for 21 months, late since: the score rose over the last 90 days.
    const recent = await callJson("GET", `/v1/customers/${customers[6]}/risk`);
    expect(recent.body.trend).toBeGreaterThan(0.1);
    expect((await callJson("GET", "/v1/analytics/forecast/risk?cursor=bogus")).status).toBe(400);
  });

  it("forecasts 13 weeks and 12 months of collections with nested intervals, open invoices first", async () => {
    const res = await callJson("GET", "/v1/analytics/forecast/cashflow");
    expect(res.status).toBe(200);
    const fc = res.body;
    expect(fc.currency).toBe("EUR");
    expect(fc.weeks).toHaveLength(13);
    expect(fc.months).toHaveLength(12);
    expect(fc.source.openInvoices).toBeGreaterThan(0);
    for (const b of [...fc.weeks, ...fc.months]) {
      expect(b.lo95).toBeLessThanOrEqual(b.lo80);
      expect(b.lo80).toBeLessThanOrEqual(b.expected);
      expect(b.expected).toBeLessThanOrEqual(b.hi80);
      expect(b.hi80).toBeLessThanOrEqual(b.hi95);
    }
    const outstanding = (await env.DB.prepare(
      "SELECT sum(total - amount_paid - amount_credited) AS o FROM invoices WHERE franchise_id = ? AND status IN ('issued','partially_paid')",
    )
      .bind(A.franchiseId)
      .first<{ o: number }>())!.o;
    const fromOpen = fc.weeks.reduce((s: number, b: any) => s + b.fromOpenInvoices, 0);
    expect(fromOpen).toBeLessThanOrEqual(outstanding + 13);
    expect(fromOpen).toBeGreaterThan(outstanding * 0.5);
    expect(fc.months.some((m: any) => m.fromNewBilling > 0)).toBe(true);
    expect(fc.actuals.length).toBeGreaterThan(6);
    expect((await callJson("GET", "/v1/analytics/forecast/cashflow?currency=eur")).status).toBe(400);
  });

  it("shows none of it to another franchise", async () => {
    const list = await callJson("GET", "/v1/analytics/forecast/risk", { key: B.key });
    expect(list.body.data).toEqual([]);
    expect((await callJson("GET", `/v1/customers/${customers[0]}/risk`, { key: B.key })).status).toBe(404);
    expect((await callJson("GET", "/v1/analytics/forecast/accuracy", { key: B.key })).body.runId).toBeNull();
    const cash = await callJson("GET", "/v1/analytics/forecast/cashflow", { key: B.key });
    expect(cash.body.currency).toBeNull();
    expect(cash.body.source.openInvoices).toBe(0);
  });

  it("a retrain replaces the scores and the accuracy run", async () => {
    const before = (await callJson("GET", "/v1/analytics/forecast/accuracy")).body.runId;
    await runTrainingJob(A.franchiseId);
    const after = (await callJson("GET", "/v1/analytics/forecast/accuracy")).body.runId;
    expect(after).not.toBe(before);
    const list = await callJson("GET", "/v1/analytics/forecast/risk?limit=200");
    expect(list.body.data).toHaveLength(PROFILES.length);
    expect(new Set(list.body.data.map((r: any) => r.runId))).toEqual(new Set([after]));
  });
});
