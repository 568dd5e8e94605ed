// Forecast and risk resources (issue 12): cash flow with intervals, measured accuracy, risk scores.
import { z } from "zod";

const Money = z.number().int().describe("integer amount in the currency's minor unit");

export const CashflowPeriod = z
  .object({
    start: z.string().describe("first day (YYYY-MM-DD)"),
    end: z.string().describe("last day (YYYY-MM-DD)"),
    expected: Money.describe("expected collections"),
    fromOpenInvoices: Money,
    fromNewBilling: Money,
    lo80: Money,
    hi80: Money,
    lo95: Money,
    hi95: Money,
  })
  .meta({ id: "CashflowPeriod" });

export const CashflowForecast = z
  .object({
    currency: z.string().nullable().describe("the currency forecast (the franchise's most used unless ?currency=); null without invoices"),
    asOf: z.string(),
    weeks: z.array(CashflowPeriod).describe("13 weeks from today"),
    months: z.array(CashflowPeriod).describe("12 calendar months from the current one (the first from today)"),
    actuals: z.array(z.object({ month: z.string(), amount: Money })).describe("payments received per month over the last year"),
    source: z.object({
      openInvoices: z.number().int(),
      customersWithOwnHistory: z.number().int().describe("open invoices timed by their customer's own days-to-pay history"),
      segmentHistory: z.number().int().describe("open invoices timed by their customer segment's history (customer has too few payments)"),
      networkHistory: z.number().int().describe("open invoices timed by the whole network's history"),
      networkPayments: z.number().int(),
      billingMonths: z.number().int(),
    }),
  })
  .meta({ id: "CashflowForecast" });

const Accuracy = z
  .object({
    series: z.number().int(),
    smape: z.number().nullable(),
    mape: z.number().nullable(),
    wape: z.number().nullable(),
    accuracy: z.number().nullable().describe("100 − WAPE"),
    mase: z.number().nullable(),
    bias: z.number().nullable().describe("Σ(forecast − actual)/Σ|actual|, percent"),
    coverage80: z.number().nullable(),
    coverage95: z.number().nullable(),
    msis: z.number().nullable(),
  })
  .meta({ id: "ForecastAccuracyMetrics" });

export const ForecastAccuracy = z
  .object({
    runId: z.string().nullable(),
    trainedAt: z.string().nullable().describe("null until the models first train (POST /v1/analytics/forecast/retrain, or the daily retraining cron)"),
    trainedBy: z.string().nullable().describe("who asked for the run: api_key:<id>, staff:<id> or system:forecast-cron"),
    forecast: z
      .object({
        currency: z.string().nullable(),
        months: z.number().int().describe("months of billing history"),
        origins: z.number().int().describe("rolling origins backtested"),
        horizon: z.number().int(),
        models: z.record(z.string(), Accuracy).describe("combination next to seasonal naive and Naive2"),
      })
      .nullable(),
    risk: z
      .object({
        invoices: z.number().int().describe("settled invoices in the held-out (latest) quarter"),
        auc: z.number(),
        brier: z.number(),
        logLoss: z.number(),
        daysMae: z.number(),
        baseline: z
          .object({ auc: z.number(), brier: z.number(), logLoss: z.number(), daysMae: z.number() })
          .describe("the customer's own past late rate and mean days"),
        calibration: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int(), meanPredicted: z.number(), observedRate: z.number() })),
      })
      .nullable(),
  })
  .meta({ id: "ForecastAccuracy" });

export const CustomerRisk = z
  .object({
    customerId: z.string(),
    customerName: z.string().optional(),
    pLate: z.number().min(0).max(1).nullable().describe("P(the next invoice is paid late); null until scored"),
    expectedDaysToSettle: z.number().nullable(),
    trend: z.number().nullable().describe("pLate now minus 90 days ago"),
    topFactors: z.array(z.object({ feature: z.string(), contribution: z.number() })).describe("features raising the score most (log-odds contributions)"),
    openInvoices: z.number().int(),
    scoredAt: z.string().nullable(),
    runId: z.string().nullable(),
  })
  .meta({ id: "CustomerRisk" });

export const RetrainAccepted = z.object({ queued: z.literal(true), franchiseId: z.string() }).meta({ id: "RetrainAccepted" });

const Probability = z.number().min(0).max(1);

export const ForecastSettingsBody = z
  .object({
    highRisk: z
      .object({
        enter: Probability.describe("P(late) at or above which a customer gets dunning segment high-risk"),
        exit: Probability.describe("P(late) below which they leave it (≤ enter)"),
      })
      .strict(),
  })
  .strict()
  .meta({ id: "ForecastSettingsRequest" });

export const ForecastSettingsResource = z
  .object({
    highRisk: z.object({ enter: z.number(), exit: z.number() }),
    source: z.enum(["default", "franchise"]).describe("default until the franchise sets its own"),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: "ForecastSettings" });
