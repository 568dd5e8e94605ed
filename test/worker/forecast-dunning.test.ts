// Risk feeds dunning (issue 12 → issue 7): after the model-training job scores a chronic late
// payer above the high-risk threshold, its dunning profile gets segment "high-risk" (source
// "risk"), so POST /v1/dunning/preview picks the high-risk cadence; a segment staff chose by
// hand is never overridden, and a punctual customer keeps the standard cadence.
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";
import { runBatch } from "../../workers/db/batch.ts";
import { database } from "../../workers/db/client.ts";
import { addDays } from "../../workers/domain/dates.ts";
import { riskSegmentChanges } from "../../workers/domain/risk/dunning-segment.ts";
import { profilesWithSegment, riskSegmentStatements } from "../../workers/risk/dunning-segment.ts";
import { A, callJson, createCustomer, seedFixtures } from "./fixtures.ts";
import { CADENCE, overdueInvoice, today } from "./dunning-fixtures.ts";

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const pad = (n: number) => String(n).padStart(26, "0");

// Days from due date to payment (negative = early), one invoice a month for two years.
const PROFILES = [
  { key: "late", name: "Always Late SL", lateBy: (i: number) => 25 + (i % 3) * 5 },
  { key: "manual", name: "Late But Pinned SA", lateBy: (i: number) => 30 + (i % 2) * 5 },
  { key: "punctual", name: "Punctual SL", lateBy: () => -10 },
  { key: "early", name: "Early Bird SA", lateBy: (i: number) => -15 - (i % 3) },
  { key: "mixed", name: "Sometimes Late SL", lateBy: (i: number) => (i % 3 === 0 ? 12 : -3) },
] as const;
const ids: Record<string, string> = {};

async function seedHistory(): Promise<void> {
  const now = Date.now();
  const start = now - 730 * DAY;
  const stamp = new Date().toISOString();
  const statements: D1PreparedStatement[] = [];
  PROFILES.forEach((profile, c) => {
    for (let i = 0; i < 23; i++) {
      const issued = start + i * 30 * DAY + c * DAY;
      const due = issued + 30 * DAY;
      const paidAt = due + profile.lateBy(i) * DAY;
      if (paidAt > now - 2 * DAY) continue;
      const n = c * 100 + i;
      statements.push(
        env.DB.prepare(
          `INSERT INTO invoices (id, franchise_id, branch_id, customer_id, seq, number, status, currency, issue_date, due_date, subtotal, tax_total, total, tax_breakdown, created_at, updated_at, issued_at)
           VALUES (?, ?, ?, ?, ?, ?, 'issued', 'EUR', ?, ?, 12000, 0, 12000, '[]', ?, ?, ?)`,
        ).bind(
          `inv_${pad(700_000 + n)}`,
          A.franchiseId,
          A.madrid,
          ids[profile.key]!,
          70_000 + n,
          `H-${70_000 + n}`,
          iso(issued),
          iso(due),
          stamp,
          stamp,
          new Date(issued).toISOString(),
        ),
        env.DB.prepare(
          "INSERT INTO payments (id, franchise_id, customer_id, currency, amount, received_at, method, created_at) VALUES (?, ?, ?, 'EUR', 12000, ?, 'bank_transfer', ?)",
        ).bind(`pay_${pad(700_000 + n)}`, A.franchiseId, ids[profile.key]!, new Date(paidAt).toISOString(), stamp),
        env.DB.prepare("INSERT INTO payment_allocations (id, franchise_id, payment_id, invoice_id, amount, created_at) VALUES (?, ?, ?, ?, 12000, ?)").bind(
          `pal_${pad(700_000 + n)}`,
          A.franchiseId,
          `pay_${pad(700_000 + n)}`,
          `inv_${pad(700_000 + n)}`,
          stamp,
        ),
      );
    }
  });
  for (let i = 0; i < statements.length; i += 60) await env.DB.batch(statements.slice(i, i + 60));
}

async function train() {
  const batch = createMessageBatch("model-training", [
    {
      id: `msg-${Date.now()}`,
      timestamp: new Date(),
      attempts: 1,
      body: { franchiseId: A.franchiseId, requestedBy: "system:test", requestedAt: new Date().toISOString() },
    },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  await expect(getQueueResult(batch, ctx)).resolves.toMatchObject({ explicitAcks: [expect.any(String)] });
}

const preview = async (customerId: string) =>
  (await callJson("POST", "/v1/dunning/preview", { body: { customerId, from: today(), to: addDays(today(), 40) } })).body;
const profile = async (customerId: string) => (await callJson("GET", `/v1/customers/${customerId}/dunning-profile`)).body;

let standard = "";
let highRisk = "";

beforeAll(async () => {
  await seedFixtures();
  standard = (await callJson("POST", "/v1/dunning/cadences", { body: { ...CADENCE, name: "Standard" } })).body.id;
  const firm = {
    ...CADENCE,
    name: "High risk",
    segments: ["high-risk"],
    steps: [{ ...CADENCE.steps[0], id: "hr0", trigger: { type: "days_after_due", days: 5 } }],
  };
  const created = await callJson("POST", "/v1/dunning/cadences", { body: firm });
  expect(created.status).toBe(201);
  highRisk = created.body.id;
  for (const p of PROFILES)
    ids[p.key] = await createCustomer({
      name: p.name,
      language: "en",
      channels: { email: { address: `${p.key}-${Date.now()}@example.es`, consent: "granted" } },
    });
  await seedHistory();
  for (const p of PROFILES) await overdueInvoice(ids[p.key]!, 2);
});

describe("risk → dunning segment", () => {
  it("a high late-payment score switches the previewed cadence to the high-risk one; staff's own choice and punctual customers are left alone", async () => {
    expect((await preview(ids.late!)).cadence.id).toBe(standard);
    // Staff pin the second late payer's dunning segment by hand before any training.
    const pinned = await callJson("PUT", `/v1/customers/${ids.manual}/dunning-profile`, {
      body: { preferredChannels: [], doNotContact: false, segment: "key-account" },
    });
    expect(pinned.status).toBe(200);
    expect(pinned.body).toMatchObject({ segment: "key-account", segmentSource: "staff" });

    await train();
    const risk = await callJson("GET", `/v1/customers/${ids.late}/risk`);
    expect(risk.body.pLate).toBeGreaterThanOrEqual(0.6);
    expect(await profile(ids.late!)).toMatchObject({ segment: "high-risk", segmentSource: "risk", preferredChannels: [], doNotContact: false });
    const after = await preview(ids.late!);
    expect(after.cadence.id).toBe(highRisk);
    expect(after.data.filter((m: any) => m.status === "send").map((m: any) => m.stepId)).toEqual(["hr0"]);

    // Late too, but staff chose its segment: still theirs, still the catch-all cadence.
    expect((await callJson("GET", `/v1/customers/${ids.manual}/risk`)).body.pLate).toBeGreaterThanOrEqual(0.6);
    expect(await profile(ids.manual!)).toMatchObject({ segment: "key-account", segmentSource: "staff" });
    expect((await preview(ids.manual!)).cadence.id).toBe(standard);
    for (const key of ["punctual", "early"]) {
      expect(await profile(ids[key]!)).toMatchObject({ segment: null, segmentSource: null });
      expect((await preview(ids[key]!)).cadence.id).toBe(standard);
    }
  });

  it("a retrain keeps the high-risk segment; staff can take it over by hand, and handing it back (null) lets the model set it again", async () => {
    await train();
    expect(await profile(ids.late!)).toMatchObject({ segment: "high-risk", segmentSource: "risk" });
    await callJson("PUT", `/v1/customers/${ids.late}/dunning-profile`, { body: { preferredChannels: [], doNotContact: false, segment: "payment-plan" } });
    await train();
    expect(await profile(ids.late!)).toMatchObject({ segment: "payment-plan", segmentSource: "staff" });
    expect((await preview(ids.late!)).cadence.id).toBe(standard);
    // Omitting segment leaves the choice as it is.
    await callJson("PUT", `/v1/customers/${ids.late}/dunning-profile`, { body: { preferredChannels: ["email"], doNotContact: false } });
    expect(await profile(ids.late!)).toMatchObject({ segment: "payment-plan", segmentSource: "staff", preferredChannels: ["email"] });
    await callJson("PUT", `/v1/customers/${ids.late}/dunning-profile`, { body: { preferredChannels: ["email"], doNotContact: false, segment: null } });
    expect(await profile(ids.late!)).toMatchObject({ segment: null, segmentSource: null });
    await train();
    expect(await profile(ids.late!)).toMatchObject({ segment: "high-risk", segmentSource: "risk", preferredChannels: ["email"] });
    expect((await preview(ids.late!)).cadence.id).toBe(highRisk);
    const bad = await callJson("PUT", `/v1/customers/${ids.late}/dunning-profile`, {
      body: { preferredChannels: [], doNotContact: false, segment: "High Risk!" },
    });
    expect(bad.status).toBe(400);
  });

  it("the franchise's own thresholds: raising them sends the high-risk customer back to its own segment's cadence at the next training", async () => {
    expect((await callJson("GET", "/v1/analytics/forecast/settings")).body).toEqual({
      highRisk: { enter: 0.6, exit: 0.45 },
      source: "default",
      updatedAt: null,
    });
    const bad = await callJson("PUT", "/v1/analytics/forecast/settings", { body: { highRisk: { enter: 0.5, exit: 0.7 } } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain("highRisk.exit");
    expect((await callJson("PUT", "/v1/analytics/forecast/settings", { body: { highRisk: { enter: 1.2, exit: 0.5 } } })).status).toBe(400);
    expect((await callJson("GET", "/v1/analytics/forecast/settings")).body.source).toBe("default");
    expect(await profile(ids.late!)).toMatchObject({ segment: "high-risk", segmentSource: "risk" });
    const saved = await callJson("PUT", "/v1/analytics/forecast/settings", { body: { highRisk: { enter: 1, exit: 1 } } });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ highRisk: { enter: 1, exit: 1 }, source: "franchise" });
    await train();
    expect((await callJson("GET", `/v1/customers/${ids.late}/risk`)).body.pLate).toBeLessThan(1);
    expect(await profile(ids.late!)).toMatchObject({ segment: null, segmentSource: null });
    expect((await preview(ids.late!)).cadence.id).toBe(standard);
    // Staff's pin is untouched either way.
    expect(await profile(ids.manual!)).toMatchObject({ segment: "key-account", segmentSource: "staff" });
  });

  it("applies 300 segment changes in one batch within D1's 100-parameter limit, skipping the 40 pinned by staff", async () => {
    const db = database(env.DB);
    const stamp = new Date().toISOString();
    const bulk = Array.from({ length: 300 }, (_, i) => `cus_${pad(800_000 + i)}`);
    const rows = bulk.map((id, i) =>
      env.DB.prepare(
        "INSERT INTO customers (id, franchise_id, name, segment, language, timezone, created_at, updated_at) VALUES (?, ?, ?, 'smb', 'en', 'Europe/Madrid', ?, ?)",
      ).bind(id, A.franchiseId, `Bulk ${i}`, stamp, stamp),
    );
    // 40 of them already have a segment chosen by hand.
    for (const id of bulk.slice(0, 40))
      rows.push(
        env.DB.prepare(
          "INSERT INTO customer_dunning_profiles (customer_id, franchise_id, preferred_channels, segment, segment_source, updated_at) VALUES (?, ?, '[]', 'key-account', 'staff', ?)",
        ).bind(id, A.franchiseId, stamp),
      );
    for (let i = 0; i < rows.length; i += 100) await env.DB.batch(rows.slice(i, i + 100));
    const before = await profilesWithSegment(db, A.franchiseId);
    const high = riskSegmentChanges(
      bulk.map((customerId) => ({ customerId, pLate: 0.9 })),
      before.filter((p) => bulk.includes(p.customerId)),
    );
    expect(high.enter).toHaveLength(260);
    // Even if the decision had been made before staff pinned them, SQL re-checks the source.
    await runBatch(db, riskSegmentStatements(db, A.franchiseId, { enter: bulk, leave: [] }, stamp));
    const count = async (sql: string) => (await env.DB.prepare(sql).bind(A.franchiseId).first<{ n: number }>())!.n;
    const inBulk = `customer_id BETWEEN 'cus_${pad(800_000)}' AND 'cus_${pad(800_299)}'`;
    expect(
      await count(
        `SELECT count(*) AS n FROM customer_dunning_profiles WHERE franchise_id = ? AND ${inBulk} AND segment = 'high-risk' AND segment_source = 'risk'`,
      ),
    ).toBe(260);
    expect(
      await count(
        `SELECT count(*) AS n FROM customer_dunning_profiles WHERE franchise_id = ? AND ${inBulk} AND segment = 'key-account' AND segment_source = 'staff'`,
      ),
    ).toBe(40);
    // The risk falls for all of them: the 260 go back, staff's 40 stay.
    const low = riskSegmentChanges(
      bulk.map((customerId) => ({ customerId, pLate: 0.1 })),
      (await profilesWithSegment(db, A.franchiseId)).filter((p) => bulk.includes(p.customerId)),
    );
    expect(low).toEqual({ enter: [], leave: bulk.slice(40) });
    await runBatch(db, riskSegmentStatements(db, A.franchiseId, { enter: [], leave: bulk }, stamp));
    expect(
      await count(`SELECT count(*) AS n FROM customer_dunning_profiles WHERE franchise_id = ? AND ${inBulk} AND segment IS NULL AND segment_source IS NULL`),
    ).toBe(260);
    expect(await count(`SELECT count(*) AS n FROM customer_dunning_profiles WHERE franchise_id = ? AND ${inBulk} AND segment_source = 'staff'`)).toBe(40);
  });
});
