import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planCreditNote, type CreditedInvoice } from "../../../workers/domain/credit-note.ts";
import { groupKey, remainingCredit } from "../../../workers/domain/credit-caps.ts";
import { CURRENCY_EXPONENTS, formatMinor, isCurrencyCode, minorUnitsOf } from "../../../workers/domain/currency.ts";
import { assertWithinCredit, customerBalance } from "../../../workers/domain/customer-ledger.ts";
import { computeInvoiceTotals, type TaxGroup } from "../../../workers/domain/invoice-totals.ts";
import { checkAllocations } from "../../../workers/domain/payment-allocation.ts";
import { COUNTRY_CODES, normalizeAddress } from "../../../workers/domain/postal-address.ts";
import { balanceDue, settlementStatus, type Settleable } from "../../../workers/domain/settlement.ts";
import type { TaxCategory } from "../../../workers/domain/tax.ts";

const RATES: Record<"standard" | "reduced" | "zero", number> = { standard: 210_000, reduced: 100_000, zero: 0 };

function issuedWith(nets: Partial<Record<keyof typeof RATES, number>>): CreditedInvoice {
  const totals = computeInvoiceTotals(
    Object.entries(nets).map(([category, net]) => ({ quantityMilli: 1000, unitPrice: net!, taxCategory: category as TaxCategory, taxRatePpm: RATES[category as keyof typeof RATES] })),
  );
  return { status: "issued", total: totals.total, amountPaid: 0, amountCredited: 0, taxGroups: totals.taxBreakdown, alreadyCredited: [] };
}

describe("credit notes per tax group", () => {
  it("refuses 182.64 at 21 % on 100.00 at 21 % + 100.00 at 0 % (the reported defect)", () => {
    const invoice = issuedWith({ standard: 10000, zero: 10000 });
    expect(invoice.total).toBe(22100);
    expect(() => planCreditNote(invoice, [{ description: "x", quantity: 1, unitPrice: 18264, taxCategory: "standard" }])).toThrow(
      expect.objectContaining({ code: "credit_exceeds_tax_group", issues: [expect.objectContaining({ field: "lines.0" })] }),
    );
  });

  it("names the first line of the exceeded group", () => {
    const invoice = issuedWith({ standard: 10000, zero: 10000 });
    const lines = [
      { description: "ok", quantity: 1, unitPrice: 100, taxCategory: "standard" as const },
      { description: "too much", quantity: 1, unitPrice: 10001, taxCategory: "zero" as const },
    ];
    expect(() => planCreditNote(invoice, lines)).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ field: "lines.1" })] }));
  });

  const creditSequence = fc.array(
    fc.record({ category: fc.constantFrom<"standard" | "reduced" | "zero">("standard", "reduced", "zero"), quantity: fc.integer({ min: 1, max: 3 }), unitPrice: fc.integer({ min: 1, max: 9000 }) }),
    { minLength: 1, maxLength: 25 },
  );

  it("over any sequence of credit notes, never over-credits a group, net or tax, and a full credit reverses exactly the group's tax", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20000 }), fc.integer({ min: 1, max: 20000 }), fc.integer({ min: 1, max: 20000 }), creditSequence, (s, r, z, seq) => {
        const invoice = issuedWith({ standard: s, reduced: r, zero: z });
        const credited: TaxGroup[] = [];
        let amountCredited = 0;
        for (const step of seq) {
          const state = { ...invoice, amountCredited, status: settlementStatus(invoice.total, 0, amountCredited), alreadyCredited: credited };
          try {
            const plan = planCreditNote(state, [{ description: "c", quantity: step.quantity, unitPrice: step.unitPrice, taxCategory: step.category }]);
            expect(plan.appliedToInvoice).toBeLessThanOrEqual(balanceDue(state));
            credited.push(...plan.totals.taxBreakdown);
            amountCredited += plan.appliedToInvoice;
          } catch (e) {
            expect((e as { code: string }).code).toBe("credit_exceeds_tax_group");
          }
        }
        for (const [key, left] of remainingCredit(invoice.taxGroups, credited)) {
          expect(left.taxableAmount, key).toBeGreaterThanOrEqual(0);
          expect(left.taxAmount, key).toBeGreaterThanOrEqual(0);
          if (left.taxableAmount === 0) expect(left.taxAmount, `${key} fully credited`).toBe(0);
        }
        const creditedTax = credited.reduce((a, g) => a + g.taxAmount, 0);
        expect(creditedTax).toBeLessThanOrEqual(invoice.taxGroups.reduce((a, g) => a + g.taxAmount, 0));
      }),
    );
  });

  it("credits a paid invoice, the excess going to customer credit", () => {
    const invoice = { ...issuedWith({ standard: 10000 }), status: "paid" as const, amountPaid: 12100 };
    const plan = planCreditNote(invoice, [{ description: "x", quantity: 1, unitPrice: 5000 }]);
    expect(plan).toMatchObject({ appliedToInvoice: 0, toCustomerCredit: 6050 });
    expect(() => planCreditNote({ ...invoice, status: "void" }, [{ description: "x", quantity: 1, unitPrice: 1 }])).toThrow(/issued invoice/);
  });

  it("keys groups by category and rate", () => expect(groupKey({ category: "standard", ratePpm: 210000 })).toBe("standard:210000"));
});

describe("customer ledger", () => {
  // A pure model of one customer in one currency: every operation is checked by the same domain
  // rules the API applies; refused operations change nothing.
  type Op =
    | { kind: "invoice"; net: number }
    | { kind: "pay"; amount: number; invoice: number; allocate: number }
    | { kind: "allocate"; payment: number; invoice: number; amount: number }
    | { kind: "credit"; invoice: number; net: number }
    | { kind: "refund"; amount: number }
    | { kind: "apply"; invoice: number; amount: number };
  const amount = fc.integer({ min: 1, max: 30000 });
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant("invoice" as const), net: amount }),
    fc.record({ kind: fc.constant("pay" as const), amount, invoice: fc.nat(), allocate: fc.nat({ max: 30000 }) }),
    fc.record({ kind: fc.constant("allocate" as const), payment: fc.nat(), invoice: fc.nat(), amount }),
    fc.record({ kind: fc.constant("credit" as const), invoice: fc.nat(), net: amount }),
    fc.record({ kind: fc.constant("refund" as const), amount }),
    fc.record({ kind: fc.constant("apply" as const), invoice: fc.nat(), amount }),
  );

  it("invoiced − credited − paid + refunded = open balance − credit balance, and credit never goes below zero", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const invoices: Array<Settleable & { id: string; customerId: string; currency: string; groups: TaxGroup[]; credited: TaxGroup[] }> = [];
        const payments: Array<{ amount: number; allocated: number }> = [];
        const creditNotes: number[] = [];
        const refunds: number[] = [];
        const balance = () => customerBalance({ invoices, creditNoteTotals: creditNotes, payments: payments.map((p) => p.amount), refunds });
        const settle = (inv: Settleable, paid: number, credited: number) => {
          inv.amountPaid += paid;
          inv.amountCredited += credited;
          inv.status = settlementStatus(inv.total, inv.amountPaid, inv.amountCredited);
        };
        for (const o of ops) {
          try {
            if (o.kind === "invoice") {
              const t = computeInvoiceTotals([{ quantityMilli: 1000, unitPrice: o.net, taxCategory: "standard", taxRatePpm: 210_000 }]);
              invoices.push({ id: `inv_${invoices.length}`, customerId: "c", currency: "EUR", status: "issued", total: t.total, amountPaid: 0, amountCredited: 0, groups: t.taxBreakdown, credited: [] });
            } else if (o.kind === "pay" || o.kind === "allocate") {
              const inv = invoices[o.invoice % Math.max(1, invoices.length)];
              const payment = o.kind === "pay" ? { amount: o.amount, allocated: 0 } : payments[o.payment % Math.max(1, payments.length)];
              if (!payment) continue;
              const want = o.kind === "pay" ? o.allocate : o.amount;
              const allocations = inv && want > 0 ? [{ invoiceId: inv.id, amount: want }] : [];
              const remainder = payment.amount - payment.allocated;
              if (o.kind === "allocate" && remainder === 0) continue;
              checkAllocations({ customerId: "c", currency: "EUR", amount: remainder, allocations }, new Map(invoices.map((i) => [i.id, i])));
              const allocated = allocations.reduce((a, x) => a + x.amount, 0);
              if (o.kind === "allocate") assertWithinCredit(allocated, balance().creditBalance, "allocations");
              if (o.kind === "pay") payments.push(payment);
              payment.allocated += allocated;
              if (inv && allocated > 0) settle(inv, allocated, 0);
            } else if (o.kind === "credit") {
              const inv = invoices[o.invoice % Math.max(1, invoices.length)];
              if (!inv) continue;
              const plan = planCreditNote({ ...inv, taxGroups: inv.groups, alreadyCredited: inv.credited }, [{ description: "c", quantity: 1, unitPrice: o.net }]);
              creditNotes.push(plan.totals.total);
              inv.credited.push(...plan.totals.taxBreakdown);
              settle(inv, 0, plan.appliedToInvoice);
            } else if (o.kind === "refund") {
              assertWithinCredit(o.amount, balance().creditBalance, "amount");
              refunds.push(o.amount);
            } else {
              const inv = invoices[o.invoice % Math.max(1, invoices.length)];
              if (!inv || o.amount > balanceDue(inv) || !(inv.status === "issued" || inv.status === "partially_paid")) continue;
              assertWithinCredit(o.amount, balance().creditBalance, "amount");
              settle(inv, 0, o.amount);
            }
          } catch (e) {
            expect((e as { kind?: string }).kind).toBeDefined(); // a DomainError, nothing else
          }
          const b = balance();
          expect(b.invoiced - b.credited - b.paid + b.refunded).toBe(b.openBalance - b.creditBalance);
          expect(b.creditBalance).toBeGreaterThanOrEqual(0);
          expect(b.openBalance).toBeGreaterThanOrEqual(0);
          for (const inv of invoices) expect(inv.amountPaid + inv.amountCredited).toBeLessThanOrEqual(inv.total);
        }
      }),
    );
  });

  it("refuses to draw more than the credit", () => {
    expect(() => assertWithinCredit(101, 100, "amount")).toThrow(expect.objectContaining({ code: "exceeds_customer_credit" }));
    expect(() => assertWithinCredit(100, 100, "amount")).not.toThrow();
  });
});

describe("ISO 4217", () => {
  it("knows the exponents", () => {
    expect([minorUnitsOf("JPY"), minorUnitsOf("EUR"), minorUnitsOf("KWD"), minorUnitsOf("CLF"), minorUnitsOf("USD"), minorUnitsOf("BHD")]).toEqual([0, 2, 3, 4, 2, 3]);
    expect(CURRENCY_EXPONENTS.size).toBeGreaterThan(150);
    for (const [code, e] of CURRENCY_EXPONENTS) {
      expect(code).toMatch(/^[A-Z]{3}$/);
      expect([0, 2, 3, 4]).toContain(e);
    }
  });

  it("refuses unknown, withdrawn and non-monetary codes", () => {
    for (const code of ["XXZ", "EUD", "HRK", "XAU", "XXX", "eur"]) expect(isCurrencyCode(code), code).toBe(false);
    expect(() => minorUnitsOf("XXZ", "currency")).toThrow(expect.objectContaining({ code: "unknown_currency" }));
  });

  it("formats minor units exactly with the currency's exponent", () => {
    expect(formatMinor(123456, "EUR")).toBe("1234.56");
    expect(formatMinor(123456, "JPY")).toBe("123456");
    expect(formatMinor(5, "KWD")).toBe("0.005");
    expect(formatMinor(-7, "USD")).toBe("-0.07");
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e15 }), fc.constantFrom(...CURRENCY_EXPONENTS.keys()), (n, code) => Number(formatMinor(n, code).replace(".", "")) === n));
  });
});

describe("postal addresses", () => {
  it("has the 249 ISO 3166-1 alpha-2 codes", () => {
    expect(COUNTRY_CODES.size).toBe(249);
    for (const c of ["ES", "GB", "US", "DE", "JP", "AX", "SS", "ZW"]) expect(COUNTRY_CODES.has(c), c).toBe(true);
    for (const c of ["UK", "XX", "EU"]) expect(COUNTRY_CODES.has(c), c).toBe(false);
  });

  it("normalizes and validates", () => {
    expect(normalizeAddress({ line1: " Calle Mayor 1 ", line2: " ", city: "Madrid", postalCode: "28013", countryCode: "es" })).toEqual({ line1: "Calle Mayor 1", city: "Madrid", postalCode: "28013", countryCode: "ES" });
    expect(() => normalizeAddress({ line1: "x", city: "y", postalCode: "1", countryCode: "UK" })).toThrow(expect.objectContaining({ code: "unknown_country", issues: [expect.objectContaining({ field: "address.countryCode" })] }));
    expect(() => normalizeAddress({ line1: "x", city: " ", postalCode: "1", countryCode: "ES" })).toThrow(expect.objectContaining({ code: "address_incomplete" }));
  });
});
