// A credit note corrects an issued invoice: its lines are taxed at the rates the invoice was
// issued with, and each (tax category, rate) group is capped at what was invoiced in it minus
// what earlier credit notes credited (credit-caps.ts). An invoice already paid can be credited
// too: whatever exceeds its open balance becomes customer credit (customer-ledger.ts).
import { conflict, invalid } from "./errors.ts";
import { capCreditGroups, groupKey } from "./credit-caps.ts";
import { computeInvoiceTotals, quantityToMilli, type InvoiceTotals, type PricedLine, type TaxGroup } from "./invoice-totals.ts";
import { assertAmount } from "./money.ts";
import { balanceDue, type InvoiceStatus, type Settleable } from "./settlement.ts";
import type { TaxCategory } from "./tax.ts";

export interface CreditLineInput {
  description: string;
  quantity: number;
  unitPrice: number;
  taxCategory?: TaxCategory | undefined;
}

export interface CreditedInvoice extends Settleable {
  /** The invoice's tax breakdown: the (category, rate) groups it was issued with. */
  taxGroups: readonly TaxGroup[];
  /** The groups of the credit notes already issued against it. */
  alreadyCredited: readonly TaxGroup[];
}

export interface CreditNoteLine extends PricedLine {
  position: number;
  description: string;
  netAmount: number;
}

export interface PlannedCreditNote {
  lines: CreditNoteLine[];
  totals: InvoiceTotals;
  /** The part that reduces the invoice's balance; the rest becomes customer credit. */
  appliedToInvoice: number;
  toCustomerCredit: number;
}

const CREDITABLE: ReadonlySet<InvoiceStatus> = new Set(["issued", "partially_paid", "paid"]);

export function planCreditNote(invoice: CreditedInvoice, input: CreditLineInput[]): PlannedCreditNote {
  if (!CREDITABLE.has(invoice.status)) throw conflict("invoice_not_open", `a credit note needs an issued invoice; this one is ${invoice.status}`);
  if (input.length === 0) throw invalid("no_lines", "lines", "a credit note needs at least one line");
  const lines: CreditNoteLine[] = input.map((line, i) => {
    const field = `lines.${i}`;
    if (line.description.trim() === "") throw invalid("empty_description", `${field}.description`, "a line needs a description");
    let group = invoice.taxGroups[0];
    if (line.taxCategory !== undefined) {
      group = invoice.taxGroups.find((g) => g.category === line.taxCategory);
      if (!group) throw invalid("tax_category_not_on_invoice", `${field}.taxCategory`, `the invoice has no ${line.taxCategory} lines to credit`);
    } else if (invoice.taxGroups.length > 1) {
      throw invalid("tax_category_required", `${field}.taxCategory`, "the invoice has several tax categories: say which one this line credits");
    }
    if (!group) throw invalid("tax_category_required", `${field}.taxCategory`, "the invoice has no taxable lines");
    return {
      position: i + 1,
      description: line.description.trim(),
      quantityMilli: quantityToMilli(line.quantity, `${field}.quantity`),
      unitPrice: assertAmount(line.unitPrice, `${field}.unitPrice`),
      taxCategory: group.category,
      taxRatePpm: group.ratePpm,
      netAmount: 0,
    };
  });
  const priced = computeInvoiceTotals(lines);
  lines.forEach((line, i) => (line.netAmount = priced.lineNetAmounts[i]!));
  if (priced.total === 0) throw invalid("zero_credit_note", "lines", "a credit note must credit a positive amount");
  const firstLineOf = (key: string) => lines.findIndex((l) => groupKey({ category: l.taxCategory, ratePpm: l.taxRatePpm }) === key);
  const taxBreakdown = capCreditGroups(priced.taxBreakdown, invoice.taxGroups, invoice.alreadyCredited, firstLineOf);
  const taxTotal = taxBreakdown.reduce((a, g) => a + g.taxAmount, 0);
  const totals: InvoiceTotals = { ...priced, taxBreakdown, taxTotal, total: priced.subtotal + taxTotal };
  const appliedToInvoice = Math.min(totals.total, balanceDue(invoice));
  return { lines, totals, appliedToInvoice, toCustomerCredit: totals.total - appliedToInvoice };
}
