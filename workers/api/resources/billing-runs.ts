// Billing runs (issue 13): the request, the run with its progress, and the list envelope.
import { z } from "zod";
import type { BillingRunItemRow, BillingRunRow } from "../../db/billing-runs.ts";
import { Id, IsoDate, listOf } from "./common.ts";
import { CreateInvoiceBody } from "./invoice.ts";

export const BILLING_RUN_STATUSES = ["queued", "running", "done", "failed"] as const;
/** Failed customers listed on a run (the rest are counted in `failed`). */
export const RUN_ERRORS_SHOWN = 100;

export const Period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a calendar month as YYYY-MM").describe("the billed calendar month, YYYY-MM");

export const CreateBillingRunBody = z
  .object({
    branchId: Id("br"),
    period: Period,
    source: z.enum(["agreements", "items"]).describe("agreements: the branch's recurring agreements billing in that month (prorated by day); items: the invoices given in `items`"),
    items: z
      .array(z.object({ customerId: Id("cus"), lines: CreateInvoiceBody.shape.lines }).strict())
      .min(1)
      .max(2000)
      .optional()
      .describe("source \"items\" only: one invoice per item, numbered in this order"),
  })
  .strict()
  .meta({ id: "CreateBillingRunRequest" });

export const BillingRunError = z.object({
  position: z.number().int().describe("the item's 0-based place in the run"),
  customerId: z.string(),
  code: z.string().describe("why this customer was not billed, e.g. tax_rate_missing, customer_archived, already_billed"),
  message: z.string(),
});

export const BillingRun = z
  .object({
    id: Id("brun"),
    branchId: z.string(),
    period: Period,
    source: z.enum(["agreements", "items"]),
    status: z.enum(BILLING_RUN_STATUSES),
    issueDate: IsoDate.describe("the date every invoice of the run is issued with"),
    planned: z.number().int().describe("invoices the run intends to create"),
    created: z.number().int(),
    issued: z.number().int(),
    failed: z.number().int().describe("customers that could not be billed (see errors)"),
    errors: z.array(BillingRunError).describe(`the first ${RUN_ERRORS_SHOWN} failed customers, in run order`),
    error: z.string().nullable().describe("why the run as a whole failed, when status is failed"),
    requestedBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    startedAt: z.string().nullable().describe("when the workflow picked the run up (null while queued)"),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: "BillingRun" });

export const BillingRunList = listOf(BillingRun, "BillingRunList");

export function billingRunResource(r: BillingRunRow, failures: BillingRunItemRow[]): z.infer<typeof BillingRun> {
  return {
    id: r.id,
    branchId: r.branchId,
    period: r.period,
    source: r.source as "agreements" | "items",
    status: r.status as (typeof BILLING_RUN_STATUSES)[number],
    issueDate: r.issueDate,
    planned: r.planned,
    created: r.created,
    issued: r.issued,
    failed: r.failed,
    errors: failures.map((f) => ({ position: f.position, customerId: f.customerId, code: f.errorCode ?? "failed", message: f.errorMessage ?? "" })),
    error: r.error,
    requestedBy: r.requestedBy,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  };
}
