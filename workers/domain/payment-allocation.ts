// Checks a payment's allocations against the invoices they settle. The database re-checks the
// same rules (migration 0001) so that two concurrent payments cannot over-settle an invoice.
import { DomainError, invalid } from "./errors.ts";
import { assertAmount } from "./money.ts";
import { balanceDue, isOpen, type Settleable } from "./settlement.ts";

export interface PaymentInput {
  customerId: string;
  currency: string;
  amount: number;
  allocations: ReadonlyArray<{ invoiceId: string; amount: number }>;
}

export interface AllocatableInvoice extends Settleable {
  id: string;
  customerId: string;
  currency: string;
}

export const MAX_ALLOCATIONS = 50;

/** Throws a validation error naming the first offending field; returns the unallocated remainder. */
export function checkAllocations(payment: PaymentInput, invoicesById: ReadonlyMap<string, AllocatableInvoice>): number {
  assertAmount(payment.amount, "amount", { allowZero: false });
  if (payment.allocations.length > MAX_ALLOCATIONS) throw invalid("too_many_allocations", "allocations", `at most ${MAX_ALLOCATIONS} allocations per payment`);
  const seen = new Set<string>();
  let allocated = 0;
  payment.allocations.forEach((allocation, i) => {
    const field = `allocations.${i}`;
    assertAmount(allocation.amount, `${field}.amount`, { allowZero: false });
    if (seen.has(allocation.invoiceId)) throw invalid("duplicate_allocation", `${field}.invoiceId`, "an invoice can appear only once per payment");
    seen.add(allocation.invoiceId);
    const invoice = invoicesById.get(allocation.invoiceId);
    if (!invoice) throw invalid("unknown_invoice", `${field}.invoiceId`, `invoice ${allocation.invoiceId} does not exist`);
    if (invoice.customerId !== payment.customerId) throw invalid("invoice_of_other_customer", `${field}.invoiceId`, "the invoice belongs to another customer");
    if (invoice.currency !== payment.currency) throw invalid("currency_mismatch", `${field}.invoiceId`, `the invoice is in ${invoice.currency}, the payment in ${payment.currency}`);
    // A state conflict (409), as on credit notes and in the database trigger: same code, same status.
    if (!isOpen(invoice.status)) throw new DomainError("conflict", "invoice_not_open", `the invoice is ${invoice.status}`, [{ field: `${field}.invoiceId`, message: `the invoice is ${invoice.status}` }]);
    const open = balanceDue(invoice);
    if (allocation.amount > open) throw invalid("over_allocation", `${field}.amount`, `only ${open} is open on invoice ${invoice.id}`);
    allocated += allocation.amount;
  });
  if (allocated > payment.amount) throw invalid("allocations_exceed_payment", "allocations", `allocations total ${allocated}, more than the payment's ${payment.amount}`);
  return payment.amount - allocated;
}
