// Analytics resources (issue 11): amounts are integer minor units, one row per currency; ratios
// are numbers with one decimal, or null when undefined (e.g. DSO with nothing billed).
import { z } from "zod";
import { Currency, Id, IsoDate } from "./common.ts";

const Money = z.number().int().describe("integer amount in the row currency's minor unit; may be negative for reversals");
const Ratio = z.number().nullable();
const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month as YYYY-MM");

export const DayPeriodQuery = {
  from: IsoDate.describe("first day of the period (inclusive)"),
  to: IsoDate.describe("last day of the period (inclusive); at most 3660 days after from"),
};
export const MonthPeriodQuery = {
  from: Month.describe("first month (inclusive), YYYY-MM"),
  to: Month.describe("last month (inclusive), YYYY-MM; at most 120 months"),
};
export const BranchFilter = { branchId: Id("br").optional().describe("only this branch (must be in the caller's scope)") };
export const ServiceTypeFilter = { serviceTypeId: Id("st").optional().describe("only lines of this service type") };
export const CurrencyFilter = { currency: Currency.optional().describe("only this currency") };

const figures = {
  billed: Money.describe("totals (incl. tax) of invoices issued in the period and not void"),
  collected: Money.describe("cash received in the period and applied to invoices (not credits)"),
  credited: Money.describe("credit note totals in the period"),
  recognized: Money.describe("net revenue recognized in the period"),
  outstanding: Money.describe("open receivables at the end of the period"),
  overdue: Money.describe("the part of outstanding past its due date"),
  overduePct: Ratio.describe("overdue / outstanding, %"),
  dso: Ratio.describe("days sales outstanding: outstanding / billed × days in the period"),
  avgDaysToPay: Ratio.describe("days from issue to payment, weighted by cash collected"),
};
const OverviewFigures = z.object(figures).meta({ id: "AnalyticsOverviewFigures" });
export const OverviewRow = z.object({ currency: z.string(), ...figures, previous: OverviewFigures.describe("the same for the preceding period of equal length") }).meta({ id: "AnalyticsOverviewRow" });
export const Overview = z.object({ data: z.array(OverviewRow) }).meta({ id: "AnalyticsOverview" });

export const RevenueMonth = z
  .object({
    month: z.string(),
    currency: z.string(),
    billed: Money.describe("net of tax, of invoices issued in the month"),
    credited: Money.describe("net of tax, of credit notes issued in the month"),
    recognized: Money.describe("net revenue recognized in the month"),
    deferredEnd: Money.describe("deferred revenue at the end of the month: previous + billed − credited − recognized"),
  })
  .meta({ id: "AnalyticsRevenueMonth" });
export const Revenue = z.object({ data: z.array(RevenueMonth) }).meta({ id: "AnalyticsRevenue" });

export const ProfitabilityRow = z
  .object({
    month: z.string(),
    currency: z.string(),
    serviceTypeId: z.string().nullable().describe("null: lines without a service type"),
    serviceTypeName: z.string(),
    costRateBps: z.number().int(),
    revenue: Money.describe("recognized net revenue"),
    cost: Money.describe("revenue × cost rate, rounded half up"),
    margin: Money,
    marginPct: Ratio,
  })
  .meta({ id: "AnalyticsProfitabilityRow" });
export const Profitability = z.object({ data: z.array(ProfitabilityRow) }).meta({ id: "AnalyticsProfitability" });

const measures = {
  growthPct: Ratio,
  dso: Ratio,
  cei: Ratio,
  overduePct: Ratio,
  avgDaysLate: Ratio,
  disputeRate: Ratio.describe("% of the invoices issued in the period (not void) disputed at least once, at any time up to now; null when none was issued"),
};
export const BranchComparisonRow = z
  .object({
    branchId: z.string(),
    code: z.string(),
    name: z.string(),
    currency: z.string(),
    rank: z.number().int().describe("by revenue, within the currency"),
    revenue: Money,
    revenuePrevious: Money,
    ...measures,
    invoicesIssued: z.number().int().describe("invoices issued in the period, not void: the dispute rate's denominator"),
    invoicesDisputed: z.number().int().describe("of those, invoices with at least one dispute"),
    vsMedian: z.object({ revenue: Ratio, ...measures }).describe("distance from the network median (revenue: from the median of the same currency)"),
  })
  .meta({ id: "AnalyticsBranchComparisonRow" });
export const BranchComparison = z
  .object({
    data: z.array(BranchComparisonRow),
    median: z.object({ ...measures, revenue: z.array(z.object({ currency: z.string(), revenue: Ratio })) }),
  })
  .meta({ id: "AnalyticsBranchComparison" });

export const Reconciliation = z
  .object({
    ok: z.boolean(),
    checked: z.number().int().describe("month × branch × currency rows compared"),
    mismatches: z.array(
      z.object({
        month: z.string(),
        branchId: z.string(),
        currency: z.string(),
        field: z.string(),
        rollup: z.number().int(),
        expected: z.number().int(),
        source: z
          .enum(["recomputed", "ledger", "monthly"])
          .describe("recomputed: from the documents by the recognition rules; ledger: plain SQL sums; monthly: the monthly rollup (rollup = its value) against the daily one (expected)"),
      }),
    ).describe("at most 100"),
  })
  .meta({ id: "AnalyticsReconciliation" });

export const RebuildResult = z
  .object({ franchiseId: z.string(), invoices: z.number().int(), cells: z.number().int(), throughSeq: z.number().int(), attempts: z.number().int(), seconds: z.number() })
  .meta({ id: "AnalyticsRebuild" });
