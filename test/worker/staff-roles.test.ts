// Staff roles enforced by the API: what admin, finance, branch_manager and viewer sessions may
// read and change. A branch manager of A's Madrid branch must not see or touch New York's
// documents; finance sees everything but cannot manage staff or keys; a viewer only reads.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { A, callJson, createCustomer, createDraft, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

const NY_DRAFT = { branchId: A.newYork, currency: "USD" };
let customerId: string;
let sessions: { admin: string; finance: string; manager: string; viewer: string };
let madridIssued: string;
let newYorkIssued: string;
let newYorkDraft: string;
let madridCreditNote: string;
let newYorkCreditNote: string;

async function issued(overrides: Record<string, unknown> = {}): Promise<string> {
  const draft = await createDraft(customerId, overrides);
  const res = await callJson("POST", `/v1/invoices/${draft.id}/issue`);
  expect(res.status).toBe(200);
  return draft.id;
}

async function creditNote(invoiceId: string): Promise<string> {
  const res = await callJson("POST", "/v1/credit-notes", { body: { invoiceId, reason: "goodwill", lines: [{ description: "Goodwill", quantity: 1, unitPrice: 100 }] } });
  expect(res.status).toBe(201);
  return res.body.id;
}

beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  customerId = await createCustomer();
  madridIssued = await issued();
  newYorkIssued = await issued(NY_DRAFT);
  newYorkDraft = (await createDraft(customerId, NY_DRAFT)).id;
  madridCreditNote = await creditNote(madridIssued);
  newYorkCreditNote = await creditNote(newYorkIssued);
  sessions = { admin: await login(STAFF.aAdmin.email), finance: await login(STAFF.aFinance.email), manager: await login(STAFF.aManager.email), viewer: await login(STAFF.aStaff.email) };
});

describe("sign-in tells the dashboard the role", () => {
  it("returns the role, and the assigned branches for a branch manager only", async () => {
    const manager = await callJson("POST", "/auth/login", { key: null, body: { email: STAFF.aManager.email, password: STAFF.password } });
    expect(manager.body.user).toMatchObject({ role: "branch_manager", branchIds: [A.madrid] });
    const finance = await callJson("POST", "/auth/login", { key: null, body: { email: STAFF.aFinance.email, password: STAFF.password } });
    expect(finance.body.user.role).toBe("finance");
    expect(finance.body.user.branchIds).toBeUndefined();
  });

  it("maps the legacy 'staff' role to viewer in the migration", async () => {
    // The fixture's viewer was inserted with the new name; a row with the old one still gets read-only rights.
    await env.DB.prepare("UPDATE staff_users SET role = 'staff' WHERE id = ?").bind(STAFF.aStaff.id).run();
    const token = await login(STAFF.aStaff.email);
    expect((await callJson("GET", "/v1/invoices", { key: token })).status).toBe(200);
    expect((await callJson("POST", "/v1/customers", { key: token, body: { name: "X", email: "x@example.com" } })).status).toBe(403);
    await env.DB.prepare("UPDATE staff_users SET role = 'viewer' WHERE id = ?").bind(STAFF.aStaff.id).run();
  });
});

describe("a branch manager of A's Madrid branch", () => {
  it("gets 404 for New York's invoice and credit note, and sees Madrid's", async () => {
    expect((await callJson("GET", `/v1/invoices/${newYorkIssued}`, { key: sessions.manager })).status).toBe(404);
    expect((await callJson("GET", `/v1/credit-notes/${newYorkCreditNote}`, { key: sessions.manager })).status).toBe(404);
    expect((await callJson("GET", `/v1/branches/${A.newYork}`, { key: sessions.manager })).status).toBe(404);
    expect((await callJson("GET", `/v1/invoices/${madridIssued}`, { key: sessions.manager })).status).toBe(200);
    expect((await callJson("GET", `/v1/credit-notes/${madridCreditNote}`, { key: sessions.manager })).status).toBe(200);
  });

  it("lists only Madrid's branch, invoices and credit notes, even when filtering for New York", async () => {
    const branches = await callJson("GET", "/v1/branches", { key: sessions.manager });
    expect(branches.body.data.map((b: any) => b.id)).toEqual([A.madrid]);
    const invoices = await callJson("GET", "/v1/invoices?limit=200", { key: sessions.manager });
    expect(invoices.body.data.length).toBeGreaterThan(0);
    expect(new Set(invoices.body.data.map((i: any) => i.branchId))).toEqual(new Set([A.madrid]));
    expect((await callJson("GET", `/v1/invoices?branchId=${A.newYork}`, { key: sessions.manager })).body.data).toEqual([]);
    expect((await callJson("GET", `/v1/invoices?overdue=false&customerId=${customerId}`, { key: sessions.manager })).body.data.every((i: any) => i.branchId === A.madrid)).toBe(true);
    const notes = await callJson("GET", "/v1/credit-notes", { key: sessions.manager });
    expect(notes.body.data.map((n: any) => n.id)).toEqual([madridCreditNote]);
    expect((await callJson("GET", `/v1/credit-notes?invoiceId=${newYorkIssued}`, { key: sessions.manager })).body.data).toEqual([]);
  });

  it("cannot create, issue, void, credit or pay New York's invoices, and nothing is written", async () => {
    const before = await env.DB.prepare("SELECT (SELECT count(*) FROM invoices) AS inv, (SELECT count(*) FROM credit_notes) AS cn, (SELECT count(*) FROM payments) AS pay").first();
    const create = await callJson("POST", "/v1/invoices", {
      key: sessions.manager,
      body: { customerId, ...NY_DRAFT, lines: [{ description: "Cleaning", quantity: 1, unitPrice: 1000, serviceTypeId: A.cleaning }] },
    });
    expect(create.status, JSON.stringify(create.body)).toBe(422);
    expect(create.body.errors[0].field).toBe("branchId");
    expect((await callJson("POST", `/v1/invoices/${newYorkDraft}/issue`, { key: sessions.manager })).status).toBe(404);
    expect((await callJson("POST", `/v1/invoices/${newYorkDraft}/void`, { key: sessions.manager, body: { reason: "not mine" } })).status).toBe(404);
    const credit = await callJson("POST", "/v1/credit-notes", { key: sessions.manager, body: { invoiceId: newYorkIssued, reason: "x", lines: [{ description: "x", quantity: 1, unitPrice: 1 }] } });
    expect(credit.status, JSON.stringify(credit.body)).toBe(422);
    expect(credit.body.errors[0].field).toBe("invoiceId");
    const pay = await callJson("POST", "/v1/payments", { key: sessions.manager, body: { customerId, currency: "USD", amount: 100, allocations: [{ invoiceId: newYorkIssued, amount: 100 }] } });
    expect(pay.status, JSON.stringify(pay.body)).toBe(422);
    expect(pay.body.errors[0].field).toBe("allocations.0.invoiceId");
    const unallocated = await callJson("POST", "/v1/payments", { key: sessions.manager, body: { customerId, currency: "EUR", amount: 100 } });
    expect(unallocated.status, JSON.stringify(unallocated.body)).toBe(422);
    expect(unallocated.body.code).toBe("allocation_required");
    const refund = await callJson("POST", "/v1/refunds", { key: sessions.manager, body: { customerId, currency: "EUR", amount: 1, method: "bank_transfer" } });
    expect(refund.status, JSON.stringify(refund.body)).toBe(403);
    const after = await env.DB.prepare("SELECT (SELECT count(*) FROM invoices) AS inv, (SELECT count(*) FROM credit_notes) AS cn, (SELECT count(*) FROM payments) AS pay").first();
    expect(after).toEqual(before);
  });

  it("works within Madrid: drafts, issues, credits and records a payment", async () => {
    const draft = await createDraft(customerId, {}, sessions.manager);
    expect((await callJson("POST", `/v1/invoices/${draft.id}/issue`, { key: sessions.manager })).status).toBe(200);
    const pay = await callJson("POST", "/v1/payments", { key: sessions.manager, body: { customerId, currency: "EUR", amount: 100, allocations: [{ invoiceId: draft.id, amount: 100 }] } });
    expect(pay.status).toBe(201);
    const credit = await callJson("POST", "/v1/credit-notes", { key: sessions.manager, body: { invoiceId: draft.id, reason: "x", lines: [{ description: "x", quantity: 1, unitPrice: 1 }] } });
    expect(credit.status).toBe(201);
  });

  it("sees customers franchise-wide (a customer may buy from several branches)", async () => {
    expect((await callJson("GET", `/v1/customers/${customerId}`, { key: sessions.manager })).status).toBe(200);
  });

  it("cannot manage API keys", async () => {
    expect((await callJson("GET", "/v1/api-keys", { key: sessions.manager })).status).toBe(403);
  });
});

describe("finance and viewer", () => {
  it("finance sees and changes every branch, but is no admin", async () => {
    expect((await callJson("GET", `/v1/invoices/${newYorkIssued}`, { key: sessions.finance })).status).toBe(200);
    const branches = await callJson("GET", "/v1/branches", { key: sessions.finance });
    expect(branches.body.data.map((b: any) => b.id).sort()).toEqual([A.madrid, A.newYork].sort());
    const draft = await createDraft(customerId, NY_DRAFT, sessions.finance);
    expect((await callJson("POST", `/v1/invoices/${draft.id}/issue`, { key: sessions.finance })).status).toBe(200);
    const keys = await callJson("GET", "/v1/api-keys", { key: sessions.finance });
    expect(keys.status).toBe(403);
    expect(keys.body.code).toBe("staff_admin_required");
  });

  it("a viewer reads every branch and cannot write", async () => {
    expect((await callJson("GET", `/v1/invoices/${newYorkIssued}`, { key: sessions.viewer })).status).toBe(200);
    const write = await callJson("POST", `/v1/invoices/${newYorkDraft}/void`, { key: sessions.viewer, body: { reason: "no" } });
    expect(write.status).toBe(403);
    expect(write.body.code).toBe("insufficient_scope");
  });

  it("the admin manages API keys", async () => {
    expect((await callJson("GET", "/v1/api-keys", { key: sessions.admin })).status).toBe(200);
  });
});
