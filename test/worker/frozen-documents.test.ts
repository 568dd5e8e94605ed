// Issued invoices are frozen documents: they keep the seller and buyer as they were at issue.
// Also: structured addresses on customers and branches, and ISO 4217 currency validation.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { A, callJson, createCustomer, createDraft, MADRID_ADDRESS, seedFixtures } from "./fixtures.ts";

beforeAll(seedFixtures);

const address = { line1: "Calle Mayor 1", line2: "3º B", city: "Madrid", postalCode: "28013", region: "Madrid", countryCode: "ES" };

describe("addresses", () => {
  it("sets, reads, changes and clears a customer's address (PATCH under If-Match)", async () => {
    const id = await createCustomer({ address, taxId: "12345678Z" });
    const read = await callJson("GET", `/v1/customers/${id}`);
    expect(read.body.address).toEqual(address);
    const moved = { line1: "  Gran Vía 28 ", city: "Madrid", postalCode: "28013", countryCode: "ES" };
    const patched = await callJson("PATCH", `/v1/customers/${id}`, { body: { address: moved }, headers: { "if-match": read.headers.get("etag")! } });
    expect(patched.status).toBe(200);
    expect(patched.body.address).toEqual({ line1: "Gran Vía 28", city: "Madrid", postalCode: "28013", countryCode: "ES" });
    const cleared = await callJson("PATCH", `/v1/customers/${id}`, { body: { address: null }, headers: { "if-match": patched.headers.get("etag")! } });
    expect(cleared.body.address).toBeNull();
  });

  it.each([
    ["unknown country", { ...address, countryCode: "XX" }, "address.countryCode"],
    ["lower-case country", { ...address, countryCode: "es" }, "address.countryCode"],
    ["missing city", { line1: "x", postalCode: "1", countryCode: "ES" }, "address.city"],
    ["empty line1", { ...address, line1: "  " }, "address.line1"],
    ["unknown field", { ...address, street: "x" }, "address"],
  ])("refuses an address with %s", async (_, bad, field) => {
    const res = await callJson("POST", "/v1/customers", { body: { name: "Bad Address", address: bad } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => e.field)).toContain(field);
  });

  it("shows a branch's legal entity", async () => {
    const res = await callJson("GET", `/v1/branches/${A.madrid}`);
    expect(res.body).toMatchObject({
      legalName: "Alpha Cleaning Iberia S.L.",
      taxId: "B12345674",
      address: MADRID_ADDRESS,
      contact: { email: "madrid@alpha.example", phone: "+34910000001" },
      currency: "EUR",
      minorUnits: 2,
    });
    const ny = await callJson("GET", `/v1/branches/${A.newYork}`);
    expect(ny.body).toMatchObject({ legalName: "New York", address: null, contact: { email: null, phone: null } });
  });
});

describe("issued invoices keep their parties", () => {
  it("snapshots seller and buyer at issue; a later customer PATCH changes neither the invoice nor its credit notes", async () => {
    const id = await createCustomer({ name: "Talleres Pérez S.L.", taxId: "B87654321", email: "admin@talleres.example", address });
    const draft = await createDraft(id);
    expect(draft).toMatchObject({ seller: null, buyer: null });
    const issued = await callJson("POST", `/v1/invoices/${draft.id}/issue`);
    const seller = { legalName: "Alpha Cleaning Iberia S.L.", taxId: "B12345674", address: MADRID_ADDRESS, contact: { email: "madrid@alpha.example", phone: "+34910000001" } };
    const buyer = { name: "Talleres Pérez S.L.", taxId: "B87654321", address, email: "admin@talleres.example" };
    expect(issued.body).toMatchObject({ seller, buyer, currency: "EUR", minorUnits: 2 });

    const current = await callJson("GET", `/v1/customers/${id}`);
    const renamed = await callJson("PATCH", `/v1/customers/${id}`, {
      body: { name: "Pérez Motor Group S.A.", email: "billing@perez.example", taxId: "A11111111", address: { line1: "Avenida de América 2", city: "Madrid", postalCode: "28002", countryCode: "ES" } },
      headers: { "if-match": current.headers.get("etag")! },
    });
    expect(renamed.status).toBe(200);

    const after = await callJson("GET", `/v1/invoices/${draft.id}`);
    expect(after.body.buyer).toEqual(buyer);
    expect(after.body.seller).toEqual(seller);
    const listed = await callJson("GET", `/v1/invoices?customerId=${id}`);
    expect(listed.body.data[0].buyer).toEqual(buyer);

    const note = await callJson("POST", "/v1/credit-notes", { body: { invoiceId: draft.id, reason: "one visit", lines: [{ description: "Visit", quantity: 1, unitPrice: 2500 }] } });
    expect(note.body).toMatchObject({ seller, buyer });

    // A draft issued after the rename gets the new details.
    const later = await createDraft(id);
    const laterIssued = await callJson("POST", `/v1/invoices/${later.id}/issue`);
    expect(laterIssued.body.buyer).toMatchObject({ name: "Pérez Motor Group S.A.", taxId: "A11111111" });
  });
});

describe("snapshots in the database", () => {
  it("gives an invoice inserted already issued (import, seed) the same snapshot the API takes at issue, and freezes both", async () => {
    const id = await createCustomer({ name: "Importado S.A.", taxId: "A58818501", address });
    const draft = await createDraft(id);
    const viaApi = (await callJson("POST", `/v1/invoices/${draft.id}/issue`)).body;
    const row = await env.DB.prepare("SELECT * FROM invoices WHERE id = ?").bind(draft.id).first<Record<string, unknown>>();
    const importedId = "inv_00000000000000000000000001";
    await env.DB.prepare(
      `INSERT INTO invoices (id, franchise_id, branch_id, customer_id, seq, number, status, currency, issue_date, due_date, subtotal, tax_total, total, tax_breakdown, created_at, updated_at)
       VALUES (?, ?, ?, ?, 900000, 'MAD1-900000', 'issued', 'EUR', ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
      .bind(importedId, A.franchiseId, A.madrid, id, row!.issue_date, row!.due_date, row!.subtotal, row!.tax_total, row!.total, row!.tax_breakdown, row!.created_at, row!.updated_at)
      .run();
    const imported = (await callJson("GET", `/v1/invoices/${importedId}`)).body;
    expect(imported.seller).toEqual(viaApi.seller);
    expect(imported.buyer).toEqual(viaApi.buyer);
    for (const invoiceId of [draft.id, importedId]) {
      await expect(env.DB.prepare("UPDATE invoices SET buyer = '{}' WHERE id = ?").bind(invoiceId).run()).rejects.toThrow(/invoice_immutable/);
    }
    const note = await callJson("POST", "/v1/credit-notes", { body: { invoiceId: draft.id, reason: "x", lines: [{ description: "Visit", quantity: 1, unitPrice: 100 }] } });
    await expect(env.DB.prepare("UPDATE credit_notes SET seller = '{}' WHERE id = ?").bind(note.body.id).run()).rejects.toThrow(/credit_note_immutable/);
    await expect(env.DB.prepare("UPDATE credit_notes SET total = 1 WHERE id = ?").bind(note.body.id).run()).rejects.toThrow(/credit_note_immutable/);
  });
});

describe("currencies are ISO 4217", () => {
  it.each(["XXZ", "EUD", "XAU", "HRK"])("refuses %s", async (code) => {
    const customerId = await createCustomer();
    const res = await callJson("POST", "/v1/payments", { body: { customerId, currency: code, amount: 100 } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe("currency");
  });

  it("accepts JPY and reports its exponent 0 on the balance", async () => {
    const customerId = await createCustomer();
    const res = await callJson("POST", "/v1/payments", { body: { customerId, currency: "JPY", amount: 5000 } });
    expect(res.status).toBe(201);
    const balance = await callJson("GET", `/v1/customers/${customerId}/balance`);
    expect(balance.body.balances).toEqual([{ currency: "JPY", minorUnits: 0, openBalance: 0, creditBalance: 5000, invoiced: 0, credited: 0, paid: 5000, refunded: 0, net: -5000 }]);
  });
});
