// Turns a request's filters into a rollup filter: a branch outside the caller's scope (or
// another franchise's) is "not found", like everywhere else in the API.
import type { BillingContext } from "../billing/context.ts";
import { getBranch, getServiceType } from "../db/reference-data.ts";
import type { RollupFilter } from "../db/analytics-rollups.ts";
import { notFound } from "../domain/errors.ts";

export interface AnalyticsFilters {
  branchId?: string | undefined;
  serviceTypeId?: string | undefined;
  currency?: string | undefined;
}

export async function rollupFilter(ctx: BillingContext, f: AnalyticsFilters): Promise<RollupFilter> {
  if (f.branchId && !(await getBranch(ctx.db, ctx.franchiseId, f.branchId, ctx.branchScope))) throw notFound("branch", f.branchId);
  if (f.serviceTypeId && !(await getServiceType(ctx.db, ctx.franchiseId, f.serviceTypeId))) throw notFound("service_type", f.serviceTypeId);
  return { franchiseId: ctx.franchiseId, branchScope: ctx.branchScope, branchId: f.branchId, serviceTypeId: f.serviceTypeId, currency: f.currency };
}
