// Tax categories and the rule for which rate applies: the rate in force, in the branch's
// jurisdiction, on the invoice's issue date. Rates change over time; history is kept, so an
// invoice always re-derives the same rate for the same date.
import { invalid } from "./errors.ts";

export const TAX_CATEGORIES = ["standard", "reduced", "super_reduced", "zero", "exempt"] as const;
export type TaxCategory = (typeof TAX_CATEGORIES)[number];

/** Categories whose rate is zero by definition and needs no table entry. */
const ZERO_RATED: ReadonlySet<TaxCategory> = new Set(["zero", "exempt"]);

export interface TaxRate {
  jurisdiction: string;
  category: string;
  /** Parts per million: 21 % = 210000. */
  ratePpm: number;
  /** Inclusive. */
  effectiveFrom: string;
  /** Exclusive; null = open-ended. */
  effectiveTo: string | null;
}

export function isTaxCategory(value: string): value is TaxCategory {
  return (TAX_CATEGORIES as readonly string[]).includes(value);
}

export function isInForce(rate: TaxRate, date: string): boolean {
  return rate.effectiveFrom <= date && (rate.effectiveTo === null || date < rate.effectiveTo);
}

/** The rate (ppm) for `category` in `jurisdiction` on `date`, or a validation error naming the field. */
export function rateInForce(rates: readonly TaxRate[], jurisdiction: string, category: TaxCategory, date: string, field = "taxCategory"): number {
  if (ZERO_RATED.has(category)) return 0;
  let best: TaxRate | undefined;
  for (const r of rates) {
    if (r.jurisdiction !== jurisdiction || r.category !== category || !isInForce(r, date)) continue;
    if (!best || r.effectiveFrom > best.effectiveFrom) best = r;
  }
  if (!best) {
    throw invalid("no_tax_rate_in_force", field, `no ${category} tax rate is in force in ${jurisdiction} on ${date}`);
  }
  return best.ratePpm;
}
