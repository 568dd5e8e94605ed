// Where an issued invoice stands once payments and credit notes are applied to it.

export const INVOICE_STATUSES = ["draft", "issued", "partially_paid", "paid", "void"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export interface Settleable {
  status: InvoiceStatus;
  total: number;
  amountPaid: number;
  amountCredited: number;
}

export const OPEN_STATUSES: ReadonlySet<InvoiceStatus> = new Set(["issued", "partially_paid"]);

export function isOpen(status: InvoiceStatus): boolean {
  return OPEN_STATUSES.has(status);
}

/** What the customer still owes. Drafts and void invoices owe nothing. */
export function balanceDue(invoice: Settleable): number {
  if (invoice.status === "draft" || invoice.status === "void") return 0;
  return invoice.total - invoice.amountPaid - invoice.amountCredited;
}

/**
 * The status of an issued invoice given what has been paid and credited. The settle triggers of
 * migration 0001 apply this same rule inside D1 (where concurrent writers meet); this is its spec.
 */
export function settlementStatus(total: number, amountPaid: number, amountCredited: number): InvoiceStatus {
  const settled = amountPaid + amountCredited;
  if (settled >= total) return "paid";
  return settled > 0 ? "partially_paid" : "issued";
}
