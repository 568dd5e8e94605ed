import { z } from "zod";
import type { CreditNoteWithLines } from "../../db/credit-notes.ts";
import { milliToQuantity } from "../../domain/invoice-totals.ts";
import { TAX_CATEGORIES } from "../../domain/tax.ts";
import { Amount, Currency, Id, IsoDate } from "./common.ts";
import { ppmToPercent, TaxBreakdown, taxBreakdownResource } from "./invoice.ts";
import { BuyerSnapshot, parseBuyer, parseSeller, SellerSnapshot } from "./party.ts";

export const CreditNote = z.object({
  id: Id("cn"),
  number: z.string(),
  invoiceId: z.string(),
  branchId: z.string(),
  customerId: z.string(),
  currency: Currency,
  reason: z.string(),
  issueDate: IsoDate,
  subtotal: Amount,
  taxTotal: Amount,
  total: Amount,
  taxBreakdown: TaxBreakdown,
  seller: SellerSnapshot.nullable().describe("copied from the invoice"),
  buyer: BuyerSnapshot.nullable().describe("copied from the invoice"),
  lines: z.array(
    z.object({
      position: z.number().int(),
      description: z.string(),
      quantity: z.number(),
      unitPrice: Amount,
      netAmount: Amount,
      taxCategory: z.enum(TAX_CATEGORIES),
      taxRate: z.string(),
    }),
  ),
  createdAt: z.string(),
}).meta({ id: "CreditNote" });

export function creditNoteResource({ creditNote: c, lines }: CreditNoteWithLines): z.infer<typeof CreditNote> {
  return {
    id: c.id,
    number: c.number,
    invoiceId: c.invoiceId,
    branchId: c.branchId,
    customerId: c.customerId,
    currency: c.currency,
    reason: c.reason,
    issueDate: c.issueDate,
    subtotal: c.subtotal,
    taxTotal: c.taxTotal,
    total: c.total,
    taxBreakdown: taxBreakdownResource(c.taxBreakdown),
    seller: parseSeller(c.seller),
    buyer: parseBuyer(c.buyer),
    lines: lines.map((l) => ({
      position: l.position,
      description: l.description,
      quantity: milliToQuantity(l.quantityMilli),
      unitPrice: l.unitPrice,
      netAmount: l.netAmount,
      taxCategory: l.taxCategory as (typeof TAX_CATEGORIES)[number],
      taxRate: ppmToPercent(l.taxRatePpm),
    })),
    createdAt: c.createdAt,
  };
}

export const CreateCreditNoteBody = z
  .object({
    invoiceId: Id("inv"),
    reason: z.string().trim().min(1).max(500),
    lines: z
      .array(
        z
          .object({
            description: z.string().trim().min(1).max(500),
            quantity: z.number().positive().max(1_000_000).meta({ multipleOf: 0.001, description: "at most three decimals" }),
            unitPrice: Amount,
            taxCategory: z.enum(TAX_CATEGORIES).optional().describe("needed only when the invoice has several tax categories"),
          })
          .strict(),
      )
      .min(1)
      .max(200),
  })
  .strict()
  .meta({ id: "CreateCreditNoteRequest" });
