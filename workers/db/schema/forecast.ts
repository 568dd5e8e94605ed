// Forecasting and payment risk (issue 12): each franchise's model runs with their measured
// accuracy, and the latest late-payment score per customer with its top factors.
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { customers, franchises } from "../schema.ts";

export const forecastModelRuns = sqliteTable(
  "forecast_model_runs",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id")
      .notNull()
      .references(() => franchises.id),
    trainedAt: text("trained_at").notNull(),
    /** Invoices the run learned from (bounded window). */
    invoices: integer("invoices").notNull(),
    /** JSON: rolling-origin backtest of monthly billing, combination next to the baselines. */
    forecastAccuracy: text("forecast_accuracy").notNull(),
    /** JSON: AUC, Brier, log loss, days MAE and calibration on a time split; null when too little history. */
    riskAccuracy: text("risk_accuracy"),
    actor: text("actor").notNull(),
  },
  (t) => [index("forecast_model_runs_franchise_trained").on(t.franchiseId, t.trainedAt)],
);

export const customerRiskScores = sqliteTable(
  "customer_risk_scores",
  {
    franchiseId: text("franchise_id")
      .notNull()
      .references(() => franchises.id),
    customerId: text("customer_id")
      .notNull()
      .references(() => customers.id),
    runId: text("run_id").notNull(),
    /** P(the customer's next invoice is paid late), 0–1. */
    pLate: real("p_late").notNull(),
    expectedDaysToSettle: real("expected_days_to_settle").notNull(),
    /** pLate now minus pLate 90 days ago (same model). */
    trend: real("trend").notNull(),
    /** JSON: [{ feature, contribution }], strongest first. */
    topFactors: text("top_factors").notNull(),
    openInvoices: integer("open_invoices").notNull(),
    scoredAt: text("scored_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.franchiseId, t.customerId] }),
    index("customer_risk_scores_franchise_p").on(t.franchiseId, t.pLate),
    check("customer_risk_scores_p", sql`${t.pLate} >= 0 AND ${t.pLate} <= 1`),
  ],
);

/** Per-franchise forecasting settings: the P(late) thresholds of the high-risk dunning segment. */
export const forecastSettings = sqliteTable(
  "forecast_settings",
  {
    franchiseId: text("franchise_id")
      .primaryKey()
      .references(() => franchises.id),
    highRiskEnter: real("high_risk_enter").notNull(),
    highRiskExit: real("high_risk_exit").notNull(),
    updatedAt: text("updated_at").notNull(),
    updatedBy: text("updated_by").notNull(),
  },
  (t) => [check("forecast_settings_thresholds", sql`${t.highRiskExit} >= 0 AND ${t.highRiskExit} <= ${t.highRiskEnter} AND ${t.highRiskEnter} <= 1`)],
);
