// The BI feed's tables (documented in docs/bi.md): each a fixed column list and a function
// building one day's partition from the analytics rollup.
import type { BillingContext } from "../billing/context.ts";
import { cellsOfDay, sumRollup } from "../db/analytics-rollups.ts";
import { addDays } from "../domain/dates.ts";
import { compareBranches } from "../analytics/branches.ts";
import type { BiColumn, BiRow } from "./parquet.ts";

export interface BiTable {
  name: string;
  description: string;
  columns: BiColumn[];
  rows(ctx: BillingContext, date: string): Promise<BiRow[]>;
}

const money = (name: string): BiColumn => ({ name, type: "int64" });

const revenueDaily: BiTable = {
  name: "revenue_daily",
  description: "the rollup cells of the day: billed, credited, recognized, collected by branch × service type × currency",
  columns: [
    { name: "day", type: "date" },
    { name: "branch_id", type: "string" },
    { name: "service_type_id", type: "string", nullable: true },
    { name: "currency", type: "string" },
    money("billed_gross"),
    money("billed_net"),
    money("credited_gross"),
    money("credited_net"),
    money("recognized"),
    money("collected"),
  ],
  async rows(ctx, date) {
    const cells = await cellsOfDay(ctx.db, ctx.franchiseId, date);
    return cells.map((c) => ({
      day: c.day,
      branch_id: c.branchId,
      service_type_id: c.serviceTypeId === "" ? null : c.serviceTypeId,
      currency: c.currency,
      billed_gross: c.billedGross,
      billed_net: c.billedNet,
      credited_gross: c.creditedGross,
      credited_net: c.creditedNet,
      recognized: c.recognized,
      collected: c.collected,
    }));
  },
};

const revenueMonthly: BiTable = {
  name: "revenue_monthly",
  description: "billed vs credited vs recognized (net) by month × branch × currency, and the deferred balance at each month end, as of the partition date",
  columns: [
    { name: "month", type: "string" },
    { name: "branch_id", type: "string" },
    { name: "currency", type: "string" },
    money("billed"),
    money("credited"),
    money("recognized"),
    money("deferred_end"),
  ],
  async rows(ctx, date) {
    const rows = await sumRollup(ctx.db, { franchiseId: ctx.franchiseId, branchScope: null }, null, date, "month_branch");
    const deferred = new Map<string, number>();
    return rows.map((r) => {
      const [month, branchId] = r.group.split("|") as [string, string];
      const k = `${branchId}|${r.currency}`;
      const d = (deferred.get(k) ?? 0) + r.billedNet - r.creditedNet - r.recognized;
      deferred.set(k, d);
      return { month, branch_id: branchId, currency: r.currency, billed: r.billedNet, credited: r.creditedNet, recognized: r.recognized, deferred_end: d };
    });
  },
};

const branchKpis: BiTable = {
  name: "branch_kpis",
  description: "per branch over the 30 days ending on the partition date: recognized revenue, growth, DSO, CEI, overdue %, average days late",
  columns: [
    { name: "as_of", type: "date" },
    { name: "branch_id", type: "string" },
    { name: "currency", type: "string" },
    money("revenue"),
    money("revenue_previous"),
    { name: "growth_pct", type: "double", nullable: true },
    { name: "dso", type: "double", nullable: true },
    { name: "cei", type: "double", nullable: true },
    { name: "overdue_pct", type: "double", nullable: true },
    { name: "avg_days_late", type: "double", nullable: true },
  ],
  async rows(ctx, date) {
    const { data } = await compareBranches(ctx, { from: addDays(date, -29), to: date });
    return data.map((b) => ({
      as_of: date,
      branch_id: b.branchId,
      currency: b.currency,
      revenue: b.revenue,
      revenue_previous: b.revenuePrevious,
      growth_pct: b.growthPct,
      dso: b.dso,
      cei: b.cei,
      overdue_pct: b.overduePct,
      avg_days_late: b.avgDaysLate,
    }));
  },
};

export const BI_TABLES: readonly BiTable[] = [revenueDaily, revenueMonthly, branchKpis];
