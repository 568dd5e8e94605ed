// Branch comparison for a period: revenue (recognized, net) and growth against the previous
// period, DSO, CEI, overdue %, average days late, dispute rate (kpis.ts disputeRate); ranked by revenue within each currency, with
// the network median of each measure and every branch's distance from it. Revenue medians are
// per currency (amounts are never compared across currencies); ratios are network-wide.
import { and, eq } from "drizzle-orm";
import type { BillingContext } from "../billing/context.ts";
import { sumRollupRanges, type SumRow } from "../db/analytics-rollups.ts";
import { inBranchScope } from "../db/branch-scope.ts";
import { branches } from "../db/schema.ts";
import { addDays } from "../domain/dates.ts";
import { zeroAmounts, type CellAmounts } from "../domain/analytics/cells.ts";
import { avgDaysLate, cei, disputeRate, dso, growthPct, median, overduePct } from "../domain/analytics/kpis.ts";
import { disputedInvoiceCounts } from "../db/analytics-disputes.ts";
import { periodDays, previousPeriod, type DayPeriod } from "../domain/analytics/periods.ts";
import { periodSums, plus } from "./overview.ts";
import { rollupFilter } from "./filters.ts";

const MEASURES = ["growthPct", "dso", "cei", "overduePct", "avgDaysLate", "disputeRate"] as const;
type Measure = (typeof MEASURES)[number];

export interface BranchComparisonRow {
  branchId: string;
  code: string;
  name: string;
  currency: string;
  rank: number;
  revenue: number;
  revenuePrevious: number;
  growthPct: number | null;
  dso: number | null;
  cei: number | null;
  overduePct: number | null;
  avgDaysLate: number | null;
  /** Invoices issued in the period (not void), and how many of them have been disputed. */
  invoicesIssued: number;
  invoicesDisputed: number;
  disputeRate: number | null;
  vsMedian: Record<Measure | "revenue", number | null>;
}

export interface BranchComparison {
  data: BranchComparisonRow[];
  median: Record<Measure, number | null> & { revenue: { currency: string; revenue: number | null }[] };
}

const key = (r: SumRow) => `${r.group}|${r.currency}`;
const diff = (a: number | null, m: number | null) => (a === null || m === null ? null : Math.round((a - m) * 10) / 10);

export async function compareBranches(ctx: BillingContext, period: DayPeriod): Promise<BranchComparison> {
  const f = await rollupFilter(ctx, {});
  const prev = previousPeriod(period);
  const [[before = [], prevRows = [], curRows = []], names, disputes] = await Promise.all([
    sumRollupRanges(ctx.db, f, [{ from: null, to: addDays(prev.from, -1) }, prev, period], "branch"),
    ctx.db.select({ id: branches.id, code: branches.code, name: branches.name, currency: branches.currency }).from(branches).where(and(eq(branches.franchiseId, ctx.franchiseId), inBranchScope(branches.id, ctx.branchScope))).all(),
    disputedInvoiceCounts(ctx.db, ctx.franchiseId, ctx.branchScope, period.from, period.to),
  ]);
  const disputed = new Map(disputes.map((d) => [`${d.branchId}|${d.currency}`, d.disputed]));
  const [b, p, c] = [before, prevRows, curRows].map((rows) => new Map(rows.map((r) => [key(r), r as CellAmounts])));
  const days = periodDays(period);
  // A branch invoices in its own currency; any other currency it has figures in gets its own row.
  const pairs = new Set([...names.map((n) => `${n.id}|${n.currency}`), ...[...before, ...prevRows, ...curRows].map(key)]);
  const rows = [...pairs].map((pair) => {
    const [branchId, currency] = pair.split("|") as [string, string];
    const branch = names.find((n) => n.id === branchId);
    const start = b?.get(pair) ?? zeroAmounts();
    const prevSums = p?.get(pair) ?? zeroAmounts();
    const cur = c?.get(pair) ?? zeroAmounts();
    const s = periodSums(plus(start, prevSums), cur, days);
    const invoicesDisputed = disputed.get(pair) ?? 0;
    const row: BranchComparisonRow = {
      branchId,
      code: branch?.code ?? "",
      name: branch?.name ?? branchId,
      currency,
      rank: 0,
      revenue: s.recognized,
      revenuePrevious: prevSums.recognized,
      growthPct: growthPct(s.recognized, prevSums.recognized),
      dso: dso(s),
      cei: cei(s),
      overduePct: overduePct(s),
      avgDaysLate: avgDaysLate(s),
      invoicesIssued: cur.invoicesIssued,
      invoicesDisputed,
      disputeRate: disputeRate(invoicesDisputed, cur.invoicesIssued),
      vsMedian: { revenue: null, growthPct: null, dso: null, cei: null, overduePct: null, avgDaysLate: null, disputeRate: null },
    };
    return row;
  });
  const currencies = [...new Set(rows.map((r) => r.currency))].sort();
  const revenueMedian = currencies.map((currency) => ({ currency, revenue: median(rows.filter((r) => r.currency === currency).map((r) => r.revenue)) }));
  const med = Object.fromEntries(MEASURES.map((m) => [m, median(rows.map((r) => r[m]))])) as Record<Measure, number | null>;
  for (const currency of currencies) {
    rows.filter((r) => r.currency === currency).sort((x, y) => y.revenue - x.revenue || x.code.localeCompare(y.code)).forEach((r, i) => (r.rank = i + 1));
  }
  for (const r of rows) {
    const rm = revenueMedian.find((m) => m.currency === r.currency)?.revenue ?? null;
    r.vsMedian = { revenue: diff(r.revenue, rm), ...(Object.fromEntries(MEASURES.map((m) => [m, diff(r[m], med[m])])) as Record<Measure, number | null>) };
  }
  rows.sort((x, y) => x.currency.localeCompare(y.currency) || x.rank - y.rank);
  return { data: rows, median: { ...med, revenue: revenueMedian } };
}
