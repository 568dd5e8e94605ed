// Overview KPIs for a period and the equally long one before it, one row per currency. One
// rollup query with three ranges: balances up to the previous period's start, then each period's
// sums (the balances at later dates follow by adding, so nothing is scanned twice).
import type { BillingContext } from "../billing/context.ts";
import { sumRollupRanges, type SumRow } from "../db/analytics-rollups.ts";
import { addDays } from "../domain/dates.ts";
import { zeroAmounts, type CellAmounts } from "../domain/analytics/cells.ts";
import { avgDaysToPay, dso, overduePct, type PeriodSums } from "../domain/analytics/kpis.ts";
import { periodDays, previousPeriod, type DayPeriod } from "../domain/analytics/periods.ts";
import { rollupFilter, type AnalyticsFilters } from "./filters.ts";

export interface OverviewFigures {
  billed: number;
  collected: number;
  credited: number;
  recognized: number;
  outstanding: number;
  overdue: number;
  overduePct: number | null;
  dso: number | null;
  avgDaysToPay: number | null;
}

export type OverviewRow = { currency: string } & OverviewFigures & { previous: OverviewFigures };

export const outstandingOf = (a: CellAmounts) => a.billedGross - a.creditedGross - a.collected - a.creditApplied;

const byCurrency = (rows: SumRow[]) => new Map(rows.map((r) => [r.currency, r as CellAmounts]));

export function periodSums(start: CellAmounts, sums: CellAmounts, days: number): PeriodSums {
  const startOutstanding = outstandingOf(start);
  return {
    billed: sums.billedGross,
    collected: sums.collected,
    credited: sums.creditedGross,
    creditApplied: sums.creditApplied,
    recognized: sums.recognized,
    collectedDays: sums.collectedDays,
    lateDays: sums.lateDays,
    outstandingStart: startOutstanding,
    outstandingEnd: startOutstanding + outstandingOf(sums),
    overdueEnd: start.overdueDelta + sums.overdueDelta,
    days,
  };
}

export function plus(a: CellAmounts, b: CellAmounts): CellAmounts {
  const out = zeroAmounts();
  for (const k of Object.keys(out) as (keyof CellAmounts)[]) out[k] = a[k] + b[k];
  return out;
}

const figures = (s: PeriodSums): OverviewFigures => ({
  billed: s.billed,
  collected: s.collected,
  credited: s.credited,
  recognized: s.recognized,
  outstanding: s.outstandingEnd,
  overdue: s.overdueEnd,
  overduePct: overduePct(s),
  dso: dso(s),
  avgDaysToPay: avgDaysToPay(s),
});

export async function overview(ctx: BillingContext, period: DayPeriod, filters: AnalyticsFilters): Promise<OverviewRow[]> {
  const f = await rollupFilter(ctx, filters);
  const prev = previousPeriod(period);
  const [before = [], prevRows = [], curRows = []] = await sumRollupRanges(ctx.db, f, [{ from: null, to: addDays(prev.from, -1) }, prev, period], "none");
  const [b, p, c] = [byCurrency(before), byCurrency(prevRows), byCurrency(curRows)];
  const currencies = [...new Set([...b.keys(), ...p.keys(), ...c.keys()])].sort();
  const days = periodDays(period);
  return currencies.map((currency) => {
    const start = b.get(currency) ?? zeroAmounts();
    const prevSums = p.get(currency) ?? zeroAmounts();
    const previous = periodSums(start, prevSums, days);
    const current = periodSums(plus(start, prevSums), c.get(currency) ?? zeroAmounts(), days);
    return { currency, ...figures(current), previous: figures(previous) };
  });
}
