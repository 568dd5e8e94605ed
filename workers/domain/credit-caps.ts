// Per (tax category, rate) caps on credit notes. A group can be credited at most what was
// invoiced in it minus what earlier credit notes already credited, both net and tax; a credit
// note that finishes a group reverses exactly the tax left in it, so rounding per credit note
// never reverses more VAT than was charged. The credit_notes_within_tax_groups trigger
// (migration "credit_caps") re-checks the same sums inside D1, where concurrent notes meet.
import { invalid } from "./errors.ts";
import { taxOf, type TaxGroup } from "./invoice-totals.ts";

export const groupKey = (g: { category: string; ratePpm: number }) => `${g.category}:${g.ratePpm}`;

/** What is left to credit in each group of the invoice. */
export function remainingCredit(invoiced: readonly TaxGroup[], credited: readonly TaxGroup[]): Map<string, TaxGroup> {
  const left = new Map(invoiced.map((g) => [groupKey(g), { ...g }]));
  for (const c of credited) {
    const g = left.get(groupKey(c));
    if (!g) continue;
    g.taxableAmount -= c.taxableAmount;
    g.taxAmount -= c.taxAmount;
  }
  return left;
}

/**
 * The credit note's tax per group under the caps. `requested` carries the group's credited net
 * (taxableAmount); `firstLineOf` names the line reported when a group is exceeded.
 * Returns the groups with their capped tax; throws credit_exceeds_tax_group.
 */
export function capCreditGroups(requested: readonly TaxGroup[], invoiced: readonly TaxGroup[], credited: readonly TaxGroup[], firstLineOf: (key: string) => number): TaxGroup[] {
  const left = remainingCredit(invoiced, credited);
  return requested.map((r) => {
    const key = groupKey(r);
    const g = left.get(key);
    const name = `${r.category} ${r.ratePpm / 10_000} %`;
    const field = `lines.${firstLineOf(key)}`;
    if (!g) throw invalid("credit_exceeds_tax_group", field, `the invoice has no ${name} group to credit`);
    if (r.taxableAmount > g.taxableAmount) {
      throw invalid("credit_exceeds_tax_group", field, `the ${name} group has ${g.taxableAmount} net left to credit; this credit note credits ${r.taxableAmount} in it`);
    }
    const taxAmount = r.taxableAmount === g.taxableAmount ? g.taxAmount : Math.min(taxOf(r.taxableAmount, r.ratePpm), g.taxAmount);
    return { category: r.category, ratePpm: r.ratePpm, taxableAmount: r.taxableAmount, taxAmount };
  });
}
