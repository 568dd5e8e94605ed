// Recording a payment and allocating it to one or more open invoices of the same customer.
import { invalid } from "../domain/errors.ts";
import { checkAllocations, type PaymentInput } from "../domain/payment-allocation.ts";
import type { InvoiceStatus } from "../domain/settlement.ts";
import { runBatch } from "../db/batch.ts";
import { idempotencyCommit } from "../db/idempotency.ts";
import { getCustomer } from "../db/customers.ts";
import { newId } from "../db/ids.ts";
import { getInvoicesByIds } from "../db/invoices.ts";
import { paymentStatements } from "../db/payments.ts";
import type { BillingContext } from "./context.ts";

export interface RecordPaymentInput extends PaymentInput {
  receivedAt?: string | undefined;
  method: string;
  reference?: string | undefined;
}

export async function recordPayment(ctx: BillingContext, input: RecordPaymentInput): Promise<string> {
  const customer = await getCustomer(ctx.db, ctx.franchiseId, input.customerId);
  if (!customer) throw invalid("unknown_customer", "customerId", `customer ${input.customerId} does not exist`);
  const now = ctx.clock.now();
  const receivedAt = input.receivedAt ? new Date(input.receivedAt) : now;
  if (receivedAt.getTime() > now.getTime() + 5 * 60_000) throw invalid("received_in_future", "receivedAt", "receivedAt cannot be in the future");
  // A branch-limited actor records only payments for their branches' invoices: unallocated money
  // would become franchise-wide customer credit, and invoices of other branches are unknown to them.
  if (ctx.branchScope && input.allocations.length === 0) throw invalid("allocation_required", "allocations", "a branch manager's payment must be allocated to invoices of their branches");
  const invoices = await getInvoicesByIds(ctx.db, ctx.franchiseId, input.allocations.map((a) => a.invoiceId), ctx.branchScope);
  checkAllocations(input, new Map(invoices.map((i) => [i.id, { ...i, status: i.status as InvoiceStatus }])));
  const id = newId("pay", now.getTime());
  await runBatch(ctx.db, [
    ...paymentStatements(
      ctx.db,
      {
        id,
        franchiseId: ctx.franchiseId,
        customerId: input.customerId,
        currency: input.currency,
        amount: input.amount,
        receivedAt: receivedAt.toISOString(),
        method: input.method,
        reference: input.reference ?? null,
        allocations: input.allocations,
      },
      now.toISOString(),
      ctx.actor,
    ),
    ...idempotencyCommit(ctx.db, ctx.idempotency, "payment.recorded", id),
  ]);
  return id;
}
