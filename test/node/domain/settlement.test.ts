import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planCreditNote } from "../../../workers/domain/credit-note.ts";
import { checkAllocations, type AllocatableInvoice } from "../../../workers/domain/payment-allocation.ts";
import { balanceDue, settlementStatus } from "../../../workers/domain/settlement.ts";

describe("settlement", () => {
  it("status follows what is paid and credited", () => {
    expect(settlementStatus(100, 0, 0)).toBe("issued");
    expect(settlementStatus(100, 40, 0)).toBe("partially_paid");
    expect(settlementStatus(100, 0, 30)).toBe("partially_paid");
    expect(settlementStatus(100, 70, 30)).toBe("paid");
    expect(settlementStatus(0, 0, 0)).toBe("paid");
  });

  it("balance = total − paid − credited, and 0 for drafts and void invoices", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (total, p, q) => {
        const paid = Math.floor(total * p);
        const credited = Math.floor((total - paid) * q);
        const status = settlementStatus(total, paid, credited);
        const due = balanceDue({ status, total, amountPaid: paid, amountCredited: credited });
        return due === total - paid - credited && due >= 0 && (due === 0) === (status === "paid");
      }),
    );
    expect(balanceDue({ status: "void", total: 100, amountPaid: 0, amountCredited: 0 })).toBe(0);
    expect(balanceDue({ status: "draft", total: 100, amountPaid: 0, amountCredited: 0 })).toBe(0);
  });
});

const invoice = (over: Partial<AllocatableInvoice> = {}): AllocatableInvoice => ({
  id: "inv_a",
  customerId: "cus_1",
  currency: "EUR",
  status: "issued",
  total: 1000,
  amountPaid: 0,
  amountCredited: 0,
  ...over,
});

describe("checkAllocations", () => {
  const one = (inv: AllocatableInvoice, amount: number, payment = 1000) =>
    checkAllocations({ customerId: "cus_1", currency: "EUR", amount: payment, allocations: [{ invoiceId: inv.id, amount }] }, new Map([[inv.id, inv]]));

  it("returns the unallocated remainder", () => expect(one(invoice(), 400)).toBe(600));
  it("rejects allocating beyond the open balance", () => expect(() => one(invoice({ amountPaid: 700 }), 400)).toThrow(/only 300 is open/));
  it("rejects another customer's invoice", () => expect(() => one(invoice({ customerId: "cus_2" }), 1)).toThrow(/another customer/));
  it("rejects another currency", () => expect(() => one(invoice({ currency: "USD" }), 1)).toThrow(/USD/));
  it("rejects paid, void and draft invoices", () => {
    for (const status of ["paid", "void", "draft"] as const) expect(() => one(invoice({ status }), 1)).toThrow(/is (paid|void|draft)/);
  });
  it("rejects allocations adding up to more than the payment", () =>
    expect(() =>
      checkAllocations(
        { customerId: "cus_1", currency: "EUR", amount: 500, allocations: [{ invoiceId: "inv_a", amount: 300 }, { invoiceId: "inv_b", amount: 300 }] },
        new Map([["inv_a", invoice()], ["inv_b", invoice({ id: "inv_b" })]]),
      ),
    ).toThrow(/more than the payment/));
  it("rejects the same invoice twice", () =>
    expect(() =>
      checkAllocations({ customerId: "cus_1", currency: "EUR", amount: 500, allocations: [{ invoiceId: "inv_a", amount: 1 }, { invoiceId: "inv_a", amount: 1 }] }, new Map([["inv_a", invoice()]])),
    ).toThrow(/only once/));
});

describe("planCreditNote", () => {
  const issued = { status: "issued" as const, total: 12100, amountPaid: 0, amountCredited: 0, taxGroups: [{ category: "standard" as const, ratePpm: 210_000, taxableAmount: 10000, taxAmount: 2100 }], alreadyCredited: [] };

  it("taxes credit lines at the invoice's rate", () => {
    const plan = planCreditNote(issued, [{ description: "refund", quantity: 1, unitPrice: 1000 }]);
    expect(plan.totals).toMatchObject({ subtotal: 1000, taxTotal: 210, total: 1210 });
  });

  // Since credit notes on paid invoices are allowed, the part beyond the open amount becomes
  // customer credit; what reduces the invoice still never exceeds its open amount.
  it("never applies more than the open amount to the invoice; the rest becomes customer credit", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12100 }), fc.integer({ min: 1, max: 20000 }), (paid, price) => {
        const inv = { ...issued, amountPaid: paid, status: paid === 12100 ? ("paid" as const) : paid > 0 ? ("partially_paid" as const) : ("issued" as const) };
        try {
          const plan = planCreditNote(inv, [{ description: "x", quantity: 1, unitPrice: price }]);
          return plan.totals.total <= 12100 && plan.appliedToInvoice <= 12100 - paid && plan.appliedToInvoice + plan.toCustomerCredit === plan.totals.total;
        } catch {
          return price > 10000;
        }
      }),
    );
  });

  it("asks which category to credit when the invoice has several", () => {
    const mixed = { ...issued, taxGroups: [{ category: "standard" as const, ratePpm: 210_000, taxableAmount: 5000, taxAmount: 1050 }, { category: "reduced" as const, ratePpm: 100_000, taxableAmount: 5000, taxAmount: 500 }] };
    expect(() => planCreditNote(mixed, [{ description: "x", quantity: 1, unitPrice: 100 }])).toThrow(/several tax categories/);
    expect(planCreditNote(mixed, [{ description: "x", quantity: 1, unitPrice: 100, taxCategory: "reduced" }]).totals.taxTotal).toBe(10);
  });
});
