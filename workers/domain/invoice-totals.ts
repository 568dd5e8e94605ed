// Invoice arithmetic, following EN 16931's order of rounding:
//   1. each line's net amount = quantity × unit price − line discounts, rounded to the minor unit;
//   2. lines are grouped by (tax category, rate); each group's tax = taxable × rate, rounded once;
//   3. subtotal = Σ line nets, tax total = Σ group taxes, total = subtotal + tax total.
// All rounding is half away from zero, in exact integer (bigint) arithmetic.
import { invalid } from "./errors.ts";
import { divideRoundHalfUp, toSafeNumber } from "./money.ts";
import type { TaxCategory } from "./tax.ts";

export interface PricedLine {
  /** Quantity in thousandths: 1.5 = 1500. */
  quantityMilli: number;
  /** Price per unit in minor units. */
  unitPrice: number;
  /** Percentage discount in basis points (10 % = 1000), applied first. */
  discountBps?: number;
  /** Fixed discount in minor units, applied after the percentage. */
  discountAmount?: number;
  taxCategory: TaxCategory;
  taxRatePpm: number;
}

export interface TaxGroup {
  category: TaxCategory;
  ratePpm: number;
  taxableAmount: number;
  taxAmount: number;
}

export interface InvoiceTotals {
  lineNetAmounts: number[];
  taxBreakdown: TaxGroup[];
  subtotal: number;
  taxTotal: number;
  total: number;
}

export function lineNetAmount(line: PricedLine, field = "line"): number {
  const gross = divideRoundHalfUp(BigInt(line.quantityMilli) * BigInt(line.unitPrice), 1000n);
  const percentOff = divideRoundHalfUp(gross * BigInt(line.discountBps ?? 0), 10_000n);
  const net = gross - percentOff - BigInt(line.discountAmount ?? 0);
  if (net < 0n) throw invalid("discount_exceeds_line", `${field}.discountAmount`, "discounts exceed the line amount");
  return toSafeNumber(net, `${field}.netAmount`);
}

export function taxOf(taxableAmount: number, ratePpm: number): number {
  return toSafeNumber(divideRoundHalfUp(BigInt(taxableAmount) * BigInt(ratePpm), 1_000_000n), "taxTotal");
}

export function computeInvoiceTotals(lines: readonly PricedLine[]): InvoiceTotals {
  const lineNetAmounts = lines.map((line, i) => lineNetAmount(line, `lines.${i}`));
  const groups = new Map<string, TaxGroup>();
  lines.forEach((line, i) => {
    const key = `${line.taxCategory}:${line.taxRatePpm}`;
    const group = groups.get(key) ?? { category: line.taxCategory, ratePpm: line.taxRatePpm, taxableAmount: 0, taxAmount: 0 };
    group.taxableAmount += lineNetAmounts[i]!;
    groups.set(key, group);
  });
  const taxBreakdown = [...groups.values()]
    .map((g) => ({ ...g, taxAmount: taxOf(g.taxableAmount, g.ratePpm) }))
    .sort((a, b) => a.category.localeCompare(b.category) || a.ratePpm - b.ratePpm);
  const subtotal = lineNetAmounts.reduce((a, b) => a + b, 0);
  const taxTotal = taxBreakdown.reduce((a, g) => a + g.taxAmount, 0);
  const total = subtotal + taxTotal;
  toSafeNumber(BigInt(total), "total");
  return { lineNetAmounts, taxBreakdown, subtotal, taxTotal, total };
}

/** "1.5" hours → 1500 thousandths; more than three decimals is an error, not a silent rounding. */
export function quantityToMilli(quantity: number, field: string): number {
  const milli = Math.round(quantity * 1000);
  if (!Number.isFinite(quantity) || quantity <= 0 || Math.abs(milli - quantity * 1000) > 1e-6 || milli > 1_000_000_000) {
    throw invalid("invalid_quantity", field, `${field} must be a positive number with at most 3 decimals, up to 1,000,000`);
  }
  return milli;
}

export const milliToQuantity = (milli: number): number => milli / 1000;
