// Ledgerline documents as Xero bodies: the per-line tax split makes Xero's per-line rounding
// add up to our per-group tax exactly, and missing mappings fail with a fix, never a guess.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeInvoiceTotals } from "../../../workers/domain/invoice-totals.ts";
import { divideRoundHalfUp } from "../../../workers/domain/money.ts";
import { MissingMapping, mappingTable, taxKey } from "../../../workers/domain/erp/mapping.ts";
import { lineTaxShares, xeroInvoiceBody, type SyncDocument } from "../../../workers/domain/erp/xero-documents.ts";

const RATES = [0, 40_000, 100_000, 200_000, 210_000, 88_750];
const mapping = mappingTable([
  ...RATES.map((r) => ({ kind: "tax" as const, localKey: taxKey("ES", "standard", r), remoteCode: `T${r}` })),
  { kind: "account", localKey: "default", remoteCode: "200" },
]);

function doc(lines: Array<{ quantityMilli: number; unitPrice: number; discountBps: number; taxRatePpm: number }>): SyncDocument {
  const priced = lines.map((l) => ({ ...l, taxCategory: "standard" as const }));
  const totals = computeInvoiceTotals(priced);
  return {
    id: "inv_x", number: "MAD1-000001", currency: "EUR", issueDate: "2026-01-01", dueDate: "2026-01-31",
    subtotal: totals.subtotal, taxTotal: totals.taxTotal, total: totals.total, taxBreakdown: totals.taxBreakdown,
    lines: priced.map((l, i) => ({ position: i + 1, description: `line ${i}`, quantityMilli: l.quantityMilli, unitPrice: l.unitPrice, netAmount: totals.lineNetAmounts[i]!, serviceTypeId: null, taxCategory: "standard", taxRatePpm: l.taxRatePpm })),
  };
}

const arbLines = fc.array(
  fc.record({ quantityMilli: fc.integer({ min: 1, max: 100_000 }), unitPrice: fc.integer({ min: 0, max: 1_000_000 }), discountBps: fc.integer({ min: 0, max: 5_000 }), taxRatePpm: fc.constantFrom(...RATES) }),
  { minLength: 1, maxLength: 40 },
);

describe("lineTaxShares", () => {
  it("sums to each group's tax exactly and keeps every share within a cent of Xero's own per-line tax", () => {
    fc.assert(
      fc.property(arbLines, (lines) => {
        const d = doc(lines);
        const shares = lineTaxShares(d.lines, d.taxBreakdown);
        for (const g of d.taxBreakdown) {
          const members = d.lines.map((l, i) => ({ l, i })).filter(({ l }) => l.taxRatePpm === g.ratePpm);
          expect(members.reduce((a, { i }) => a + shares[i]!, 0)).toBe(g.taxAmount);
          for (const { l, i } of members) {
            const xeroOwn = Number(divideRoundHalfUp(BigInt(l.netAmount) * BigInt(g.ratePpm), 1_000_000n));
            expect(Math.abs(shares[i]! - xeroOwn)).toBeLessThanOrEqual(1);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it("corrects the classic 1-cent drift: two lines of 2.50 at 21 %", () => {
    const e = doc([{ quantityMilli: 1000, unitPrice: 250, discountBps: 0, taxRatePpm: 210_000 }, { quantityMilli: 1000, unitPrice: 250, discountBps: 0, taxRatePpm: 210_000 }]);
    // Xero per line: 52.5 → 53 each = 106; group: 105. The split sends 53 + 52.
    expect(e.taxTotal).toBe(105);
    expect(lineTaxShares(e.lines, e.taxBreakdown)).toEqual([53, 52]);
  });
});

describe("xeroInvoiceBody", () => {
  it("sends decimals that convert back to our cents, with the line amount Xero will compute", () => {
    fc.assert(
      fc.property(arbLines, (lines) => {
        const d = doc(lines);
        const body = xeroInvoiceBody(d, { contactId: "c", jurisdiction: "ES", mapping, enabledCurrencies: new Set(["EUR"]) });
        const sum = body.LineItems.reduce((a, l) => a + Math.round((l.LineAmount as number) * 100) + Math.round((l.TaxAmount as number) * 100), 0);
        expect(sum).toBe(d.total);
      }),
      { numRuns: 200 },
    );
  });

  it("fails loudly with the fix when a tax rate has no tax code", () => {
    const d = doc([{ quantityMilli: 1000, unitPrice: 100, discountBps: 0, taxRatePpm: 210_000 }]);
    const noTax = mappingTable([{ kind: "account", localKey: "default", remoteCode: "200" }]);
    let error: unknown;
    try {
      xeroInvoiceBody(d, { contactId: "c", jurisdiction: "ES", mapping: noTax, enabledCurrencies: new Set(["EUR"]) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MissingMapping);
    expect((error as MissingMapping).fix).toBe("Tax rate ES standard 21% has no Xero tax code: map it under Integrations → Tax, then retry.");
  });

  it("refuses a currency Xero has not enabled, and one it cannot hold to the unit", () => {
    const d = doc([{ quantityMilli: 1000, unitPrice: 100, discountBps: 0, taxRatePpm: 210_000 }]);
    expect(() => xeroInvoiceBody(d, { contactId: "c", jurisdiction: "ES", mapping, enabledCurrencies: new Set(["GBP"]) })).toThrow(/Currency EUR is not enabled in Xero/);
    expect(() => xeroInvoiceBody({ ...d, currency: "KWD" }, { contactId: "c", jurisdiction: "ES", mapping, enabledCurrencies: new Set(["KWD"]) })).toThrow(/3 decimals/);
  });
});
