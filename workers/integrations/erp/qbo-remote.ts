// QuickBooks documents in the neutral shapes of ./apply.ts (what CDC returns for Invoice and
// Payment). Only here does QBO's vocabulary appear inbound.
import { fromQboAmount } from "../../domain/erp/qbo-documents.ts";
import type { RemoteInvoice, RemotePayment } from "./apply.ts";
import type { RemoteContact } from "./apply-contact.ts";
import { normalContact } from "../../domain/erp/contact-changes.ts";
import { QBO_CONTACT_FIELDS } from "./qbo-contacts.ts";
import { qboSnapshot } from "./qbo-sync.ts";

type Json = Record<string, unknown>;
const lastUpdated = (doc: Json) => String((doc.MetaData as Json | undefined)?.LastUpdatedTime ?? "");

/**
 * An invoice as QBO has it. QBO keeps one Balance for payments and applied credit memos alike,
 * so the paid amount is what the balance lost beyond Ledgerline's own credits (synced as
 * allocations); a deleted invoice counts as voided.
 */
export function remoteQboInvoice(doc: Json, currency: string, creditedHere: number): RemoteInvoice {
  if (doc.status === "Deleted") return { remoteId: String(doc.Id), version: `deleted@${lastUpdated(doc)}`, view: { status: "void", total: 0, amountPaid: 0 } };
  const snap = qboSnapshot(doc, currency);
  return {
    remoteId: snap.remoteId,
    // SyncToken moves on every write: one version per state QBO has held.
    version: `${snap.syncToken}@${lastUpdated(doc)}`,
    view: { status: snap.status === "voided" ? "void" : snap.status, total: snap.total, amountPaid: Math.max(0, snap.total - snap.balance - creditedHere) },
  };
}

/**
 * The money a QBO Payment applies to invoices, one RemotePayment per invoice line. Ours are
 * skipped (sent from Ledgerline, PrivateNote "Ledgerline …", even before their id came back), and
 * so are credit-memo applications (no money received). A payment split over several invoices
 * is one decision per line, its id suffixed with the invoice's.
 */
export function remoteQboPayments(doc: Json): RemotePayment[] {
  if (doc.status === "Deleted" || String(doc.PrivateNote ?? "").startsWith("Ledgerline ")) return [];
  const lines = ((doc.Line as Json[] | undefined) ?? []).map((l) => ({ amount: Number(l.Amount ?? 0), linked: ((l.LinkedTxn as Json[] | undefined) ?? [])[0] }));
  if (lines.some((l) => l.linked?.TxnType === "CreditMemo")) return [];
  const onInvoices = lines.filter((l) => l.linked?.TxnType === "Invoice");
  const currency = String((doc.CurrencyRef as Json | undefined)?.value ?? "EUR");
  const receivedAt = typeof doc.TxnDate === "string" && /^\d{4}-\d{2}-\d{2}$/.test(doc.TxnDate) ? `${doc.TxnDate}T00:00:00.000Z` : new Date(Date.parse(lastUpdated(doc)) || 0).toISOString();
  return onInvoices.map((l) => ({
    remoteId: onInvoices.length === 1 ? String(doc.Id) : `${String(doc.Id)}:${String(l.linked!.TxnId)}`,
    remoteInvoiceId: String(l.linked!.TxnId),
    amount: fromQboAmount(l.amount, currency),
    currency,
    receivedAt,
  }));
}

/** A QBO customer as a contact: its display name and primary email (no tax number is kept on it). */
export function remoteQboContact(doc: Json): RemoteContact {
  return {
    remoteId: String(doc.Id),
    version: `${String(doc.SyncToken ?? "")}@${lastUpdated(doc)}`,
    view: normalContact({ name: doc.DisplayName, email: (doc.PrimaryEmailAddr as Json | undefined)?.Address, taxId: null }),
    carried: QBO_CONTACT_FIELDS,
  };
}
