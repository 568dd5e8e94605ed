// What the forecast capability has for the BI feed: the cash-flow forecast (computed on request
// by workers/billing/forecast-reads.ts, never stored, so the export computes it the same way the
// API does, per branch and network-wide) and the stored risk scores of the latest training run.
import { and, asc, eq, gt, gte, inArray } from "drizzle-orm";
import { billingContext, type BillingContext } from "../../billing/context.ts";
import { cashflowView, type CashflowView } from "../../billing/forecast-reads.ts";
import { HISTORY_DAYS } from "../../billing/forecast-training.ts";
import { forecastSettingsOf } from "../../billing/forecast-settings.ts";
import { latestModelRun, type ModelRunRow, type RiskScoreRow } from "../../db/forecast.ts";
import { invoices } from "../../db/schema.ts";
import { customerRiskScores } from "../../db/schema/forecast.ts";
import { addDays } from "../../domain/dates.ts";

export interface ForecastScope {
  /** null: network-wide (every branch), as a network role sees GET /v1/analytics/forecast/cashflow. */
  branchId: string | null;
  currency: string;
  view: CashflowView;
}

/** The branch × currency pairs with invoices in the forecast's history window, in a stable order. */
async function branchCurrencies(ctx: BillingContext, since: string): Promise<{ branchId: string; currency: string }[]> {
  return ctx.db
    .selectDistinct({ branchId: invoices.branchId, currency: invoices.currency })
    .from(invoices)
    .where(and(eq(invoices.franchiseId, ctx.franchiseId), inArray(invoices.status, ["issued", "partially_paid", "paid"]), gte(invoices.issueDate, since)))
    .orderBy(asc(invoices.branchId), asc(invoices.currency))
    .all();
}

/** Each currency's forecast network-wide, then each branch's (the view a branch manager of that branch gets). */
export async function cashForecasts(ctx: BillingContext): Promise<{ scopes: ForecastScope[]; run: ModelRunRow | undefined }> {
  const today = ctx.clock.now().toISOString().slice(0, 10);
  const pairs = await branchCurrencies(ctx, addDays(today, -HISTORY_DAYS));
  const scopes: ForecastScope[] = [];
  for (const currency of [...new Set(pairs.map((p) => p.currency))].sort()) scopes.push({ branchId: null, currency, view: await cashflowView(ctx, currency) });
  for (const p of pairs) {
    const branchCtx = billingContext(ctx.env, ctx.franchiseId, ctx.clock, ctx.actor, undefined, [p.branchId]);
    scopes.push({ branchId: p.branchId, currency: p.currency, view: await cashflowView(branchCtx, p.currency) });
  }
  return { scopes, run: await latestModelRun(ctx.db, ctx.franchiseId) };
}

/** Rows read per statement: keeps one page of a large franchise's scores in memory at a time. */
const RISK_PAGE = 2_000;

/** Every stored score of the franchise in customer id order (keyset pages), with the high-risk thresholds. */
export async function riskScores(ctx: BillingContext): Promise<{ rows: RiskScoreRow[]; enter: number; exit: number }> {
  const rows: RiskScoreRow[] = [];
  let after = "";
  for (;;) {
    const page = await ctx.db
      .select()
      .from(customerRiskScores)
      .where(and(eq(customerRiskScores.franchiseId, ctx.franchiseId), gt(customerRiskScores.customerId, after)))
      .orderBy(asc(customerRiskScores.customerId))
      .limit(RISK_PAGE)
      .all();
    rows.push(...page);
    if (page.length < RISK_PAGE) break;
    after = page[page.length - 1]!.customerId;
  }
  const settings = await forecastSettingsOf(ctx.db, ctx.franchiseId);
  return { rows, enter: settings.highRisk.enter, exit: settings.highRisk.exit };
}
