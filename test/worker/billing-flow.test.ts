// The partner's main path end to end through the real Worker, D1 and the InvoiceSequence DO.
import { beforeAll, describe, expect, it } from "vitest";
import { A, callJson, createCustomer, createDraft, seedFixtures } from "./fixtures.ts";

beforeAll(seedFixtures);

describe("invoice lifecycle", () => {
  it("customer → draft → issue → partial payment → credit note → final payment ends paid with balance 0", async () => {
    const customerId = await createCustomer();

    const draft = await createDraft(customerId);
    expect(draft).toMatchObject({ status: "draft", number: null, currency: "EUR", subtotal: 25000, taxTotal: 5250, total: 30250, balanceDue: 0 });
    expect(draft.lines[0]).toMatchObject({ netAmount: 25000, taxCategory: "standard", taxRate: "21" });

    const issued = await callJson("POST", `/v1/invoices/${draft.id}/issue`);
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ status: "issued", number: "MAD1-000001", total: 30250, balanceDue: 30250 });
    expect(issued.body.issueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const partial = await callJson("POST", "/v1/payments", { body: { customerId, currency: "EUR", amount: 10000, allocations: [{ invoiceId: draft.id, amount: 10000 }] } });
    expect(partial.status).toBe(201);
    let invoice = (await callJson("GET", `/v1/invoices/${draft.id}`)).body;
    expect(invoice).toMatchObject({ status: "partially_paid", amountPaid: 10000, balanceDue: 20250 });

    const credit = await callJson("POST", "/v1/credit-notes", {
      body: { invoiceId: draft.id, reason: "One visit cancelled", lines: [{ description: "Cancelled visit", quantity: 1, unitPrice: 2500 }] },
    });
    expect(credit.status).toBe(201);
    expect(credit.body).toMatchObject({ number: "MAD1-CN-000001", subtotal: 2500, taxTotal: 525, total: 3025 });
    invoice = (await callJson("GET", `/v1/invoices/${draft.id}`)).body;
    expect(invoice).toMatchObject({ status: "partially_paid", amountCredited: 3025, balanceDue: 17225 });

    const final = await callJson("POST", "/v1/payments", { body: { customerId, currency: "EUR", amount: 17225, allocations: [{ invoiceId: draft.id, amount: 17225 }] } });
    expect(final.status).toBe(201);
    invoice = (await callJson("GET", `/v1/invoices/${draft.id}`)).body;
    expect(invoice).toMatchObject({ status: "paid", balanceDue: 0, amountPaid: 27225, amountCredited: 3025, overdue: false });

    const credits = await callJson("GET", `/v1/credit-notes?invoiceId=${draft.id}`);
    expect(credits.body.data).toHaveLength(1);
    expect(credits.body.data[0]).toMatchObject({ id: credit.body.id, lines: [{ description: "Cancelled visit", netAmount: 2500, taxRate: "21" }] });
    const payments = await callJson("GET", `/v1/payments?customerId=${customerId}`);
    expect(payments.body.data.map((p: any) => p.amount).sort()).toEqual([10000, 17225]);
  });

  it("re-prices at issue with the rate in force on the issue date and rounds tax per category", async () => {
    const customerId = await createCustomer();
    const draft = await createDraft(customerId, {
      lines: [
        { description: "Deep clean", quantity: 1.5, unitPrice: 3333, serviceTypeId: A.cleaning, discountPercent: 10 },
        { description: "Manual", quantity: 3, unitPrice: 1999, serviceTypeId: A.books },
        { description: "Supplies", quantity: 1, unitPrice: 1001, taxCategory: "reduced", discountAmount: 1 },
      ],
    });
    // 1.5 × 3333 = 4999.5 → 5000; −10 % = 500 → 4500. 3 × 1999 = 5997. 1001 − 1 = 1000.
    expect(draft.lines.map((l: any) => l.netAmount)).toEqual([4500, 5997, 1000]);
    // Tax once per group: 4500 × 21 % = 945; 5997 × 4 % = 239.88 → 240; 1000 × 10 % = 100.
    expect(draft.taxBreakdown).toEqual([
      { category: "reduced", taxRate: "10", taxableAmount: 1000, taxAmount: 100 },
      { category: "standard", taxRate: "21", taxableAmount: 4500, taxAmount: 945 },
      { category: "super_reduced", taxRate: "4", taxableAmount: 5997, taxAmount: 240 },
    ]);
    expect(draft).toMatchObject({ subtotal: 11497, taxTotal: 1285, total: 12782 });
  });

  it("voids a draft and an untouched issued invoice, but not one with a payment", async () => {
    const customerId = await createCustomer();
    const draft = await createDraft(customerId);
    const voided = await callJson("POST", `/v1/invoices/${draft.id}/void`, { body: { reason: "entered twice" } });
    expect(voided.body).toMatchObject({ status: "void", voidReason: "entered twice", balanceDue: 0 });

    const paid = await createDraft(customerId);
    await callJson("POST", `/v1/invoices/${paid.id}/issue`);
    await callJson("POST", "/v1/payments", { body: { customerId, currency: "EUR", amount: 100, allocations: [{ invoiceId: paid.id, amount: 100 }] } });
    const refused = await callJson("POST", `/v1/invoices/${paid.id}/void`, { body: { reason: "oops" } });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("invoice_has_settlements");
  });
});
