// Recognized revenue, direct cost (service_types.cost_rate_bps) and gross margin by month and
// service type, one currency at a time; network-wide, or one branch with branchId.
import { eq } from "drizzle-orm";
import type { BillingContext } from "../billing/context.ts";
import { sumRollup } from "../db/analytics-rollups.ts";
import { serviceTypes } from "../db/schema.ts";
import { NO_SERVICE_TYPE } from "../domain/analytics/cells.ts";
import { profitability as margin } from "../domain/analytics/kpis.ts";
import { monthRangeDays } from "../domain/analytics/periods.ts";
import { rollupFilter, type AnalyticsFilters } from "./filters.ts";

export interface ProfitabilityRow {
  month: string;
  currency: string;
  serviceTypeId: string | null;
  serviceTypeName: string;
  costRateBps: number;
  revenue: number;
  cost: number;
  margin: number;
  marginPct: number | null;
}

export async function profitabilityByMonth(ctx: BillingContext, fromMonth: string, toMonth: string, filters: AnalyticsFilters): Promise<ProfitabilityRow[]> {
  const f = await rollupFilter(ctx, filters);
  const days = monthRangeDays(fromMonth, toMonth);
  const [rows, types] = await Promise.all([
    sumRollup(ctx.db, f, days.from, days.to, "month_service"),
    ctx.db.select({ id: serviceTypes.id, name: serviceTypes.name, costRateBps: serviceTypes.costRateBps }).from(serviceTypes).where(eq(serviceTypes.franchiseId, ctx.franchiseId)).all(),
  ]);
  const byId = new Map(types.map((t) => [t.id, t]));
  return rows
    .map((r) => {
      const [month, serviceTypeId] = r.group.split("|") as [string, string];
      const type = byId.get(serviceTypeId);
      const costRateBps = type?.costRateBps ?? 0;
      return { month, currency: r.currency, serviceTypeId: serviceTypeId === NO_SERVICE_TYPE ? null : serviceTypeId, serviceTypeName: type?.name ?? "No service type", costRateBps, recognized: r.recognized, billed: r.billedNet };
    })
    .filter((r) => r.recognized !== 0 || r.billed !== 0)
    .map(({ recognized, billed: _billed, ...r }) => ({ ...r, ...margin(recognized, r.costRateBps) }));
}
