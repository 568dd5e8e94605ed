// The billing core's arithmetic: table-driven cases for the documented rounding, and properties
// that must hold for every input.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeInvoiceTotals, lineNetAmount, quantityToMilli, taxOf, type PricedLine } from "../../../workers/domain/invoice-totals.ts";
import { divideRoundHalfUp } from "../../../workers/domain/money.ts";
import { TAX_CATEGORIES } from "../../../workers/domain/tax.ts";

const line = (over: Partial<PricedLine> = {}): PricedLine => ({ quantityMilli: 1000, unitPrice: 1000, taxCategory: "standard", taxRatePpm: 210_000, ...over });

const arbLine = fc.record({
  quantityMilli: fc.integer({ min: 1, max: 1_000_000 }),
  unitPrice: fc.integer({ min: 0, max: 10_000_000 }),
  discountBps: fc.integer({ min: 0, max: 10_000 }),
  discountAmount: fc.constant(0),
  taxCategory: fc.constantFrom(...TAX_CATEGORIES),
  taxRatePpm: fc.constantFrom(0, 40_000, 50_000, 100_000, 200_000, 210_000, 88_750),
});

describe("divideRoundHalfUp", () => {
  it.each([
    [5n, 2n, 3n],
    [4n, 2n, 2n],
    [-5n, 2n, -3n],
    [1n, 3n, 0n],
    [2n, 3n, 1n],
    [49_995n, 10n, 5_000n],
  ])("%d / %d = %d", (n, d, q) => expect(divideRoundHalfUp(n, d)).toBe(q));

  it("is within half a unit of the exact quotient", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), fc.bigInt({ min: 1n, max: 10n ** 9n }), (n, d) => {
        const q = divideRoundHalfUp(n, d);
        const diff = q * d - n; // exact error, times d
        return 2n * (diff < 0n ? -diff : diff) <= d;
      }),
    );
  });
});

describe("line net amounts (EN 16931: quantity × price − allowances, rounded per line)", () => {
  it.each([
    [line({ quantityMilli: 1500, unitPrice: 3333 }), 5000], // 4999.5 → 5000
    [line({ quantityMilli: 1500, unitPrice: 3333, discountBps: 1000 }), 4500],
    [line({ quantityMilli: 333, unitPrice: 100 }), 33], // 33.3
    [line({ quantityMilli: 335, unitPrice: 100 }), 34], // 33.5 → 34
    [line({ unitPrice: 1001, discountAmount: 1 }), 1000],
  ])("case %#", (l, net) => expect(lineNetAmount(l)).toBe(net));

  it("refuses discounts larger than the line", () => {
    expect(() => lineNetAmount(line({ unitPrice: 100, discountAmount: 101 }))).toThrow(/discounts exceed/);
  });

  it("never exceeds the undiscounted amount and is never negative", () => {
    fc.assert(
      fc.property(arbLine, (l) => {
        const net = lineNetAmount(l);
        const gross = lineNetAmount({ ...l, discountBps: 0 });
        return net >= 0 && net <= gross && Number.isSafeInteger(net);
      }),
    );
  });
});

describe("invoice totals", () => {
  it("rounds tax once per (category, rate) group, not per line", () => {
    // Three lines of 0.05 tax each would round to 0 per line; per group 3 × 25 × 21 % = 15.75 → 16.
    const totals = computeInvoiceTotals([line({ unitPrice: 25 }), line({ unitPrice: 25 }), line({ unitPrice: 25 })]);
    expect(totals.taxBreakdown).toEqual([{ category: "standard", ratePpm: 210_000, taxableAmount: 75, taxAmount: 16 }]);
    expect(totals.total).toBe(91);
  });

  it("holds subtotal = Σ line nets, tax = Σ group taxes, total = subtotal + tax, for every invoice", () => {
    fc.assert(
      fc.property(fc.array(arbLine, { minLength: 1, maxLength: 30 }), (lines) => {
        const t = computeInvoiceTotals(lines);
        const sumNets = t.lineNetAmounts.reduce((a, b) => a + b, 0);
        const sumTaxable = t.taxBreakdown.reduce((a, g) => a + g.taxableAmount, 0);
        const groupsOk = t.taxBreakdown.every((g) => g.taxAmount === taxOf(g.taxableAmount, g.ratePpm));
        return t.subtotal === sumNets && sumTaxable === sumNets && t.taxTotal === t.taxBreakdown.reduce((a, g) => a + g.taxAmount, 0) && t.total === t.subtotal + t.taxTotal && groupsOk;
      }),
    );
  });

  it("does not depend on the order of lines", () => {
    fc.assert(
      fc.property(fc.array(arbLine, { minLength: 1, maxLength: 20 }), (lines) => {
        const a = computeInvoiceTotals(lines);
        const b = computeInvoiceTotals([...lines].reverse());
        return a.total === b.total && JSON.stringify(a.taxBreakdown) === JSON.stringify(b.taxBreakdown);
      }),
    );
  });

  it("keeps group tax within half a minor unit of the exact tax", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 1_000_000 }), (taxable, ppm) => {
        const exactTimesMillion = BigInt(taxable) * BigInt(ppm);
        const err = BigInt(taxOf(taxable, ppm)) * 1_000_000n - exactTimesMillion;
        return 2n * (err < 0n ? -err : err) <= 1_000_000n;
      }),
    );
  });
});

describe("quantities", () => {
  it.each([
    [1, 1000],
    [1.5, 1500],
    [0.001, 1],
    [2.125, 2125],
  ])("%d → %d thousandths", (q, m) => expect(quantityToMilli(q, "q")).toBe(m));

  it.each([0, -1, 1.0005, Number.NaN, 2e6])("rejects %d", (q) => expect(() => quantityToMilli(q, "q")).toThrow());
});
