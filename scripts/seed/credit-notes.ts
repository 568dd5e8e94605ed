// Credit notes: a disputer's partial credit or an occasional goodwill credit, for part of one
// invoice line, taxed at that line's category and rate (never today's rate). A credit note is
// always dated before any payment on its invoice, so its total is checked against the full
// remaining balance, exactly what the credit_notes_guard trigger will see.
import { computeInvoiceTotals, type InvoiceTotals, type PricedLine } from "../../workers/domain/invoice-totals.ts";
import type { InvoicePlan } from "./invoices.ts";
import type { Random } from "./random.ts";

export interface CreditNoteLinePlan extends PricedLine {
  description: string;
  netAmount: number;
}

export interface CreditNotePlan {
  invoice: InvoicePlan;
  issueDate: string;
  createdMs: number;
  reason: string;
  line: CreditNoteLinePlan;
  totals: InvoiceTotals;
  seq: number;
  id: string;
}

const REASONS: Record<string, { en: readonly string[]; es: readonly string[] }> = {
  brightnest: {
    en: ["Technician missed the scheduled visit", "Hours over-billed on the timesheet", "Goodwill gesture after a complaint", "Work not completed to standard", "Duplicate charge"],
    es: ["Visita programada no realizada", "Horas facturadas de más", "Gesto comercial tras una reclamación", "Trabajo no realizado correctamente", "Cargo duplicado"],
  },
  pulsefit: {
    en: ["Studio closed for maintenance", "Class cancelled by the studio", "Membership frozen for medical reasons", "Goodwill gesture after a complaint", "Duplicate charge"],
    es: ["Centro cerrado por mantenimiento", "Clase cancelada por el centro", "Cuota congelada por motivos médicos", "Gesto comercial tras una reclamación", "Cargo duplicado"],
  },
};

/**
 * A credit of `fraction` of the invoice's largest line, or null when that would not fit the
 * open balance (or the line is too small to credit).
 */
export function planCreditNote(invoice: InvoicePlan, open: number, fraction: number, issueDate: string, createdMs: number, rng: Random): CreditNotePlan | null {
  const line = invoice.lines.reduce((a, b) => (b.netAmount > a.netAmount ? b : a));
  const unitPrice = Math.round(line.netAmount * fraction);
  if (unitPrice < 100) return null;
  const spanish = invoice.customer.branch.spec.currency === "EUR";
  const reasons = REASONS[invoice.customer.franchise.spec.key]!;
  const credit: CreditNoteLinePlan = {
    description: `${spanish ? "Abono" : "Credit"}: ${line.description}`,
    quantityMilli: 1000,
    unitPrice,
    taxCategory: line.taxCategory,
    taxRatePpm: line.taxRatePpm,
    netAmount: 0,
  };
  const totals = computeInvoiceTotals([credit]);
  if (totals.total > open) return null;
  credit.netAmount = totals.lineNetAmounts[0]!;
  return { invoice, issueDate, createdMs, reason: rng.pick(spanish ? reasons.es : reasons.en), line: credit, totals, seq: 0, id: "" };
}
