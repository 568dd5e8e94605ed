// /v1/analytics/*: thin routes over workers/analytics. Franchise- and branch-scoped through the
// billing context; a bad period is a 400 naming the field.
import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { compareBranches } from "../../analytics/branches.ts";
import { overview } from "../../analytics/overview.ts";
import { profitabilityByMonth } from "../../analytics/profitability.ts";
import { reconcile } from "../../analytics/reconciliation.ts";
import { rebuildRollup } from "../../analytics/rebuild.ts";
import { revenue } from "../../analytics/revenue.ts";
import { checkDayPeriod, checkMonthPeriod } from "../../domain/analytics/periods.ts";
import type { FieldIssue } from "../../domain/errors.ts";
import { requireStaffAdmin, STAFF_ADMIN_SECURITY } from "../middleware/staff-admin.ts";
import { HttpProblem } from "../problem.ts";
import { BranchComparison, BranchFilter, CurrencyFilter, DayPeriodQuery, MonthPeriodQuery, Overview, Profitability, RebuildResult, Reconciliation, Revenue, ServiceTypeFilter } from "../resources/analytics.ts";
import { AUTHENTICATED, IdempotencyHeader, jsonResponse, problemResponses, WITH_BODY } from "../resources/common.ts";
import { billing, type AppContext } from "./route-context.ts";

const tags = ["Analytics"];

function badPeriod(issue: FieldIssue | null): void {
  if (issue) throw new HttpProblem(400, "invalid_period", issue.message, { issues: [issue] });
}

export class GetAnalyticsOverview extends OpenAPIRoute {
  schema = {
    tags,
    summary: "KPIs for a period with the preceding period of equal length, one row per currency",
    request: { query: z.object({ ...DayPeriodQuery, ...BranchFilter, ...CurrencyFilter }) },
    responses: { "200": jsonResponse(Overview, "Overview KPIs"), ...problemResponses(...AUTHENTICATED, 404) },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    badPeriod(checkDayPeriod(query.from, query.to));
    return { data: await overview(billing(c), { from: query.from, to: query.to }, query) };
  }
}

export class GetAnalyticsRevenue extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Billed vs recognized vs deferred revenue by month (net of tax), one series per currency",
    request: { query: z.object({ ...MonthPeriodQuery, ...BranchFilter, ...ServiceTypeFilter, ...CurrencyFilter }) },
    responses: { "200": jsonResponse(Revenue, "Monthly revenue"), ...problemResponses(...AUTHENTICATED, 404) },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    badPeriod(checkMonthPeriod(query.from, query.to));
    return { data: await revenue(billing(c), query.from, query.to, query) };
  }
}

export class GetAnalyticsProfitability extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Recognized revenue, cost and gross margin by month and service type (network-wide, or one branch)",
    request: { query: z.object({ ...MonthPeriodQuery, ...BranchFilter, ...CurrencyFilter }) },
    responses: { "200": jsonResponse(Profitability, "Profitability"), ...problemResponses(...AUTHENTICATED, 404) },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    badPeriod(checkMonthPeriod(query.from, query.to));
    return { data: await profitabilityByMonth(billing(c), query.from, query.to, query) };
  }
}

export class GetAnalyticsBranches extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Branch comparison for a period, ranked, with the network median",
    request: { query: z.object(DayPeriodQuery) },
    responses: { "200": jsonResponse(BranchComparison, "Branch comparison"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    badPeriod(checkDayPeriod(query.from, query.to));
    return compareBranches(billing(c), { from: query.from, to: query.to });
  }
}

export class GetAnalyticsReconciliation extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Rollups against a direct computation from invoices, credit notes and payments, per month × branch, to the cent",
    responses: { "200": jsonResponse(Reconciliation, "Reconciliation result"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    return reconcile(billing(c));
  }
}

export class RebuildAnalytics extends OpenAPIRoute {
  schema = {
    tags,
    security: STAFF_ADMIN_SECURITY,
    summary: "Rebuild the franchise's analytics rollup from scratch (staff admins)",
    request: { headers: IdempotencyHeader },
    responses: { "200": jsonResponse(RebuildResult, "Rebuilt"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY) },
  };

  async handle(c: AppContext) {
    requireStaffAdmin(c.get("principal"), "rebuild analytics");
    const ctx = billing(c);
    const started = Date.now();
    const result = await rebuildRollup(ctx.db, ctx.franchiseId, { now: () => ctx.clock.now() });
    return { ...result, seconds: Math.round((Date.now() - started) / 100) / 10 };
  }
}
