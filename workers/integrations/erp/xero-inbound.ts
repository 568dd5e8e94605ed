// Xero's documents in the neutral shapes of ./apply.ts: an invoice's status, total and paid
// amount; a payment's invoice, amount and date; a contact's name, email and tax number. Only here does Xero's vocabulary appear inbound.
import { fromXeroAmount } from "../../domain/erp/xero-documents.ts";
import { normalContact } from "../../domain/erp/contact-changes.ts";
import { statusView, type RemoteInvoice, type RemotePayment } from "./apply.ts";
import type { RemoteContact } from "./apply-contact.ts";

type Json = Record<string, unknown>;

/** "/Date(1700000000000+0000)/" → ISO; anything else that parses, as is. */
export function fromXeroDate(value: unknown): string | null {
  const m = /\/Date\((-?\d+)/.exec(String(value ?? ""));
  if (m) return new Date(Number(m[1])).toISOString();
  const t = Date.parse(String(value ?? ""));
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

export function remoteInvoiceOf(doc: Json, currency: string): RemoteInvoice {
  return {
    remoteId: String(doc.InvoiceID),
    version: fromXeroDate(doc.UpdatedDateUTC) ?? "",
    view: {
      status: statusView(String(doc.Status ?? "")),
      total: fromXeroAmount(Number(doc.Total ?? 0), currency),
      amountPaid: fromXeroAmount(Number(doc.AmountPaid ?? 0), currency),
    },
  };
}

/** Null for what is not money received against an invoice (deleted payments, credit-note refunds). */
export function remotePaymentOf(doc: Json): RemotePayment | null {
  const invoice = doc.Invoice as Json | undefined;
  if (!invoice || typeof invoice.InvoiceID !== "string" || doc.Status === "DELETED") return null;
  const currency = String(invoice.CurrencyCode ?? doc.CurrencyCode ?? "EUR");
  const date = fromXeroDate(doc.Date) ?? fromXeroDate(doc.UpdatedDateUTC) ?? new Date().toISOString();
  return {
    remoteId: String(doc.PaymentID),
    remoteInvoiceId: invoice.InvoiceID,
    amount: fromXeroAmount(Number(doc.Amount ?? 0), currency),
    currency,
    receivedAt: date,
  };
}

export function remoteContactOf(doc: Json): RemoteContact {
  return {
    remoteId: String(doc.ContactID),
    version: fromXeroDate(doc.UpdatedDateUTC) ?? "",
    view: normalContact({ name: doc.Name, email: doc.EmailAddress, taxId: doc.TaxNumber }),
  };
}
