// The franchise's high-risk thresholds for risk → dunning (defaults until set). A change
// applies at the next training run (scheduled or POST /v1/analytics/forecast/retrain).
import { DEFAULT_RISK_SEGMENT_POLICY, type RiskSegmentPolicy } from "../domain/risk/dunning-segment.ts";
import { invalid } from "../domain/errors.ts";
import { runBatch } from "../db/batch.ts";
import { forecastSettingsUpsert, getForecastSettings } from "../db/forecast.ts";
import type { Db } from "../db/client.ts";
import type { BillingContext } from "./context.ts";

export interface ForecastSettings {
  highRisk: RiskSegmentPolicy;
  /** "default" until the franchise sets its own. */
  source: "default" | "franchise";
  updatedAt: string | null;
}

export async function forecastSettingsOf(db: Db, franchiseId: string): Promise<ForecastSettings> {
  const row = await getForecastSettings(db, franchiseId);
  if (!row) return { highRisk: DEFAULT_RISK_SEGMENT_POLICY, source: "default", updatedAt: null };
  return { highRisk: { enter: row.highRiskEnter, exit: row.highRiskExit }, source: "franchise", updatedAt: row.updatedAt };
}

export async function setForecastSettings(ctx: BillingContext, input: { highRisk: RiskSegmentPolicy }): Promise<ForecastSettings> {
  if (input.highRisk.exit > input.highRisk.enter)
    throw invalid("invalid_thresholds", "highRisk.exit", "exit must not exceed enter (a customer leaves high-risk below exit)");
  const now = ctx.clock.now().toISOString();
  await runBatch(ctx.db, [
    forecastSettingsUpsert(ctx.db, {
      franchiseId: ctx.franchiseId,
      highRiskEnter: input.highRisk.enter,
      highRiskExit: input.highRisk.exit,
      updatedAt: now,
      updatedBy: ctx.actor,
    }),
  ]);
  return { highRisk: input.highRisk, source: "franchise", updatedAt: now };
}
