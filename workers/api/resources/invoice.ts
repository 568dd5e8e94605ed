import { z } from "zod";
import type { InvoiceLineRow, InvoiceWithLines } from "../../db/invoices.ts";
import { agingBucketOf, AGING_BUCKETS, daysPastDue, isOverdue } from "../../domain/aging.ts";
import { milliToQuantity } from "../../domain/invoice-totals.ts";
import { balanceDue, INVOICE_STATUSES, type InvoiceStatus } from "../../domain/settlement.ts";
import { TAX_CATEGORIES } from "../../domain/tax.ts";
import { displayMinorUnits } from "../../domain/currency.ts";
import { Amount, Currency, Id, IsoDate } from "./common.ts";
import { BuyerSnapshot, parseBuyer, parseSeller, SellerSnapshot } from "./party.ts";

const TaxCategory = z.enum(TAX_CATEGORIES);

export const InvoiceLine = z.object({
  position: z.number().int(),
  description: z.string(),
  quantity: z.number(),
  unitPrice: Amount,
  discountPercent: z.number(),
  discountAmount: Amount,
  netAmount: Amount,
  serviceTypeId: z.string().nullable(),
  taxCategory: TaxCategory,
  taxRate: z.string().describe("percentage as a decimal string, e.g. \"21\" or \"8.875\""),
  servicePeriod: z.object({ start: IsoDate, end: IsoDate }).nullable(),
});

export const TaxBreakdown = z.array(z.object({ category: TaxCategory, taxRate: z.string(), taxableAmount: Amount, taxAmount: Amount }));

export const Invoice = z.object({
  id: Id("inv"),
  number: z.string().nullable().describe("null while draft"),
  status: z.enum(INVOICE_STATUSES),
  branchId: z.string(),
  customerId: z.string(),
  currency: Currency,
  minorUnits: z.number().int().describe("the currency's ISO 4217 minor-unit exponent: amounts are in 10^-minorUnits of it"),
  issueDate: IsoDate.nullable(),
  taxPointDate: IsoDate.nullable().describe("the tax point whose rates the invoice carries: the one given, else the issue date (null on a draft with neither)"),
  dueDate: IsoDate.nullable(),
  dueInDays: z.number().int().nullable(),
  subtotal: Amount,
  taxTotal: Amount,
  total: Amount,
  amountPaid: Amount,
  amountCredited: Amount,
  balanceDue: Amount,
  overdue: z.boolean(),
  daysPastDue: z.number().int(),
  agingBucket: z.enum(AGING_BUCKETS).nullable(),
  taxBreakdown: TaxBreakdown,
  seller: SellerSnapshot.nullable().describe("frozen at issue; null while draft (the branch's current legal entity applies until then)"),
  buyer: BuyerSnapshot.nullable().describe("frozen at issue; null while draft (the customer's current details apply until then)"),
  memo: z.string().nullable(),
  voidReason: z.string().nullable(),
  lines: z.array(InvoiceLine),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  issuedAt: z.string().nullable(),
  voidedAt: z.string().nullable(),
}).meta({ id: "Invoice" });
export type InvoiceResource = z.infer<typeof Invoice>;

/** 210000 ppm → "21"; 88750 → "8.875". Exact: rates are stored as integers. */
export function ppmToPercent(ppm: number): string {
  const whole = Math.floor(ppm / 10_000);
  const frac = String(ppm % 10_000).padStart(4, "0").replace(/0+$/, "");
  return frac === "" ? String(whole) : `${whole}.${frac}`;
}

/** The stored JSON breakdown ([{ category, ratePpm, taxableAmount, taxAmount }]) as the API shows it. */
export function taxBreakdownResource(json: string): z.infer<typeof TaxBreakdown> {
  const groups = JSON.parse(json) as Array<{ category: z.infer<typeof TaxCategory>; ratePpm: number; taxableAmount: number; taxAmount: number }>;
  return groups.map((g) => ({ category: g.category, taxRate: ppmToPercent(g.ratePpm), taxableAmount: g.taxableAmount, taxAmount: g.taxAmount }));
}

const lineResource = (l: InvoiceLineRow): z.infer<typeof InvoiceLine> => ({
  position: l.position,
  description: l.description,
  quantity: milliToQuantity(l.quantityMilli),
  unitPrice: l.unitPrice,
  discountPercent: l.discountBps / 100,
  discountAmount: l.discountAmount,
  netAmount: l.netAmount,
  serviceTypeId: l.serviceTypeId,
  taxCategory: l.taxCategory as z.infer<typeof TaxCategory>,
  taxRate: ppmToPercent(l.taxRatePpm),
  servicePeriod: l.servicePeriodStart && l.servicePeriodEnd ? { start: l.servicePeriodStart, end: l.servicePeriodEnd } : null,
});

/** `today` is the branch's local date: overdue and aging are derived, never stored. */
export function invoiceResource({ invoice: i, lines }: InvoiceWithLines, today: string): InvoiceResource {
  const status = i.status as InvoiceStatus;
  const settleable = { status, total: i.total, amountPaid: i.amountPaid, amountCredited: i.amountCredited, dueDate: i.dueDate };
  const overdue = isOverdue(settleable, today);
  return {
    id: i.id,
    number: i.number,
    status,
    branchId: i.branchId,
    customerId: i.customerId,
    currency: i.currency,
    minorUnits: displayMinorUnits(i.currency),
    issueDate: i.issueDate,
    taxPointDate: i.taxPointDate ?? i.issueDate,
    dueDate: i.dueDate,
    dueInDays: i.dueInDays,
    subtotal: i.subtotal,
    taxTotal: i.taxTotal,
    total: i.total,
    amountPaid: i.amountPaid,
    amountCredited: i.amountCredited,
    balanceDue: balanceDue(settleable),
    overdue,
    daysPastDue: overdue && i.dueDate ? daysPastDue(i.dueDate, today) : 0,
    agingBucket: (status === "issued" || status === "partially_paid") && i.dueDate ? agingBucketOf(i.dueDate, today) : null,
    taxBreakdown: taxBreakdownResource(i.taxBreakdown),
    seller: parseSeller(i.seller),
    buyer: parseBuyer(i.buyer),
    memo: i.memo,
    voidReason: i.voidReason,
    lines: lines.map(lineResource),
    version: i.version,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    issuedAt: i.issuedAt,
    voidedAt: i.voidedAt,
  };
}

export const CreateInvoiceBody = z
  .object({
    customerId: Id("cus"),
    branchId: Id("br"),
    currency: Currency,
    issueDate: IsoDate.optional().describe("legal date in the branch's timezone, at most 366 days after today (422 issue_date_too_far_ahead); defaults to the day it is issued. Issuing waits until this date."),
    taxPointDate: IsoDate.optional().describe("the tax point (date of supply) when it is not the issue date: it chooses the tax rate. Not after the issue date (422 tax_point_after_issue), at most 366 days before it (422 tax_point_too_early). Default: the issue date."),
    dueDate: IsoDate.optional(),
    dueInDays: z.number().int().min(0).max(365).optional().describe("default 30 when no dueDate"),
    memo: z.string().max(1000).optional(),
    lines: z
      .array(
        z
          .object({
            description: z.string().trim().min(1).max(500),
            quantity: z.number().positive().max(1_000_000).meta({ multipleOf: 0.001, description: "at most three decimals" }),
            unitPrice: Amount,
            serviceTypeId: Id("st").optional(),
            taxCategory: TaxCategory.optional().describe("defaults to the service type's category, else standard"),
            discountPercent: z.number().min(0).max(100).optional(),
            discountAmount: Amount.optional(),
            servicePeriod: z.object({ start: IsoDate, end: IsoDate }).strict().optional(),
          })
          .strict(),
      )
      .min(1)
      .max(200),
  })
  .strict()
  .meta({ id: "CreateInvoiceRequest" });

export const VoidInvoiceBody = z.object({ reason: z.string().trim().min(1).max(500) }).strict().meta({ id: "VoidInvoiceRequest" });

/** `q` on the invoice list: printable text only, so a pasted control character is a clear 400, not a silent miss. */
export const InvoiceSearch = z
  .string()
  .trim()
  .min(1, "must not be blank")
  .max(100, "must be at most 100 characters")
  .regex(/^[^\p{Cc}]*$/u, "must not contain control characters")
  .describe("search: an invoice number (exact or prefix, e.g. MAD1-0053) or part of the customer's name; case-insensitive (ASCII)");
