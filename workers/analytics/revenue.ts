// Billed vs recognized vs deferred by month (net of tax), one series per currency.
import type { BillingContext } from "../billing/context.ts";
import { sumRollupRanges } from "../db/analytics-rollups.ts";
import { addDays } from "../domain/dates.ts";
import { monthRangeDays, monthsBetween } from "../domain/analytics/periods.ts";
import { revenueSeries, type RevenueMonth } from "../domain/analytics/revenue-series.ts";
import { rollupFilter, type AnalyticsFilters } from "./filters.ts";

export type RevenueRow = RevenueMonth & { currency: string };

export async function revenue(ctx: BillingContext, fromMonth: string, toMonth: string, filters: AnalyticsFilters): Promise<RevenueRow[]> {
  const f = await rollupFilter(ctx, filters);
  const days = monthRangeDays(fromMonth, toMonth);
  // One query: the months before the range (summed into the opening balance) and the range's months.
  const [before = [], monthly = []] = await sumRollupRanges(ctx.db, f, [{ from: null, to: addDays(days.from, -1) }, days], "month");
  const opening = [...Map.groupBy(before, (r) => r.currency)].map(([currency, rows]) => ({
    currency,
    billedNet: rows.reduce((s, r) => s + r.billedNet, 0),
    creditedNet: rows.reduce((s, r) => s + r.creditedNet, 0),
    recognized: rows.reduce((s, r) => s + r.recognized, 0),
  }));
  const currencies = [...new Set([...opening, ...monthly].map((r) => r.currency))].sort();
  const months = monthsBetween(fromMonth, toMonth);
  return currencies.flatMap((currency) => {
    const open = opening.find((r) => r.currency === currency);
    const openingDeferred = open ? open.billedNet - open.creditedNet - open.recognized : 0;
    const sums = monthly.filter((r) => r.currency === currency).map((r) => ({ month: r.group, billed: r.billedNet, credited: r.creditedNet, recognized: r.recognized }));
    return revenueSeries(months, sums, openingDeferred).map((m) => ({ ...m, currency }));
  });
}
