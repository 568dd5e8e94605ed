// GET /v1/receivables/aging: D1 sums open balances per currency into current / 1-30 / 31-60 /
// 61-90 / 90+, the same buckets as the domain's agingBucketOf, within the caller's franchise and
// branches; checked on a few API-made invoices and on 3,000 rows spread across every boundary.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { AGING_BUCKETS, agingBucketOf, daysPastDue } from "../../workers/domain/aging.ts";
import { addDays } from "../../workers/domain/dates.ts";
import { A, B, callJson, createCustomer, createDraft, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

let due = "";
let madrid: { id: string; total: number }[] = [];
let newYorkTotal = 0;
let owing = "";

async function issue(customerId: string, overrides: Record<string, unknown> = {}) {
  const draft = await createDraft(customerId, overrides);
  const res = await callJson("POST", `/v1/invoices/${draft.id}/issue`);
  expect(res.status).toBe(200);
  return res.body;
}

const aging = (query = "", key: string = A.key) => callJson("GET", `/v1/receivables/aging${query}`, { key });
const bucketsOf = (report: any, currency: string) => Object.fromEntries(report.currencies.find((c: any) => c.currency === currency).buckets.map((b: any) => [b.bucket, [b.amount, b.count]]));

// Several issued invoices and PBKDF2 staff logins: slow on a loaded machine, so past the 10 s hook default.
beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  owing = await createCustomer({ name: "Owing Olivia" });
  const first = await issue(owing);
  due = first.dueDate;
  const second = await issue(owing);
  const third = await issue(owing);
  // Partly paid: only its balance counts.
  expect((await callJson("POST", "/v1/payments", { body: { customerId: owing, currency: "EUR", amount: 1000, allocations: [{ invoiceId: third.id, amount: 1000 }] } })).status).toBe(201);
  madrid = [first, second, { id: third.id, total: third.total - 1000 }].map((i) => ({ id: i.id, total: i.total }));
  // Neither a draft nor a void invoice is receivable.
  await createDraft(owing);
  const voided = await issue(owing);
  expect((await callJson("POST", `/v1/invoices/${voided.id}/void`, { body: { reason: "duplicate" } })).status).toBe(200);
  newYorkTotal = (await issue(owing, { branchId: A.newYork, currency: "USD" })).total;
}, 60_000);

describe("aging of API-made invoices", () => {
  const sum = () => madrid.reduce((n, i) => n + i.total, 0);

  it("ages every open balance by the branch's today when no asOf is given: all current", async () => {
    const res = await aging();
    expect(res.status).toBe(200);
    expect(res.body.asOf).toBeNull();
    expect(res.body.currencies.map((c: any) => c.currency)).toEqual(["EUR", "USD"]);
    const eur = res.body.currencies[0];
    expect(eur).toMatchObject({ minorUnits: 2, total: { amount: sum(), count: 3 }, overdue: { amount: 0, count: 0 } });
    expect(eur.buckets.map((b: any) => b.bucket)).toEqual([...AGING_BUCKETS]);
    expect(bucketsOf(res.body, "USD").current).toEqual([newYorkTotal, 1]);
    expect(res.body.topOverdueCustomers).toEqual([]);
  });

  it.each([
    [-1, "current"],
    [0, "current"],
    [1, "1-30"],
    [30, "1-30"],
    [31, "31-60"],
    [60, "31-60"],
    [61, "61-90"],
    [90, "61-90"],
    [91, "90+"],
  ])("%i days after the due date the balance is in %s", async (days, bucket) => {
    const asOf = addDays(due, days);
    const res = await aging(`?asOf=${asOf}&branchId=${A.madrid}`);
    expect(res.body).toMatchObject({ asOf, branchId: A.madrid });
    expect(res.body.currencies.map((c: any) => c.currency)).toEqual(["EUR"]);
    const buckets = bucketsOf(res.body, "EUR");
    for (const b of AGING_BUCKETS) expect(buckets[b]).toEqual(b === bucket ? [sum(), 3] : [0, 0]);
    expect(agingBucketOf(due, asOf)).toBe(bucket);
    if (days > 0) expect(res.body.topOverdueCustomers).toEqual([expect.objectContaining({ customerId: owing, customerName: "Owing Olivia", currency: "EUR", amount: sum(), invoices: 3, oldestDaysPastDue: days })]);
  });

  it("keeps a branch manager to their branches", async () => {
    const manager = await login(STAFF.aManager.email);
    const res = await aging(`?asOf=${addDays(due, 40)}`, manager);
    expect(res.body.currencies.map((c: any) => c.currency)).toEqual(["EUR"]);
    const other = await aging(`?branchId=${A.newYork}`, manager);
    expect(other.status).toBe(404);
    expect(other.body.code).toBe((await callJson("GET", `/v1/branches/${A.newYork}`, { key: manager })).body.code);
    expect((await aging(`?branchId=${A.madrid}`, B.key)).status).toBe(404);
  });

  it("answers 400 naming the field for a bad date, branch or top", async () => {
    for (const [query, field] of [["?asOf=2026-02-30", "asOf"], ["?branchId=nope", "branchId"], ["?top=0", "top"], ["?top=51", "top"]] as const) {
      const res = await aging(query);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
  });
});

describe("3,000 open invoices across every boundary (franchise B)", () => {
  const N = 3000;
  const AS_OF = "2026-06-15";
  const CUSTOMERS = 40;
  const numbers = `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${N - 1})`;

  beforeAll(async () => {
    const now = "2026-01-01T00:00:00.000Z";
    const breakdown = JSON.stringify([{ category: "standard", ratePpm: 200000, taxableAmount: 0, taxAmount: 0 }]);
    await env.DB.batch([
      env.DB.prepare(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${CUSTOMERS - 1})
        INSERT INTO customers (id, franchise_id, name, segment, language, timezone, created_at, updated_at)
        SELECT printf('cus_b%025d', i), ?1, 'Bulk customer ' || i, 'smb', 'en', 'Europe/London', ?2, ?2 FROM n`).bind(B.franchiseId, now),
      // Invoice i: due (i % 250) − 50 days from AS_OF, so 50 days ahead … 199 days late; every 17th is void.
      env.DB.prepare(`${numbers} INSERT INTO invoices (id, franchise_id, branch_id, customer_id, seq, number, status, currency, issue_date, due_date,
          subtotal, tax_total, total, tax_breakdown, created_at, updated_at, issued_at)
        SELECT printf('inv_b%025d', i), ?1, ?2, printf('cus_b%025d', i % ${CUSTOMERS}), i + 1, printf('LON1-%06d', i + 1),
          CASE WHEN i % 17 = 0 THEN 'void' ELSE 'issued' END, 'GBP', '2025-01-01', date(?3, printf('%+d days', (i % 250) - 50)),
          1000 + (i % 97) * 10, 0, 1000 + (i % 97) * 10, ?4, ?5, ?5, ?5 FROM n`).bind(B.franchiseId, B.london, AS_OF, breakdown, now),
    ]);
  }, 60_000);

  it("sums exactly what the domain's agingBucketOf says, bucket by bucket", async () => {
    const expected = Object.fromEntries(AGING_BUCKETS.map((b) => [b, [0, 0]]));
    const byCustomer = new Map<number, { amount: number; invoices: number; oldest: number }>();
    for (let i = 0; i < N; i++) {
      if (i % 17 === 0) continue;
      const dueDate = addDays(AS_OF, (i % 250) - 50);
      const total = 1000 + (i % 97) * 10;
      const cell = expected[agingBucketOf(dueDate, AS_OF)]!;
      cell[0]! += total;
      cell[1]! += 1;
      const days = daysPastDue(dueDate, AS_OF);
      if (days > 0) {
        const c = byCustomer.get(i % CUSTOMERS) ?? { amount: 0, invoices: 0, oldest: 0 };
        byCustomer.set(i % CUSTOMERS, { amount: c.amount + total, invoices: c.invoices + 1, oldest: Math.max(c.oldest, days) });
      }
    }
    const res = await aging(`?asOf=${AS_OF}&top=50`, B.key);
    expect(res.status).toBe(200);
    expect(res.body.currencies.map((c: any) => c.currency)).toEqual(["GBP"]);
    expect(bucketsOf(res.body, "GBP")).toEqual(expected);

    const top = [...byCustomer.entries()].sort(([ia, a], [ib, b]) => b.amount - a.amount || ia - ib).slice(0, 50);
    expect(res.body.topOverdueCustomers.map((c: any) => [c.customerName, c.amount, c.invoices, c.oldestDaysPastDue])).toEqual(
      top.map(([i, c]) => [`Bulk customer ${i}`, c.amount, c.invoices, c.oldest]),
    );
  });

  it("never mixes tenants: B sees only its pounds, A none of them", async () => {
    const fromA = await aging(`?asOf=${AS_OF}&top=50`);
    expect(fromA.body.currencies.map((c: any) => c.currency)).not.toContain("GBP");
    expect(fromA.body.topOverdueCustomers.every((c: any) => c.customerId === owing)).toBe(true);
  });
});
