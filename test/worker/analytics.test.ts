// Analytics rollups and /v1/analytics/*: the rollup follows the event stream (redeliveries add
// nothing), a rebuild gives the same cells, every figure reconciles to the cent with sums taken
// independently from the raw API data, and every read is franchise- and branch-scoped.
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";
import { ANALYTICS_EVENT_TYPES, applyEvent } from "../../workers/analytics/subscriber.ts";
import { rebuildRollup } from "../../workers/analytics/rebuild.ts";
import { CELLS_PER_STATEMENT, sumRollupRanges } from "../../workers/db/analytics-rollups.ts";
import { database } from "../../workers/db/client.ts";
import { envelopeOf, type OutboxRow } from "../../workers/events/envelope.ts";
import { A, B, call, callJson, createCustomer, createDraft, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

const db = () => database(env.DB);
const today = new Date().toISOString().slice(0, 10);
const month = today.slice(0, 7);

async function outboxEvents(franchiseId: string) {
  const { results } = await env.DB.prepare("SELECT * FROM outbox_events WHERE franchise_id = ? ORDER BY seq").bind(franchiseId).all<OutboxRow>();
  return results.map((r) => ({ ...envelopeOf(r), payload: JSON.parse(r.payload) }));
}

/** Delivers the franchise's events through the real domain-events consumer. */
async function deliverAll(franchiseId: string) {
  const events = await outboxEvents(franchiseId);
  const batch = createMessageBatch("domain-events", events.map((e, i) => ({ id: `m-${e.seq}-${i}`, timestamp: new Date(), attempts: 1, body: e })));
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  const result = await getQueueResult(batch, ctx);
  const failed = await env.DB.prepare("SELECT subscriber, event_id, last_error FROM processed_events WHERE franchise_id = ? AND status = 'failed'").bind(franchiseId).all();
  expect(result.retryMessages, JSON.stringify(failed.results)).toEqual([]);
  return events;
}

async function cellsSnapshot(franchiseId: string) {
  const { results } = await env.DB.prepare("SELECT * FROM analytics_daily WHERE franchise_id = ? ORDER BY day, branch_id, service_type_id, currency").bind(franchiseId).all();
  return results;
}

let customer: string;
let adminToken: string;
let managerToken: string;
const invoices: any[] = [];

beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  adminToken = await login(STAFF.aAdmin.email);
  managerToken = await login(STAFF.aManager.email);
  customer = await createCustomer();
  // 1: a month of cleaning, ratable by day (31 days × 100 = 3100 net) plus a one-off manual line.
  const ratable = await createDraft(customer, {
    lines: [
      { description: "Cleaning, a 31-day month", quantity: 1, unitPrice: 3100, serviceTypeId: A.cleaning, servicePeriod: { start: "2027-01-01", end: "2027-01-31" } },
      { description: "Manual", quantity: 1, unitPrice: 1000, serviceTypeId: A.books },
    ],
  });
  // 2: a long contract (1200 days) so a single event writes more cells than one statement holds.
  const long = await createDraft(customer, { lines: [{ description: "Maintenance contract", quantity: 1, unitPrice: 120_000, serviceTypeId: A.cleaning, servicePeriod: { start: today, end: addDays(today, 1199) } }] });
  // 3: issued then paid in part and credited; 4: issued in New York (USD); 5: issued then voided.
  const paid = await createDraft(customer);
  const usd = await createDraft(customer, { branchId: A.newYork, currency: "USD", lines: [{ description: "NY clean", quantity: 2, unitPrice: 5000, serviceTypeId: A.cleaning }] });
  const voided = await createDraft(customer);
  for (const d of [ratable, long, paid, usd, voided]) {
    const issued = await callJson("POST", `/v1/invoices/${d.id}/issue`);
    expect(issued.status).toBe(200);
    invoices.push(issued.body);
  }
  expect((await call("POST", `/v1/invoices/${voided.id}/void`, { body: { reason: "Duplicate" } })).status).toBe(200);
  const pay = await callJson("POST", "/v1/payments", { body: { customerId: customer, currency: "EUR", amount: 10_000, method: "card", allocations: [{ invoiceId: paid.id, amount: 10_000 }] } });
  expect(pay.status, JSON.stringify(pay.body)).toBe(201);
  const cn = await callJson("POST", "/v1/credit-notes", { body: { invoiceId: ratable.id, reason: "Half the month cancelled", lines: [{ description: "Half", quantity: 1, unitPrice: 2050, taxCategory: "standard" }] } });
  expect(cn.status, JSON.stringify(cn.body)).toBe(201);
  await createCustomer({ name: "Beta customer" }, B.key);
  await deliverAll(A.franchiseId);
}, 120_000); // PBKDF2 logins and a dozen writes: slow on a loaded machine

function addDays(date: string, n: number) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

describe("rollup maintenance", () => {
  it("reconciles to the cent with a recomputation and the ledger after incremental updates", async () => {
    const r = await callJson("GET", "/v1/analytics/reconciliation");
    expect(r.status).toBe(200);
    expect(r.body.mismatches).toEqual([]);
    expect(r.body.ok).toBe(true);
    expect(r.body.checked).toBeGreaterThan(30);
  });

  it("is idempotent per event seq: redelivering every event, twice, changes nothing", async () => {
    const before = await cellsSnapshot(A.franchiseId);
    const events = (await outboxEvents(A.franchiseId)).filter((e) => (ANALYTICS_EVENT_TYPES as readonly string[]).includes(e.type));
    expect(events.length).toBe(8);
    for (const e of events) expect(await applyEvent(db(), e, new Date())).toMatch(/duplicate|covered_by_rebuild/);
    await Promise.all(events.map((e) => applyEvent(db(), e, new Date())));
    expect(await cellsSnapshot(A.franchiseId)).toEqual(before);
  });

  it("one event writing more cells than one statement holds stays within D1's limits and lands whole", async () => {
    const long = invoices[1];
    const { results } = await env.DB.prepare("SELECT count(*) AS n, SUM(recognized) AS rec FROM analytics_daily WHERE franchise_id = ? AND service_type_id = ? AND day >= ?").bind(A.franchiseId, A.cleaning, today).all<{ n: number; rec: number }>();
    expect(results[0]!.n).toBeGreaterThan(CELLS_PER_STATEMENT * 2);
    expect(long.subtotal).toBe(120_000);
  });

  it("reads over whole months (monthly rollup) plus partial ones (daily) equal plain sums of the daily cells", async () => {
    const f = { franchiseId: A.franchiseId, branchScope: null };
    const ranges = [
      { from: null, to: "2030-12-31" },
      { from: `${month}-01`, to: "2027-01-31" },
      { from: addDays(today, 3), to: "2028-02-15" },
      { from: "2027-01-10", to: "2027-01-20" },
      { from: null, to: "2027-03-14" },
    ];
    const sums = await sumRollupRanges(db(), f, ranges, "branch");
    for (const [i, r] of ranges.entries()) {
      const { results } = await env.DB.prepare(
        "SELECT branch_id, currency, SUM(recognized) AS recognized, SUM(billed_gross) AS billed, SUM(overdue_delta) AS overdue, SUM(invoices_issued) AS issued FROM analytics_daily WHERE franchise_id = ? AND day BETWEEN ? AND ? GROUP BY branch_id, currency ORDER BY currency, branch_id",
      )
        .bind(A.franchiseId, r.from ?? "0000-01-01", r.to)
        .all<any>();
      expect(sums[i]!.map((x) => [x.group, x.currency, x.recognized, x.billedGross, x.overdueDelta, x.invoicesIssued]), JSON.stringify(r)).toEqual(results.map((x) => [x.branch_id, x.currency, x.recognized, x.billed, x.overdue, x.issued]));
    }
    expect(sums[0]!.find((x) => x.currency === "EUR")!.invoicesIssued).toBe(3);
  });

  it("a rebuild from scratch gives exactly the incrementally maintained cells; events it covers are skipped", async () => {
    const before = await cellsSnapshot(A.franchiseId);
    const res = await callJson("POST", "/v1/analytics/rebuild", { key: adminToken });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ franchiseId: A.franchiseId, invoices: 4, cells: before.length });
    expect(await cellsSnapshot(A.franchiseId)).toEqual(before);
    const events = await outboxEvents(A.franchiseId);
    expect(await applyEvent(db(), events[events.length - 1]!, new Date())).toBe("covered_by_rebuild");
    // Only staff admins may rebuild.
    expect((await call("POST", "/v1/analytics/rebuild")).status).toBe(403);
    expect((await call("POST", "/v1/analytics/rebuild", { key: managerToken })).status).toBe(403);
  });

  it("a rebuild that races with a write does not commit stale cells", async () => {
    // A write between its scan and its batch bumps the outbox seq; the batch assertion refuses it and it retries.
    const seqBefore = (await outboxEvents(A.franchiseId)).length;
    const raced = await rebuildRollup(db(), A.franchiseId, {
      now: () => new Date(),
      beforeCommit: async (attempt) => {
        if (attempt === 1) await createCustomer({ name: "Written during a rebuild" });
      },
    });
    expect(raced.attempts).toBe(2);
    expect(raced.throughSeq).toBe(seqBefore + 1);
    const r = await callJson("GET", "/v1/analytics/reconciliation");
    expect(r.body.ok).toBe(true);
  });
});

describe("figures match the raw API data to the cent", () => {
  it("overview: billed, collected, credited, outstanding per currency, with the previous period", async () => {
    // Issue dates are the branch's local date, which may already be tomorrow in UTC terms.
    const r = await callJson("GET", `/v1/analytics/overview?from=${month}-01&to=${addDays(today, 2)}`);
    expect(r.status).toBe(200);
    const eur = r.body.data.find((d: any) => d.currency === "EUR");
    const usd = r.body.data.find((d: any) => d.currency === "USD");
    const live = invoices.filter((_, i) => i !== 4);
    const eurInvoices = live.filter((i) => i.currency === "EUR");
    const credits = (await callJson("GET", "/v1/credit-notes?limit=200")).body.data;
    const creditTotal = credits.reduce((s: number, c: any) => s + c.total, 0);
    expect(eur.billed).toBe(eurInvoices.reduce((s, i) => s + i.total, 0));
    expect(eur.collected).toBe(10_000);
    expect(eur.credited).toBe(creditTotal);
    const balances = await Promise.all(eurInvoices.map((i) => callJson("GET", `/v1/invoices/${i.id}`).then((x) => x.body.balanceDue as number)));
    expect(eur.outstanding).toBe(balances.reduce((s, b) => s + b, 0));
    expect(eur.overdue).toBe(0);
    expect(eur.previous).toMatchObject({ billed: 0, collected: 0, outstanding: 0 });
    expect(usd.billed).toBe(invoices[3].total);
    expect(Object.values(eur).every((v) => v !== undefined && !Number.isNaN(v))).toBe(true);
  });

  it("revenue: ratable recognition by day, credit reversal, and deferredEnd(m) = deferredEnd(m−1) + billed − credited − recognized", async () => {
    const r = await callJson("GET", `/v1/analytics/revenue?from=${month}&to=2027-02&serviceTypeId=${A.cleaning}&currency=EUR`);
    expect(r.status).toBe(200);
    const rows = r.body.data as any[];
    let prev = 0;
    for (const m of rows) {
      expect(m.deferredEnd).toBe(prev + m.billed - m.credited - m.recognized);
      prev = m.deferredEnd;
    }
    const jan = rows.find((m) => m.month === "2027-01");
    // The credit note (2050 net) is apportioned to the two lines by net amount: 3100/4100 of it to cleaning.
    const cleaningCredit = Math.round((2050 * 3100) / 4100);
    // January: the long contract's days in January, plus the month of cleaning less the credited share.
    const longDaily = 120_000 / 1200;
    expect(jan.recognized).toBe(31 * longDaily + 3100 - cleaningCredit);
    // Everything billed in the first month, whatever it recognizes later.
    const all = await callJson("GET", `/v1/analytics/revenue?from=${month}&to=2030-12&currency=EUR`);
    const last = all.body.data.at(-1);
    expect(last.deferredEnd).toBe(0);
  });

  it("profitability applies the service types' cost rates", async () => {
    const r = await callJson("GET", `/v1/analytics/profitability?from=2027-01&to=2027-01`);
    expect(r.status).toBe(200);
    const books = r.body.data.find((x: any) => x.serviceTypeId === A.books);
    const cleaning = r.body.data.find((x: any) => x.serviceTypeId === A.cleaning && x.currency === "EUR");
    expect(cleaning.costRateBps).toBe(6000);
    expect(cleaning.cost).toBe(Math.round(cleaning.revenue * 0.6));
    expect(cleaning.margin).toBe(cleaning.revenue - cleaning.cost);
    expect(books).toBeUndefined(); // the manual line was recognized at issue, not in January
  });

  it("branch comparison ranks within a currency and reports medians", async () => {
    const r = await callJson("GET", `/v1/analytics/branches?from=${month}-01&to=${today}`);
    expect(r.status).toBe(200);
    expect(r.body.data.map((b: any) => b.branchId).toSorted()).toEqual([A.madrid, A.newYork].toSorted());
    expect(r.body.data.every((b: any) => b.rank === 1)).toBe(true);
    expect(r.body.median.revenue.map((m: any) => m.currency)).toEqual(["EUR", "USD"]);
  });

  it("dispute rate = invoices issued in the period and disputed at least once / invoices issued in it (not void), per branch", async () => {
    const [ratable, long] = [invoices[0], invoices[1]];
    // Disputed, resolved and disputed again: still one disputed invoice.
    const first = await callJson("POST", `/v1/invoices/${ratable.id}/disputes`, { body: { reason: "Half the month was not cleaned" } });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect((await call("POST", `/v1/disputes/${first.body.id}/resolve`, { body: { resolution: "Credited" } })).status).toBe(200);
    expect((await call("POST", `/v1/invoices/${ratable.id}/disputes`, { body: { reason: "Still wrong" } })).status).toBe(201);
    expect((await call("POST", `/v1/invoices/${long.id}/disputes`, { body: { reason: "Contract not signed" } })).status).toBe(201);
    const r = await callJson("GET", `/v1/analytics/branches?from=${month}-01&to=${addDays(today, 2)}`);
    expect(r.status).toBe(200);
    const madrid = r.body.data.find((b: any) => b.branchId === A.madrid);
    const newYork = r.body.data.find((b: any) => b.branchId === A.newYork);
    // Madrid issued four invoices and voided one: three count, two of them disputed.
    const madridLive = invoices.filter((i, n) => n !== 4 && i.branchId === A.madrid);
    expect(madridLive).toHaveLength(3);
    expect(madrid).toMatchObject({ invoicesIssued: 3, invoicesDisputed: 2, disputeRate: 66.7 });
    expect(newYork).toMatchObject({ invoicesIssued: 1, invoicesDisputed: 0, disputeRate: 0 });
    expect(r.body.median.disputeRate).toBe(33.4);
    expect(madrid.vsMedian.disputeRate).toBe(33.3);
    // A period in which nothing was issued has no rate (no division by zero), whatever was disputed later.
    const empty = await callJson("GET", `/v1/analytics/branches?from=2020-01-01&to=2020-01-31`);
    expect(empty.body.data.every((b: any) => b.disputeRate === null && b.invoicesIssued === 0)).toBe(true);
    // A branch manager's rates cover their branches only.
    const scoped = await callJson("GET", `/v1/analytics/branches?from=${month}-01&to=${addDays(today, 2)}`, { key: managerToken });
    expect(scoped.body.data).toEqual([expect.objectContaining({ branchId: A.madrid, disputeRate: 66.7 })]);
  });
});

describe("scope and validation", () => {
  it("another franchise sees none of A's figures", async () => {
    const r = await callJson("GET", `/v1/analytics/overview?from=${month}-01&to=${today}`, { key: B.key });
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual([]);
    expect((await callJson("GET", `/v1/analytics/overview?from=${month}-01&to=${today}&branchId=${A.madrid}`, { key: B.key })).status).toBe(404);
  });

  it("a branch manager sees only their branches", async () => {
    const r = await callJson("GET", `/v1/analytics/overview?from=${month}-01&to=${today}`, { key: managerToken });
    expect(r.body.data.map((d: any) => d.currency)).toEqual(["EUR"]);
    expect((await callJson("GET", `/v1/analytics/overview?from=${month}-01&to=${today}&branchId=${A.newYork}`, { key: managerToken })).status).toBe(404);
    const b = await callJson("GET", `/v1/analytics/branches?from=${month}-01&to=${today}`, { key: managerToken });
    expect(b.body.data.map((x: any) => x.branchId)).toEqual([A.madrid]);
  });

  it("bad periods are 400s naming the field", async () => {
    const cases: Array<[string, string]> = [
      ["/v1/analytics/overview?from=2026-02-30&to=2026-03-01", "from"],
      ["/v1/analytics/overview?from=2026-03-02&to=2026-03-01", "to"],
      ["/v1/analytics/overview?from=2000-01-01&to=2026-03-01", "to"],
      ["/v1/analytics/revenue?from=2026-13&to=2026-12", "from"],
      ["/v1/analytics/revenue?from=2026-05&to=2026-01", "to"],
      ["/v1/analytics/branches?to=2026-01-01", "from"],
    ];
    for (const [path, field] of cases) {
      const r = await callJson("GET", path);
      expect(r.status, `${path} ${JSON.stringify(r.body)}`).toBe(400);
      expect(r.body.errors.map((i: any) => i.field), path).toContain(field);
    }
  });
});
