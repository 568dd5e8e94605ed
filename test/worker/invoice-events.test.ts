// GET /v1/invoices/{id}/events: the invoice's history from the outbox (its own events, its credit
// notes' and its payments'), oldest first, 404 exactly where the invoice itself is 404.
import { beforeAll, describe, expect, it } from "vitest";
import { A, B, callJson, createCustomer, createDraft, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

let customerId: string;
let invoice: any;
let sibling: any;
let newYork: any;

async function issue(overrides: Record<string, unknown> = {}) {
  const draft = await createDraft(customerId, overrides);
  const res = await callJson("POST", `/v1/invoices/${draft.id}/issue`);
  expect(res.status).toBe(200);
  return res.body;
}

// Several issued invoices and PBKDF2 staff logins: slow on a loaded machine, so past the 10 s hook default.
beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  customerId = await createCustomer();
  invoice = await issue();
  sibling = await issue();
  newYork = await issue({ branchId: A.newYork, currency: "USD" });
  // One payment split across both Madrid invoices, then a credit note on the first.
  const pay = await callJson("POST", "/v1/payments", {
    body: { customerId, currency: "EUR", amount: 5000, method: "card", reference: "POS-7", allocations: [{ invoiceId: invoice.id, amount: 2000 }, { invoiceId: sibling.id, amount: 3000 }] },
  });
  expect(pay.status).toBe(201);
  const admin = await login(STAFF.aAdmin.email);
  const cn = await callJson("POST", "/v1/credit-notes", { key: admin, body: { invoiceId: invoice.id, reason: "goodwill", lines: [{ description: "Goodwill", quantity: 1, unitPrice: 100 }] } });
  expect(cn.status).toBe(201);
}, 60_000);

describe("an invoice's history", () => {
  it("lists its own, its payment's and its credit note's events in seq order, told from its side", async () => {
    const res = await callJson("GET", `/v1/invoices/${invoice.id}/events`);
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    const events = res.body.data;
    expect(events.map((e: any) => e.type)).toEqual(["invoice.drafted", "invoice.issued", "payment.recorded", "credit_note.issued"]);
    const seqs = events.map((e: any) => e.seq);
    expect([...seqs].sort((a: number, b: number) => a - b)).toEqual(seqs);
    expect(events[0]).toMatchObject({ aggregateType: "invoice", aggregateId: invoice.id, aggregateVersion: 1, actor: "api_key:key_a_rw", summary: "Draft created", amount: invoice.total, currency: "EUR", minorUnits: 2 });
    expect(events[1]).toMatchObject({ aggregateVersion: 2, summary: `Issued as ${invoice.number}, due ${invoice.dueDate}` });
    expect(events[2]).toMatchObject({ aggregateType: "payment", summary: "Payment received by card (ref. POS-7)", amount: 2000 });
    expect(events[3]).toMatchObject({ aggregateType: "credit_note", actor: `staff:${STAFF.aAdmin.id}`, amount: 121 });
    expect(events[3].summary).toMatch(/^Credit note MAD1-\S+ issued: goodwill$/);
    for (const e of events) expect(e.occurredAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("shows the shared payment with each invoice's own share, and nothing of the other invoice", async () => {
    const res = await callJson("GET", `/v1/invoices/${sibling.id}/events`);
    expect(res.body.data.map((e: any) => [e.type, e.amount])).toEqual([
      ["invoice.drafted", sibling.total],
      ["invoice.issued", sibling.total],
      ["payment.recorded", 3000],
    ]);
  });

  it("pages with the cursor, oldest first, without repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await callJson("GET", `/v1/invoices/${invoice.id}/events?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(1);
      seen.push(...res.body.data.map((e: any) => e.type));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["invoice.drafted", "invoice.issued", "payment.recorded", "credit_note.issued"]);
  });
});

describe("is 404 exactly like the invoice", () => {
  it("for a branch manager asking about another branch's invoice", async () => {
    const manager = await login(STAFF.aManager.email);
    const invoiceRes = await callJson("GET", `/v1/invoices/${newYork.id}`, { key: manager });
    const eventsRes = await callJson("GET", `/v1/invoices/${newYork.id}/events`, { key: manager });
    expect(invoiceRes.status).toBe(404);
    expect(eventsRes.status).toBe(404);
    expect(eventsRes.body.code).toBe(invoiceRes.body.code);
    expect(eventsRes.body.detail).toBe(invoiceRes.body.detail);
    expect((await callJson("GET", `/v1/invoices/${invoice.id}/events`, { key: manager })).status).toBe(200);
  });

  it("for another franchise, and for an unknown id", async () => {
    const other = await callJson("GET", `/v1/invoices/${invoice.id}/events`, { key: B.key });
    expect(other.status).toBe(404);
    expect(other.body.code).toBe((await callJson("GET", `/v1/invoices/${invoice.id}`, { key: B.key })).body.code);
    expect((await callJson("GET", "/v1/invoices/inv_00000000000000000000000000/events")).status).toBe(404);
    expect((await callJson("GET", "/v1/invoices/nope/events")).status).toBe(400);
  });
});
