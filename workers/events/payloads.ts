// The payload of every domain event, in one place. Each carries the whole aggregate as it is
// after the change, so no consumer has to read the source back (and see a later state). Units
// are the stored integers (minor units, quantity in thousandths, rates in ppm, discounts in bps)
// so the canonical JSON stays exact. Documented in docs/events.md.
import type { ChannelRow, CustomerRow } from "../db/customers.ts";
import type { InvoiceLineRow, InvoiceRow } from "../db/invoices.ts";
import type { PaymentRow } from "../db/payments.ts";
import type { CreditNoteLine } from "../domain/credit-note.ts";
import type { TaxGroup } from "../domain/invoice-totals.ts";

type InvoiceFields = Pick<
  InvoiceRow,
  "id" | "number" | "status" | "branchId" | "customerId" | "currency" | "issueDate" | "dueDate" | "subtotal" | "taxTotal" | "total" | "amountPaid" | "amountCredited" | "memo" | "voidReason" | "version" | "issuedAt" | "voidedAt"
> & { taxBreakdown: readonly TaxGroup[] | string };

type InvoiceLineFields = Pick<
  InvoiceLineRow,
  "position" | "description" | "quantityMilli" | "unitPrice" | "discountBps" | "discountAmount" | "netAmount" | "serviceTypeId" | "taxCategory" | "taxRatePpm" | "servicePeriodStart" | "servicePeriodEnd"
>;

const breakdown = (b: readonly TaxGroup[] | string) => (typeof b === "string" ? (JSON.parse(b) as TaxGroup[]) : b).map((g) => ({ ...g }));

/** invoice.drafted / invoice.issued / invoice.voided */
export function invoicePayload(i: InvoiceFields, lines: readonly InvoiceLineFields[]) {
  return {
    invoice: {
      id: i.id,
      number: i.number,
      status: i.status,
      branchId: i.branchId,
      customerId: i.customerId,
      currency: i.currency,
      issueDate: i.issueDate,
      dueDate: i.dueDate,
      subtotal: i.subtotal,
      taxTotal: i.taxTotal,
      total: i.total,
      amountPaid: i.amountPaid,
      amountCredited: i.amountCredited,
      taxBreakdown: breakdown(i.taxBreakdown),
      memo: i.memo,
      voidReason: i.voidReason,
      version: i.version,
      issuedAt: i.issuedAt,
      voidedAt: i.voidedAt,
      lines: [...lines]
        .sort((a, b) => a.position - b.position)
        .map((l) => ({
          position: l.position,
          description: l.description,
          quantityMilli: l.quantityMilli,
          unitPrice: l.unitPrice,
          discountBps: l.discountBps,
          discountAmount: l.discountAmount,
          netAmount: l.netAmount,
          serviceTypeId: l.serviceTypeId,
          taxCategory: l.taxCategory,
          taxRatePpm: l.taxRatePpm,
          servicePeriodStart: l.servicePeriodStart,
          servicePeriodEnd: l.servicePeriodEnd,
        })),
    },
  };
}

export interface CreditNoteFields {
  id: string;
  number: string;
  invoiceId: string;
  branchId: string;
  customerId: string;
  currency: string;
  reason: string;
  issueDate: string;
  subtotal: number;
  taxTotal: number;
  total: number;
  /** The part of the total that settled the invoice (the rest became customer credit). */
  appliedToInvoice: number;
  taxBreakdown: readonly TaxGroup[];
}

/** credit_note.issued */
export function creditNotePayload(n: CreditNoteFields, lines: readonly CreditNoteLine[]) {
  return {
    creditNote: {
      ...n,
      taxBreakdown: breakdown(n.taxBreakdown),
      lines: lines.map((l) => ({ position: l.position, description: l.description, quantityMilli: l.quantityMilli, unitPrice: l.unitPrice, netAmount: l.netAmount, taxCategory: l.taxCategory, taxRatePpm: l.taxRatePpm })),
    },
  };
}

type PaymentFields = Pick<PaymentRow, "id" | "customerId" | "currency" | "amount" | "receivedAt" | "method" | "reference"> & {
  allocations: ReadonlyArray<{ invoiceId: string; amount: number }>;
};

/** payment.recorded and payment.allocated. Fields are picked, not spread: a row's other columns stay out. */
export function paymentPayload(p: PaymentFields) {
  return {
    payment: {
      id: p.id,
      customerId: p.customerId,
      currency: p.currency,
      amount: p.amount,
      receivedAt: p.receivedAt,
      method: p.method,
      reference: p.reference,
      allocations: p.allocations.map((a) => ({ invoiceId: a.invoiceId, amount: a.amount })),
    },
  };
}

type CustomerFields = Pick<
  CustomerRow,
  "id" | "homeBranchId" | "externalRef" | "name" | "email" | "phone" | "segment" | "language" | "timezone" | "taxId" | "status" | "version"
>;
type ChannelFields = Pick<ChannelRow, "channel" | "address" | "consent" | "consentAt" | "optedOutAt">;

/** customer.created, and customer.updated with the names of the fields that changed. */
export function customerPayload(c: CustomerFields, channels: readonly ChannelFields[], changedFields?: readonly string[]) {
  const customer = {
    id: c.id,
    homeBranchId: c.homeBranchId,
    externalRef: c.externalRef,
    name: c.name,
    email: c.email,
    phone: c.phone,
    segment: c.segment,
    language: c.language,
    timezone: c.timezone,
    taxId: c.taxId,
    status: c.status,
    version: c.version,
    channels: Object.fromEntries(
      channels.map((ch) => [ch.channel, { address: ch.address, consent: ch.consent, consentAt: ch.consentAt, optedOut: ch.optedOutAt !== null, optedOutAt: ch.optedOutAt }]),
    ),
  };
  return changedFields === undefined ? { customer } : { customer, changedFields: [...changedFields].sort() };
}

/** staff.created, staff.updated, staff.deactivated: the user as admins see it (never a password or its hash). */
export function staffUserPayload(u: { id: string; email: string; name: string; role: string; branchIds: readonly string[]; deactivatedAt: string | null; version: number }) {
  return { staffUser: { id: u.id, email: u.email, name: u.name, role: u.role, branchIds: [...u.branchIds].sort(), deactivatedAt: u.deactivatedAt, version: u.version } };
}
