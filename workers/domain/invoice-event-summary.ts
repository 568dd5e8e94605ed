// One line of an invoice's history, read from a domain event's payload (docs/events.md). The
// history also holds events of the invoice's credit notes and of payments allocated to it; a
// payment event is told from this invoice's side (what it allocated here), and a later allocation
// that added nothing to this invoice is not part of its history (null).

export interface InvoiceEventSummary {
  summary: string;
  /** What the event moved on this invoice, in the currency's minor unit; null when nothing. */
  amount: number | null;
  currency: string | null;
}

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);
const int = (v: unknown): number | null => (typeof v === "number" && Number.isSafeInteger(v) ? v : null);

/** The amount a payment's allocations put on this invoice (null when none of them did). */
function allocatedHere(allocations: unknown, invoiceId: string): number | null {
  if (!Array.isArray(allocations)) return null;
  let sum: number | null = null;
  for (const a of allocations) {
    const row = obj(a);
    const amount = int(row.amount);
    if (row.invoiceId === invoiceId && amount !== null) sum = (sum ?? 0) + amount;
  }
  return sum;
}

const METHOD_WORDS: Record<string, string> = { bank_transfer: "bank transfer", card: "card", cash: "cash", direct_debit: "direct debit", check: "check", other: "other means" };

function methodWords(method: unknown): string {
  const m = str(method);
  return m ? (METHOD_WORDS[m] ?? m.replaceAll("_", " ")) : "an unknown method";
}

export function summarizeInvoiceEvent(type: string, payload: unknown, invoiceId: string): InvoiceEventSummary | null {
  const p = obj(payload);
  switch (type) {
    case "invoice.drafted": {
      const inv = obj(p.invoice);
      return { summary: "Draft created", amount: int(inv.total), currency: str(inv.currency) };
    }
    case "invoice.issued": {
      const inv = obj(p.invoice);
      const number = str(inv.number);
      const due = str(inv.dueDate);
      return { summary: `Issued${number ? ` as ${number}` : ""}${due ? `, due ${due}` : ""}`, amount: int(inv.total), currency: str(inv.currency) };
    }
    case "invoice.voided": {
      const reason = str(obj(p.invoice).voidReason);
      return { summary: reason ? `Voided: ${reason}` : "Voided", amount: null, currency: null };
    }
    case "credit.applied":
      return { summary: "Customer credit applied", amount: int(p.amount), currency: str(p.currency) };
    case "credit_note.issued": {
      const cn = obj(p.creditNote);
      const number = str(cn.number);
      const reason = str(cn.reason);
      return { summary: `Credit note${number ? ` ${number}` : ""} issued${reason ? `: ${reason}` : ""}`, amount: int(cn.total), currency: str(cn.currency) };
    }
    case "payment.recorded": {
      const pay = obj(p.payment);
      const here = allocatedHere(pay.allocations, invoiceId);
      const ref = str(pay.reference);
      const how = `by ${methodWords(pay.method)}${ref ? ` (ref. ${ref})` : ""}`;
      return here === null
        ? { summary: `Payment received ${how}; allocated to this invoice later`, amount: null, currency: str(pay.currency) }
        : { summary: `Payment received ${how}`, amount: here, currency: str(pay.currency) };
    }
    case "payment.allocated": {
      const here = allocatedHere(p.newAllocations, invoiceId);
      if (here === null) return null;
      return { summary: "Earlier payment allocated to this invoice", amount: here, currency: str(obj(p.payment).currency) };
    }
    default:
      return { summary: type.replaceAll(/[._]/g, " "), amount: null, currency: null };
  }
}
