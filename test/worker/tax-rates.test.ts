// Tax-rate updates end to end: the D1 triggers keep every (jurisdiction, category) one unbroken
// chain of half-open periods whatever writes it; invoices issued the day before and the day of
// the real DE / EE / FI changes get the right rate, and a credit note after the change keeps the
// invoice's rate; the feed's new periods are staged, alerted, approved (applied, and recorded in
// the audit log through the event stream) or rejected by staff admins only.
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";
import { addDays } from "../../workers/domain/dates.ts";
import { A, callJson, createCustomer, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

const now = "2026-01-01T00:00:00.000Z";
const BRANCHES = { DE: "br_000000000000000000000000d1", EE: "br_000000000000000000000000d2", FI: "br_000000000000000000000000d3" };
const CURRENCY = "EUR";
let admin: string;

const insertRate = (id: string, j: string, ppm: number, from: string, to: string | null, category = "standard") =>
  env.DB.prepare("INSERT INTO tax_rates (id, jurisdiction, category, rate_ppm, effective_from, effective_to, source, created_at) VALUES (?, ?, ?, ?, ?, ?, 'test', ?)").bind(id, j, category, ppm, from, to, now);

beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  admin = await login(STAFF.aAdmin.email);
  await env.DB.batch([
    ...Object.entries(BRANCHES).map(([j, id], i) =>
      env.DB.prepare("INSERT INTO branches (id, franchise_id, code, name, timezone, currency, jurisdiction, created_at) VALUES (?, ?, ?, ?, 'Europe/Berlin', 'EUR', ?, ?)").bind(id, A.franchiseId, `${j}${i}`, `${j} branch`, j, now),
    ),
    // the real history (compliance NOTES §5), in the order a chain can be written
    insertRate("tax_de_1", "DE", 190_000, "2007-01-01", "2020-07-01"),
    insertRate("tax_de_2", "DE", 160_000, "2020-07-01", "2021-01-01"),
    insertRate("tax_de_3", "DE", 190_000, "2021-01-01", null),
    insertRate("tax_ee_1", "EE", 200_000, "2009-07-01", "2024-01-01"),
    insertRate("tax_ee_2", "EE", 220_000, "2024-01-01", "2025-07-01"),
    insertRate("tax_ee_3", "EE", 240_000, "2025-07-01", null),
    insertRate("tax_fi_1", "FI", 240_000, "2013-01-01", "2024-09-01"),
    insertRate("tax_fi_2", "FI", 255_000, "2024-09-01", null),
  ]);
});

describe("the rate table's triggers", () => {
  it("refuse a gap, an empty period, a rewritten rate, and updates or deletes that open a gap", async () => {
    await insertRate("tax_zz_1", "ZZ", 100_000, "2020-01-01", "2022-01-01").run();
    await insertRate("tax_zz_2", "ZZ", 120_000, "2022-01-01", "2024-01-01").run();
    await insertRate("tax_zz_3", "ZZ", 100_000, "2024-01-01", null).run();
    await expect(insertRate("tax_zz_gap", "ZZ", 1, "2019-01-01", "2019-06-01").run()).rejects.toThrow(/tax_rate_period_gap/);
    await expect(insertRate("tax_zz_empty", "ZY", 1, "2019-01-01", "2019-01-01").run()).rejects.toThrow(/tax_rate_period_empty/);
    await expect(env.DB.prepare("UPDATE tax_rates SET rate_ppm = 1 WHERE id = 'tax_zz_2'").run()).rejects.toThrow(/tax_rate_immutable/);
    await expect(env.DB.prepare("UPDATE tax_rates SET effective_to = '2023-01-01' WHERE id = 'tax_zz_2'").run()).rejects.toThrow(/tax_rate_period_gap/);
    await expect(env.DB.prepare("UPDATE tax_rates SET effective_to = '2025-01-01' WHERE id = 'tax_zz_2'").run()).rejects.toThrow(/tax_rate_period_overlap/);
    await expect(env.DB.prepare("UPDATE tax_rates SET effective_from = '2021-06-01' WHERE id = 'tax_zz_2'").run()).rejects.toThrow(/tax_rate_period_(gap|overlap)/);
    await expect(env.DB.prepare("DELETE FROM tax_rates WHERE id = 'tax_zz_2'").run()).rejects.toThrow(/tax_rate_period_gap/);
    // a batch that closes the open end and appends the next period is the one way forward
    await env.DB.batch([env.DB.prepare("UPDATE tax_rates SET effective_to = '2030-01-01' WHERE id = 'tax_zz_3'"), insertRate("tax_zz_4", "ZZ", 130_000, "2030-01-01", null)]);
    // an aborted batch leaves nothing behind
    await expect(env.DB.batch([env.DB.prepare("UPDATE tax_rates SET effective_to = '2031-01-01' WHERE id = 'tax_zz_4'"), insertRate("tax_zz_5", "ZZ", 1, "2032-01-01", null)])).rejects.toThrow(/tax_rate_period_gap/);
    const zz = await env.DB.prepare("SELECT rate_ppm, effective_from, effective_to FROM tax_rates WHERE jurisdiction = 'ZZ' ORDER BY effective_from").all();
    expect(zz.results.map((r) => [r.rate_ppm, r.effective_from, r.effective_to])).toEqual([
      [100_000, "2020-01-01", "2022-01-01"],
      [120_000, "2022-01-01", "2024-01-01"],
      [100_000, "2024-01-01", "2030-01-01"],
      [130_000, "2030-01-01", null],
    ]);
  });
});

describe("invoices at the real boundaries", () => {
  // A branch numbers its invoices in date order, so each is issued once, in order, and reused.
  const issuedOn = new Map<string, any>();
  async function issueOn(branch: string, issueDate: string) {
    const customerId = await createCustomer({ name: `Boundary ${branch} ${issueDate}` });
    const draft = await callJson("POST", "/v1/invoices", { body: { customerId, branchId: branch, currency: CURRENCY, issueDate, lines: [{ description: "Service", quantity: 1, unitPrice: 10_000 }] } });
    expect(draft.status).toBe(201);
    const issued = await callJson("POST", `/v1/invoices/${draft.body.id}/issue`, { body: {} });
    expect(issued.status).toBe(200);
    return issued.body;
  }

  it.each([
    ["DE", "2020-06-30", 1_900],
    ["DE", "2020-07-01", 1_600],
    ["DE", "2020-12-31", 1_600],
    ["DE", "2021-01-01", 1_900],
    ["EE", "2025-06-30", 2_200],
    ["EE", "2025-07-01", 2_400],
    ["FI", "2024-08-31", 2_400],
    ["FI", "2024-09-01", 2_550],
  ])("%s invoice issued on %s is taxed %d cents on 100 €", async (j, date, tax) => {
    const invoice = await issueOn(BRANCHES[j as keyof typeof BRANCHES], date);
    issuedOn.set(`${j}/${date}`, invoice);
    expect(invoice.issueDate).toBe(date);
    expect(invoice.taxTotal).toBe(tax);
  });

  it.each([
    ["DE", "2020-12-31", 160_000, "16"],
    ["EE", "2025-06-30", 220_000, "22"],
    ["FI", "2024-08-31", 240_000, "24"],
  ])("a credit note today of the %s invoice of %s keeps its %d ppm", async (j, date, ppm, percent) => {
    const invoice = issuedOn.get(`${j}/${date}`);
    const credit = await callJson("POST", "/v1/credit-notes", { body: { invoiceId: invoice.id, reason: "after the rate change", lines: [{ description: "Part refund", quantity: 1, unitPrice: 5_000 }] } });
    expect(credit.status).toBe(201);
    expect(credit.body.lines.map((l: any) => Number(l.taxRate))).toEqual([Number(percent)]);
    expect(credit.body.taxTotal).toBe(Math.round((5_000 * ppm) / 1_000_000));
    // the issued invoice was not recomputed by anything since
    const again = await callJson("GET", `/v1/invoices/${invoice.id}`);
    expect(again.body.taxTotal).toBe(invoice.taxTotal);
  });
});

describe("the rate feed: staged, alerted, approved or rejected by staff admins", () => {
  const today = new Date().toISOString().slice(0, 10);
  const soon = addDays(today, 10);
  const back = addDays(today, 40);
  const later = addDays(today, 200);
  const feedRates = [
    { jurisdiction: "DE", category: "standard", ratePpm: 190_000, effectiveFrom: "2021-01-01", effectiveTo: soon, source: "UStG § 12" },
    { jurisdiction: "DE", category: "standard", ratePpm: 170_000, effectiveFrom: soon, effectiveTo: back, source: "a temporary cut (test)" },
    { jurisdiction: "DE", category: "standard", ratePpm: 190_000, effectiveFrom: back, effectiveTo: null, source: "UStG § 12" },
    { jurisdiction: "FI", category: "standard", ratePpm: 255_000, effectiveFrom: "2024-09-01", effectiveTo: later, source: "ALV § 84" },
    { jurisdiction: "FI", category: "standard", ratePpm: 260_000, effectiveFrom: later, effectiveTo: null, source: "a later change (test)" },
  ];
  const feed = (rates: unknown[]) => fetch(`${env.TAX_RATE_FEED_URL}/_fake/rates`, { method: "PUT", body: JSON.stringify({ rates }) });

  it("are for staff admins only", async () => {
    for (const [method, path] of [["GET", "/v1/tax-rates/changes"], ["GET", "/v1/tax-rates/alerts"], ["POST", "/v1/tax-rates/sync"]] as const) {
      const res = await callJson(method, path, method === "POST" ? { body: {} } : {});
      expect(res.status).toBe(403);
      expect(res.body.code).toBe("staff_admin_required");
    }
    expect((await callJson("GET", "/v1/tax-rates/changes", { key: await login(STAFF.aFinance.email) })).status).toBe(403);
    // the table itself is reference data anyone of the franchise may read
    const rates = await callJson("GET", "/v1/tax-rates?jurisdiction=FI");
    expect(rates.status).toBe(200);
    expect(rates.body.data.map((r: any) => r.ratePpm)).toEqual([240_000, 255_000]);
  });

  it("stages only the new periods, alerts the one due soon, applies it on approval and records it in the audit log", async () => {
    await feed(feedRates);
    const sync = await callJson("POST", "/v1/tax-rates/sync", { key: admin, body: {} });
    expect(sync.status).toBe(200);
    expect(sync.body.staged).toBe(2);
    // idempotent: the same feed stages nothing more
    expect((await callJson("POST", "/v1/tax-rates/sync", { key: admin, body: {} })).body.staged).toBe(0);
    const pending = (await callJson("GET", "/v1/tax-rates/changes?status=pending", { key: admin })).body.data;
    expect(pending.map((c: any) => [c.jurisdiction, c.ratePpm, c.effectiveFrom, c.effectiveTo])).toEqual([
      ["FI", 260_000, later, null],
      ["DE", 170_000, soon, back],
    ]);
    const alerts = (await callJson("GET", "/v1/tax-rates/alerts", { key: admin })).body.data;
    const de = pending.find((c: any) => c.jurisdiction === "DE");
    expect(alerts).toContainEqual({ kind: "change_due_soon", jurisdiction: "DE", category: "standard", effectiveFrom: soon, daysLeft: 10, changeId: de.id });
    expect(alerts.some((a: any) => a.changeId && a.changeId !== de.id)).toBe(false);

    const approved = await callJson("POST", `/v1/tax-rates/changes/${de.id}/approve`, { key: admin, body: {} });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: "approved", decidedBy: `staff:${STAFF.aAdmin.id}` });
    const table = (await callJson("GET", "/v1/tax-rates?jurisdiction=DE")).body.data;
    expect(table.map((r: any) => [r.ratePpm, r.effectiveFrom, r.effectiveTo])).toEqual([
      [190_000, "2007-01-01", "2020-07-01"],
      [160_000, "2020-07-01", "2021-01-01"],
      [190_000, "2021-01-01", soon],
      [170_000, soon, back],
      [190_000, back, null],
    ]);
    // decided once only
    const twice = await callJson("POST", `/v1/tax-rates/changes/${de.id}/approve`, { key: admin, body: {} });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe("tax_rate_change_decided");
    // today's invoices still use today's rate; the change takes effect on its day
    const customerId = await createCustomer({ name: "After approval" });
    const draft = await callJson("POST", "/v1/invoices", { body: { customerId, branchId: BRANCHES.DE, currency: CURRENCY, lines: [{ description: "Service", quantity: 1, unitPrice: 10_000 }] } });
    expect(draft.body.taxTotal).toBe(1_900);

    // the change reaches franchise A's audit log through the event stream (A has a DE branch)
    const event = await env.DB.prepare("SELECT id, seq, type, aggregate_type, aggregate_id, actor, occurred_at, payload FROM outbox_events WHERE type = 'tax_rate.changed' AND aggregate_id = ?").bind(de.id).all<Record<string, any>>();
    expect(event.results.map((e) => e.aggregate_id)).toEqual([de.id]);
    const e = event.results[0]!;
    expect(JSON.parse(e.payload).periods.inserted).toHaveLength(2);
    const batch = createMessageBatch("domain-events", [{ id: `msg_${e.id}`, attempts: 1, timestamp: new Date(), body: { eventId: e.id, franchiseId: A.franchiseId, seq: e.seq, type: e.type, aggregateType: e.aggregate_type, aggregateId: e.aggregate_id, aggregateVersion: 1, actor: e.actor, occurredAt: e.occurred_at, payload: JSON.parse(e.payload) } }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    await getQueueResult(batch, ctx);
    const entries = await callJson("GET", `/v1/audit/entries?aggregateId=${de.id}`);
    expect(entries.body.data.map((x: any) => [x.fields.type, x.fields.actor])).toEqual([["tax_rate.changed", `staff:${STAFF.aAdmin.id}`]]);
  });

  it("a rejected change is kept with its reason and not staged again; a malformed feed is a clear 422", async () => {
    const fi = (await callJson("GET", "/v1/tax-rates/changes?status=pending", { key: admin })).body.data.find((c: any) => c.jurisdiction === "FI");
    const noReason = await callJson("POST", `/v1/tax-rates/changes/${fi.id}/reject`, { key: admin, body: {} });
    expect(noReason.status).toBe(400);
    const rejected = await callJson("POST", `/v1/tax-rates/changes/${fi.id}/reject`, { key: admin, body: { reason: "not announced by Vero yet" } });
    expect(rejected.body).toMatchObject({ status: "rejected", decisionReason: "not announced by Vero yet" });
    expect((await callJson("POST", "/v1/tax-rates/sync", { key: admin, body: {} })).body.staged).toBe(0);
    expect((await callJson("GET", "/v1/tax-rates?jurisdiction=FI")).body.data).toHaveLength(2);

    await feed([{ ...feedRates[0], ratePpm: "19%" }]);
    const bad = await callJson("POST", "/v1/tax-rates/sync", { key: admin, body: {} });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: "tax_feed_malformed" });
    expect(bad.body.detail).toContain("rates.0.ratePpm");
    await fetch(`${env.TAX_RATE_FEED_URL}/_fake/rates`, { method: "DELETE" });
  });

  it("alerts a jurisdiction some branch invoices in without a rate", async () => {
    await env.DB.prepare("INSERT INTO branches (id, franchise_id, code, name, timezone, currency, jurisdiction, created_at) VALUES ('br_000000000000000000000000d9', ?, 'PT1', 'Porto', 'Europe/Lisbon', 'EUR', 'PT', ?)").bind(A.franchiseId, now).run();
    const alerts = (await callJson("GET", "/v1/tax-rates/alerts", { key: admin })).body.data;
    expect(alerts).toContainEqual({ kind: "rate_missing", jurisdiction: "PT", category: "standard", date: today });
    await env.DB.prepare("DELETE FROM branches WHERE id = 'br_000000000000000000000000d9'").run();
  });
});
