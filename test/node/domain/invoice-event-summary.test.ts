import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { summarizeInvoiceEvent } from "../../../workers/domain/invoice-event-summary.ts";

const INV = "inv_000000000000000000000000a1";
const OTHER = "inv_000000000000000000000000a2";

describe("invoice event summaries", () => {
  it("tells each invoice event with its amount", () => {
    const invoice = { number: "MAD1-000042", total: 12100, currency: "EUR", dueDate: "2026-02-01", voidReason: null };
    expect(summarizeInvoiceEvent("invoice.drafted", { invoice: { ...invoice, number: null } }, INV)).toEqual({ summary: "Draft created", amount: 12100, currency: "EUR" });
    expect(summarizeInvoiceEvent("invoice.issued", { invoice }, INV)).toEqual({ summary: "Issued as MAD1-000042, due 2026-02-01", amount: 12100, currency: "EUR" });
    expect(summarizeInvoiceEvent("invoice.voided", { invoice: { ...invoice, voidReason: "duplicate" } }, INV)).toEqual({ summary: "Voided: duplicate", amount: null, currency: null });
    expect(summarizeInvoiceEvent("credit.applied", { invoiceId: INV, amount: 500, currency: "EUR" }, INV)).toEqual({ summary: "Customer credit applied", amount: 500, currency: "EUR" });
    expect(summarizeInvoiceEvent("credit_note.issued", { creditNote: { number: "MAD1-CN-000003", reason: "goodwill", total: 1210, currency: "EUR" } }, INV)).toEqual({
      summary: "Credit note MAD1-CN-000003 issued: goodwill",
      amount: 1210,
      currency: "EUR",
    });
  });

  it("tells a payment from this invoice's side: only what it allocated here", () => {
    const payment = { currency: "EUR", amount: 9000, method: "bank_transfer", reference: "TR-1", allocations: [{ invoiceId: INV, amount: 2000 }, { invoiceId: OTHER, amount: 7000 }] };
    expect(summarizeInvoiceEvent("payment.recorded", { payment }, INV)).toEqual({ summary: "Payment received by bank transfer (ref. TR-1)", amount: 2000, currency: "EUR" });
    expect(summarizeInvoiceEvent("payment.recorded", { payment: { ...payment, allocations: [] } }, INV)?.amount).toBeNull();
    const later = { payment, newAllocations: [{ invoiceId: INV, amount: 2000 }] };
    expect(summarizeInvoiceEvent("payment.allocated", later, INV)).toEqual({ summary: "Earlier payment allocated to this invoice", amount: 2000, currency: "EUR" });
    // A later allocation that put nothing on this invoice is not part of its history.
    expect(summarizeInvoiceEvent("payment.allocated", { payment, newAllocations: [{ invoiceId: OTHER, amount: 7000 }] }, INV)).toBeNull();
  });

  it("never throws and never yields undefined, NaN or [object Object] for any payload", () => {
    const types = fc.constantFrom("invoice.drafted", "invoice.issued", "invoice.voided", "credit.applied", "credit_note.issued", "payment.recorded", "payment.allocated", "some.future_event");
    // Payload fields of the wrong type or missing; their strings are harmless words, so any "undefined" would be ours.
    const keys = fc.constantFrom("number", "dueDate", "voidReason", "reason", "total", "amount", "currency", "allocations", "invoiceId", "method", "reference");
    const values = [fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom("X1", "card", INV)];
    fc.assert(
      fc.property(types, fc.anything({ key: keys, values, maxDepth: 3 }), (type, payload) => {
        const s = summarizeInvoiceEvent(type, { invoice: payload, payment: payload, creditNote: payload, newAllocations: payload, amount: payload }, INV);
        if (s === null) return type === "payment.allocated";
        return s.summary.length > 0 && !/undefined|NaN|\[object/.test(s.summary) && (s.amount === null || Number.isSafeInteger(s.amount));
      }),
    );
  });
});
