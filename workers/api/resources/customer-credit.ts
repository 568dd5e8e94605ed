import { z } from "zod";
import type { CustomerBalance } from "../../domain/customer-ledger.ts";
import { displayMinorUnits } from "../../domain/currency.ts";
import type { RefundRow } from "../../db/customer-credit.ts";
import { Amount, Currency, Id } from "./common.ts";
import { PAYMENT_METHODS } from "./payment.ts";

const SignedAmount = z.number().int().describe("integer amount in the currency's minor unit");

export const CurrencyBalance = z.object({
  currency: Currency,
  minorUnits: z.number().int().describe("ISO 4217 minor-unit exponent: amounts are in 10^-minorUnits of the currency"),
  openBalance: Amount.describe("what the customer's open invoices still owe"),
  creditBalance: Amount.describe("what we hold for the customer: unallocated payments and credit notes beyond their invoice, less refunds and credit applied"),
  invoiced: Amount,
  credited: Amount,
  paid: Amount,
  refunded: Amount,
  net: SignedAmount.describe("invoiced − credited − paid + refunded = openBalance − creditBalance"),
}).meta({ id: "CurrencyBalance" });

export const CustomerBalanceResource = z.object({ customerId: Id("cus"), balances: z.array(CurrencyBalance) }).meta({ id: "CustomerBalance" });

export function customerBalanceResource(customerId: string, rows: Array<CustomerBalance & { currency: string }>): z.infer<typeof CustomerBalanceResource> {
  return {
    customerId,
    balances: rows.map((b) => ({ ...b, minorUnits: displayMinorUnits(b.currency), net: b.invoiced - b.credited - b.paid + b.refunded })),
  };
}

export const AllocatePaymentBody = z
  .object({ allocations: z.array(z.object({ invoiceId: Id("inv"), amount: Amount.min(1) }).strict()).min(1).max(50) })
  .strict()
  .meta({ id: "AllocatePaymentRequest" });

export const ApplyCreditBody = z.object({ invoiceId: Id("inv"), amount: Amount.min(1) }).strict().meta({ id: "ApplyCreditRequest" });

export const Refund = z.object({
  id: Id("rf"),
  customerId: z.string(),
  currency: Currency,
  amount: Amount,
  refundedAt: z.string(),
  method: z.enum(PAYMENT_METHODS),
  reference: z.string().nullable(),
  createdAt: z.string(),
}).meta({ id: "Refund" });

export const refundResource = (r: RefundRow): z.infer<typeof Refund> => ({
  id: r.id,
  customerId: r.customerId,
  currency: r.currency,
  amount: r.amount,
  refundedAt: r.refundedAt,
  method: r.method as (typeof PAYMENT_METHODS)[number],
  reference: r.reference,
  createdAt: r.createdAt,
});

export const CreateRefundBody = z
  .object({
    customerId: Id("cus"),
    currency: Currency,
    amount: Amount.min(1),
    refundedAt: z.iso.datetime({ offset: true }).optional().describe("when the money left; defaults to now"),
    method: z.enum(PAYMENT_METHODS).default("bank_transfer"),
    reference: z.string().max(200).optional(),
  })
  .strict()
  .meta({ id: "CreateRefundRequest" });
