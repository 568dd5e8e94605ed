import { z } from "zod";
import type { PaymentWithAllocations } from "../../db/payments.ts";
import { Amount, Currency, Id } from "./common.ts";

export const PAYMENT_METHODS = ["card", "bank_transfer", "direct_debit", "cash", "check", "other"] as const;

export const Payment = z.object({
  id: Id("pay"),
  customerId: z.string(),
  currency: Currency,
  amount: Amount,
  unallocatedAmount: Amount,
  receivedAt: z.string(),
  method: z.enum(PAYMENT_METHODS),
  reference: z.string().nullable(),
  allocations: z.array(z.object({ invoiceId: z.string(), amount: Amount })),
  createdAt: z.string(),
}).meta({ id: "Payment" });

export function paymentResource({ payment: p, allocations }: PaymentWithAllocations): z.infer<typeof Payment> {
  const allocated = allocations.reduce((a, x) => a + x.amount, 0);
  return {
    id: p.id,
    customerId: p.customerId,
    currency: p.currency,
    amount: p.amount,
    unallocatedAmount: p.amount - allocated,
    receivedAt: p.receivedAt,
    method: p.method as (typeof PAYMENT_METHODS)[number],
    reference: p.reference,
    allocations: allocations.map((a) => ({ invoiceId: a.invoiceId, amount: a.amount })),
    createdAt: p.createdAt,
  };
}

export const CreatePaymentBody = z
  .object({
    customerId: Id("cus"),
    currency: Currency,
    amount: Amount.min(1),
    receivedAt: z.iso.datetime({ offset: true }).optional().describe("when the money arrived; defaults to now"),
    method: z.enum(PAYMENT_METHODS).default("bank_transfer"),
    reference: z.string().max(200).optional(),
    allocations: z.array(z.object({ invoiceId: Id("inv"), amount: Amount.min(1) }).strict()).max(50).default([]),
  })
  .strict()
  .meta({ id: "CreatePaymentRequest" });
