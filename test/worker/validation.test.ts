// Bad input gets a problem+json response naming the field, and leaves nothing written.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { A, call, callJson, createCustomer, createDraft, seedFixtures } from "./fixtures.ts";

let customerId = "";
beforeAll(async () => {
  await seedFixtures();
  customerId = await createCustomer();
});

async function counts() {
  const row = await env.DB.prepare(
    "SELECT (SELECT count(*) FROM invoices) AS invoices, (SELECT count(*) FROM invoice_lines) AS lines, (SELECT count(*) FROM payments) AS payments, (SELECT count(*) FROM payment_allocations) AS allocations, (SELECT count(*) FROM credit_notes) AS credits, (SELECT count(*) FROM outbox_events) AS events, (SELECT count(*) FROM customers) AS customers",
  ).first();
  return row;
}

const validLine = { description: "Cleaning", quantity: 1, unitPrice: 1000 };

describe("malformed requests", () => {
  it("rejects a body that is not JSON with 400 malformed_json", async () => {
    const res = await callJson("POST", "/v1/invoices", { body: "{not json" });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.body).toMatchObject({ code: "malformed_json", status: 400 });
  });

  it("rejects a non-JSON content type with 415", async () => {
    const res = await callJson("POST", "/v1/customers", { body: "name=x", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(res.status).toBe(415);
  });

  it.each([
    ["missing lines", { customerId: "", branchId: A.madrid, currency: "EUR" }, "lines"],
    ["float amount", { branchId: A.madrid, currency: "EUR", lines: [{ ...validLine, unitPrice: 10.5 }] }, "lines.0.unitPrice"],
    ["negative amount", { branchId: A.madrid, currency: "EUR", lines: [{ ...validLine, unitPrice: -1 }] }, "lines.0.unitPrice"],
    ["bad date", { branchId: A.madrid, currency: "EUR", issueDate: "2026-02-30", lines: [validLine] }, "issueDate"],
    ["unknown field", { branchId: A.madrid, currency: "EUR", lines: [validLine], colour: "red" }, ""],
    ["bad currency", { branchId: A.madrid, currency: "euro", lines: [validLine] }, "currency"],
  ])("400 for %s, naming the field", async (_name, body, field) => {
    const before = await counts();
    const res = await callJson("POST", "/v1/invoices", { body: { customerId, ...body } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_request");
    if (field) expect(res.body.errors.map((e: any) => e.field)).toContain(field);
    expect(await counts()).toEqual(before);
  });
});

describe("business-rule violations", () => {
  it.each([
    ["currency other than the branch's", { currency: "USD" }, "currency", "currency_mismatch"],
    ["unknown customer", { customerId: "cus_00000000000000000000000000" }, "customerId", "unknown_customer"],
    ["due before issue", { issueDate: "2026-03-10", dueDate: "2026-03-01" }, "dueDate", "due_before_issue"],
    ["quantity with 4 decimals", { lines: [{ ...validLine, quantity: 1.2345 }] }, "lines.0.quantity", "invalid_quantity"],
    ["discount beyond the line", { lines: [{ ...validLine, discountAmount: 1001 }] }, "lines.0.discountAmount", "discount_exceeds_line"],
    ["category without a rate", { branchId: A.newYork, currency: "USD", lines: [{ ...validLine, taxCategory: "reduced" }] }, "lines.0.taxCategory", "no_tax_rate_in_force"],
  ])("422 for %s, naming the field, nothing written", async (_name, overrides, field, code) => {
    const before = await counts();
    const res = await callJson("POST", "/v1/invoices", { body: { customerId, branchId: A.madrid, currency: "EUR", lines: [validLine], ...overrides } });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code, type: `urn:ledgerline:problem:${code}` });
    expect(res.body.errors[0].field).toBe(field);
    expect(await counts()).toEqual(before);
  });

  it("rejects over-allocation and allocations beyond the payment, writing nothing", async () => {
    const draft = await createDraft(customerId);
    await callJson("POST", `/v1/invoices/${draft.id}/issue`);
    const before = await counts();
    const over = await callJson("POST", "/v1/payments", { body: { customerId, currency: "EUR", amount: 999_999, allocations: [{ invoiceId: draft.id, amount: 30_251 }] } });
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({ code: "over_allocation" });
    expect(over.body.errors[0].field).toBe("allocations.0.amount");
    const beyond = await callJson("POST", "/v1/payments", { body: { customerId, currency: "EUR", amount: 100, allocations: [{ invoiceId: draft.id, amount: 200 }] } });
    expect(beyond.status).toBe(422);
    expect(beyond.body.code).toBe("allocations_exceed_payment");
    expect(await counts()).toEqual(before);
  });

  it("rejects a credit note above what its tax group invoiced and one against a draft", async () => {
    const draft = await createDraft(customerId);
    const onDraft = await callJson("POST", "/v1/credit-notes", { body: { invoiceId: draft.id, reason: "x", lines: [validLine] } });
    expect(onDraft.status).toBe(409);
    await callJson("POST", `/v1/invoices/${draft.id}/issue`);
    const before = await counts();
    const tooMuch = await callJson("POST", "/v1/credit-notes", { body: { invoiceId: draft.id, reason: "x", lines: [{ description: "all", quantity: 1, unitPrice: 25_001 }] } });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.code).toBe("credit_exceeds_tax_group");
    expect(tooMuch.body.errors[0].field).toBe("lines.0");
    expect(await counts()).toEqual(before);
  });

  it("refuses to issue twice", async () => {
    const draft = await createDraft(customerId);
    expect((await call("POST", `/v1/invoices/${draft.id}/issue`)).status).toBe(200);
    const again = await callJson("POST", `/v1/invoices/${draft.id}/issue`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("invoice_not_draft");
  });

  it("answers unknown routes with a problem 404", async () => {
    const res = await callJson("GET", "/v1/nothing-here");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });
});
