import { z } from "zod";
import { AGING_BUCKETS } from "../../domain/aging.ts";
import { displayMinorUnits } from "../../domain/currency.ts";
import type { AgingReport } from "../../billing/receivables.ts";
import { Amount } from "./common.ts";

const Tally = z.object({ amount: Amount, count: z.number().int().min(0).describe("open invoices") });

export const ReceivablesAging = z
  .object({
    asOf: z.string().nullable().describe("the date aged against; null: each branch's own today in its timezone"),
    branchId: z.string().nullable(),
    currencies: z.array(
      z.object({
        currency: z.string(),
        minorUnits: z.number().int(),
        buckets: z
          .array(z.object({ bucket: z.enum(AGING_BUCKETS), amount: Amount, count: z.number().int().min(0) }))
          .describe("always all five, in order: current (not yet due or due today), 1-30, 31-60, 61-90, 90+ days past due"),
        total: Tally.describe("all open balances"),
        overdue: Tally.describe("past due only"),
      }),
    ),
    topOverdueCustomers: z
      .array(
        z.object({
          customerId: z.string(),
          customerName: z.string(),
          currency: z.string(),
          minorUnits: z.number().int(),
          amount: Amount.describe("overdue balance in this currency"),
          invoices: z.number().int().min(1),
          oldestDaysPastDue: z.number().int().min(1),
        }),
      )
      .describe("largest overdue balance first, per customer and currency"),
  })
  .meta({ id: "ReceivablesAging" });

export function receivablesAgingResource(report: AgingReport, asOf: string | null, branchId: string | null): z.infer<typeof ReceivablesAging> {
  return {
    asOf,
    branchId,
    currencies: report.currencies.map((c) => ({ ...c, minorUnits: displayMinorUnits(c.currency) })),
    topOverdueCustomers: report.topOverdueCustomers.map((t) => ({ ...t, minorUnits: displayMinorUnits(t.currency) })),
  };
}
