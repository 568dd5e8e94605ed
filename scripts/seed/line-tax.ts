// Which tax category and rate a seeded line carries. Service types have one franchise-wide
// default category, but not every jurisdiction has every category (US states have a single
// sales-tax rate; GB has no super-reduced rate). Where the default has no rate, the line is
// invoiced under the nearest higher category the jurisdiction does have, as a partner would
// do by setting the line's taxCategory explicitly.
import { rateInForce, type TaxCategory, type TaxRate } from "../../workers/domain/tax.ts";

const NEXT_HIGHER: Partial<Record<TaxCategory, TaxCategory>> = { super_reduced: "reduced", reduced: "standard" };

export interface LineTax {
  category: TaxCategory;
  ratePpm: number;
}

export function lineTax(rates: readonly TaxRate[], jurisdiction: string, category: TaxCategory, date: string): LineTax {
  let current: TaxCategory | undefined = category;
  while (current) {
    const exists = current === "zero" || current === "exempt" || rates.some((r) => r.jurisdiction === jurisdiction && r.category === current);
    if (exists) return { category: current, ratePpm: rateInForce(rates, jurisdiction, current, date) };
    current = NEXT_HIGHER[current];
  }
  throw new RangeError(`no tax category usable for ${category} in ${jurisdiction}`);
}
