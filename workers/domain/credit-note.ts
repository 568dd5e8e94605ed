// A credit note corrects an issued invoice: its lines are taxed at the rates the invoice was
// issued with, and its total cannot exceed what is still open on the invoice.
import { conflict, invalid } from "./errors.ts";
import { computeInvoiceTotals, quantityToMilli, type InvoiceTotals, type PricedLine } from "./invoice-totals.ts";
import { assertAmount } from "./money.ts";
import { balanceDue, isOpen, type Settleable } from "./settlement.ts";
import type { TaxCategory } from "./tax.ts";

export interface CreditLineInput {
  description: string;
  quantity: number;
  unitPrice: number;
  taxCategory?: TaxCategory | undefined;
}

export interface CreditedInvoice extends Settleable {
  /** The (category, rate) pairs the invoice was issued with. */
  taxGroups: ReadonlyArray<{ category: TaxCategory; ratePpm: number }>;
}

export interface CreditNoteLine extends PricedLine {
  position: number;
  description: string;
  netAmount: number;
}

export interface PlannedCreditNote {
  lines: CreditNoteLine[];
  totals: InvoiceTotals;
}

export function planCreditNote(invoice: CreditedInvoice, input: CreditLineInput[]): PlannedCreditNote {
  if (!isOpen(invoice.status)) throw conflict("invoice_not_open", `a credit note needs an issued, unpaid invoice; this one is ${invoice.status}`);
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
  const totals = computeInvoiceTotals(lines);
  lines.forEach((line, i) => (line.netAmount = totals.lineNetAmounts[i]!));
  if (totals.total === 0) throw invalid("zero_credit_note", "lines", "a credit note must credit a positive amount");
  const open = balanceDue(invoice);
  if (totals.total > open) {
    throw invalid("credit_exceeds_open_amount", "lines", `the credit note totals ${totals.total} but only ${open} is open on the invoice`);
  }
  return { lines, totals };
}
