// Customer credit use cases: allocating a payment's remainder later, applying credit to an open
// invoice, refunding credit, and reading the balance. Each checks in JS for a clear 4xx, then
// writes one batch whose triggers re-check the pool (customer_credit migration) against races.
import { conflict, DomainError, invalid, notFound } from "../domain/errors.ts";
import { assertWithinCredit, balanceFromSums, type CustomerBalance } from "../domain/customer-ledger.ts";
import { assertAmount } from "../domain/money.ts";
import { checkAllocations } from "../domain/payment-allocation.ts";
import { balanceDue, isOpen, type InvoiceStatus } from "../domain/settlement.ts";
import { isBatchAssertionFailure, runBatch, type Statement } from "../db/batch.ts";
import { getCustomer } from "../db/customers.ts";
import { creditApplicationStatements, laterAllocationStatements, ledgerSums, refundStatements } from "../db/customer-credit.ts";
import { newId } from "../db/ids.ts";
import { getInvoice, getInvoicesByIds } from "../db/invoices.ts";
import { getPayment } from "../db/payments.ts";
import { idempotencyCommit } from "../db/idempotency.ts";
import type { BillingContext } from "./context.ts";

export async function customerBalances(ctx: BillingContext, customerId: string): Promise<Array<CustomerBalance & { currency: string }>> {
  if (!(await getCustomer(ctx.db, ctx.franchiseId, customerId))) throw notFound("customer", customerId);
  return (await ledgerSums(ctx.db, ctx.franchiseId, customerId)).map((s) => ({ currency: s.currency, ...balanceFromSums(s) }));
}

async function creditBalanceOf(ctx: BillingContext, customerId: string, currency: string): Promise<number> {
  const sums = (await ledgerSums(ctx.db, ctx.franchiseId, customerId)).find((s) => s.currency === currency);
  return sums ? balanceFromSums(sums).creditBalance : 0;
}

async function runGuarded(ctx: BillingContext, statements: Statement[], onAssertion: () => Error): Promise<void> {
  try {
    await runBatch(ctx.db, statements);
  } catch (error) {
    if (isBatchAssertionFailure(error)) throw onAssertion();
    throw error;
  }
}

/** Allocates (more of) a payment's unallocated remainder to open invoices of its customer and currency. */
export async function allocatePayment(ctx: BillingContext, paymentId: string, allocations: ReadonlyArray<{ invoiceId: string; amount: number }>): Promise<void> {
  const found = await getPayment(ctx.db, ctx.franchiseId, paymentId);
  if (!found) throw notFound("payment", paymentId);
  const { payment } = found;
  if (allocations.length === 0) throw invalid("no_allocations", "allocations", "give at least one allocation");
  const remainder = payment.amount - found.allocations.reduce((a, x) => a + x.amount, 0);
  if (remainder === 0) throw conflict("payment_fully_allocated", "the payment has no unallocated amount left");
  const invoices = await getInvoicesByIds(ctx.db, ctx.franchiseId, allocations.map((a) => a.invoiceId), ctx.branchScope);
  const left = checkAllocations(
    { customerId: payment.customerId, currency: payment.currency, amount: remainder, allocations },
    new Map(invoices.map((i) => [i.id, { ...i, status: i.status as InvoiceStatus }])),
  );
  // The remainder may already have been refunded: the customer's pool is the other limit.
  assertWithinCredit(remainder - left, await creditBalanceOf(ctx, payment.customerId, payment.currency), "allocations");
  await runGuarded(ctx, [...laterAllocationStatements(ctx.db, payment, found.allocations, allocations, ctx.clock.now().toISOString(), ctx.actor), ...idempotencyCommit(ctx.db, ctx.idempotency, "payment.allocated", paymentId)], () =>
    conflict("payment_changed", "the payment was allocated concurrently; read it again"),
  );
}

/** Applies customer credit (in the invoice's currency) to one of the customer's open invoices. */
export async function applyCustomerCredit(ctx: BillingContext, customerId: string, input: { invoiceId: string; amount: number }): Promise<string> {
  if (!(await getCustomer(ctx.db, ctx.franchiseId, customerId))) throw notFound("customer", customerId);
  assertAmount(input.amount, "amount", { allowZero: false });
  const found = await getInvoice(ctx.db, ctx.franchiseId, input.invoiceId, ctx.branchScope);
  if (!found) throw invalid("unknown_invoice", "invoiceId", `invoice ${input.invoiceId} does not exist`);
  const { invoice } = found;
  if (invoice.customerId !== customerId) throw invalid("invoice_of_other_customer", "invoiceId", "the invoice belongs to another customer");
  const settleable = { status: invoice.status as InvoiceStatus, total: invoice.total, amountPaid: invoice.amountPaid, amountCredited: invoice.amountCredited };
  if (!isOpen(settleable.status)) throw conflict("invoice_not_open", `the invoice is ${invoice.status}`);
  const open = balanceDue(settleable);
  if (input.amount > open) throw invalid("over_allocation", "amount", `only ${open} is open on invoice ${invoice.id}`);
  assertWithinCredit(input.amount, await creditBalanceOf(ctx, customerId, invoice.currency), "amount");
  await runGuarded(ctx, [...creditApplicationStatements(ctx.db, invoice, input.amount, ctx.clock.now().toISOString(), ctx.actor), ...idempotencyCommit(ctx.db, ctx.idempotency, "credit.applied", invoice.id)], () =>
    conflict("invoice_changed", "the invoice changed while credit was being applied; read it again"),
  );
  return invoice.id;
}

export interface RefundInput {
  customerId: string;
  currency: string;
  amount: number;
  method: string;
  reference?: string | undefined;
  refundedAt?: string | undefined;
}

/** Records money paid back to the customer out of their credit in that currency. */
export async function recordRefund(ctx: BillingContext, input: RefundInput): Promise<string> {
  // Customer credit is franchise money, not any one branch's: a branch-limited actor cannot pay it out.
  if (ctx.branchScope) throw new DomainError("forbidden", "refund_needs_all_branches", "refunds pay out franchise-wide customer credit; a branch manager cannot record them");
  if (!(await getCustomer(ctx.db, ctx.franchiseId, input.customerId))) throw invalid("unknown_customer", "customerId", `customer ${input.customerId} does not exist`);
  assertAmount(input.amount, "amount", { allowZero: false });
  const now = ctx.clock.now();
  const refundedAt = input.refundedAt ? new Date(input.refundedAt) : now;
  if (refundedAt.getTime() > now.getTime() + 5 * 60_000) throw invalid("refunded_in_future", "refundedAt", "refundedAt cannot be in the future");
  assertWithinCredit(input.amount, await creditBalanceOf(ctx, input.customerId, input.currency), "amount", "refund_exceeds_credit");
  const id = newId("rf", now.getTime());
  await runBatch(ctx.db, [
    ...refundStatements(
      ctx.db,
      { id, franchiseId: ctx.franchiseId, customerId: input.customerId, currency: input.currency, amount: input.amount, refundedAt: refundedAt.toISOString(), method: input.method, reference: input.reference ?? null },
      now.toISOString(),
      ctx.actor,
    ),
    ...idempotencyCommit(ctx.db, ctx.idempotency, "refund.recorded", id),
  ]);
  return id;
}

