// Train a franchise's forecasting and risk models (the model-training queue job): load a bounded
// invoice history, measure the risk model on a time split and the billing forecast by a
// rolling-origin backtest, refit on everything, score each customer's next invoice, and persist
// the run with its accuracy and the scores in one batch.
import { addDays, epochDay, fromEpochDay } from "../domain/dates.ts";
import { rollingOriginBacktest } from "../domain/forecast/backtest.ts";
import type { InvoiceRecord } from "../domain/risk/features.ts";
import { baselineScores, evaluateScores, type RiskModel, scoreInvoices, trainRiskModel } from "../domain/risk/model.ts";
import { calibrationTable } from "../domain/risk/risk-metrics.ts";
import { type RiskSegmentChanges, riskSegmentChanges } from "../domain/risk/dunning-segment.ts";
import { forecastSettingsOf } from "./forecast-settings.ts";
import { profilesWithSegment, riskSegmentStatements } from "../risk/dunning-segment.ts";
import { invoiceHistory, type InvoiceHistoryRow, saveModelRun } from "../db/forecast.ts";
import { newId } from "../db/ids.ts";
import type { BillingContext } from "./context.ts";

export const HISTORY_DAYS = 3 * 365;
const MIN_SETTLED_FOR_RISK = 40;

export function toRecord(r: InvoiceHistoryRow): InvoiceRecord {
  const issued = epochDay(r.issueDate.slice(0, 10));
  const settledAt = r.status === "paid" ? (r.lastPaidAt ?? r.updatedAt).slice(0, 10) : undefined;
  return {
    customerId: r.customerId,
    invoiceId: r.id,
    issued,
    due: r.dueDate ? epochDay(r.dueDate.slice(0, 10)) : issued,
    amount: r.total,
    settled: settledAt ? Math.max(issued, epochDay(settledAt)) : undefined,
    disputed: false,
  };
}

/** The most used currency: billing series are never summed across currencies. */
export function dominantCurrency(rows: readonly InvoiceHistoryRow[]): string | undefined {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.currency, (counts.get(r.currency) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/** Billed total per calendar month from the first month with an invoice to the month before `today`. */
export function monthlyBilling(rows: readonly InvoiceHistoryRow[], currency: string, today: string): { months: string[]; totals: number[] } {
  const current = today.slice(0, 7);
  const sums = new Map<string, number>();
  for (const r of rows)
    if (r.currency === currency && r.issueDate.slice(0, 7) < current) sums.set(r.issueDate.slice(0, 7), (sums.get(r.issueDate.slice(0, 7)) ?? 0) + r.total);
  const keys = [...sums.keys()].sort();
  if (keys.length === 0) return { months: [], totals: [] };
  const months: string[] = [];
  let [y, m] = keys[0]!.split("-").map(Number) as [number, number];
  for (;;) {
    const key = `${y}-${String(m).padStart(2, "0")}`;
    if (key >= current) break;
    months.push(key);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return { months, totals: months.map((k) => sums.get(k) ?? 0) };
}

export interface RiskAccuracy {
  invoices: number;
  auc: number;
  brier: number;
  logLoss: number;
  daysMae: number;
  baseline: { auc: number; brier: number; logLoss: number; daysMae: number };
  calibration: { from: number; to: number; count: number; meanPredicted: number; observedRate: number }[];
}

function measureRisk(records: readonly InvoiceRecord[]): RiskAccuracy | null {
  const settled = records.filter((r) => r.settled !== undefined).sort((a, b) => a.issued - b.issued);
  if (settled.length < MIN_SETTLED_FOR_RISK) return null;
  const cutoff = settled[Math.floor(settled.length * 0.75)]!.issued;
  const train = records.filter((r) => r.issued < cutoff);
  const test = records.filter((r) => r.issued >= cutoff && r.settled !== undefined);
  if (train.filter((r) => r.settled !== undefined).length < 10 || test.length < 10) return null;
  const model = trainRiskModel(train, records);
  const scores = scoreInvoices(model, records, test);
  const ev = evaluateScores(test, scores);
  const base = evaluateScores(test, baselineScores(records, test, train));
  const p = new Map(scores.map((s) => [s.invoiceId, s.pLate]));
  const finite = (v: number) => (Number.isFinite(v) ? v : 0);
  return {
    invoices: ev.invoices,
    auc: finite(ev.auc),
    brier: ev.brier,
    logLoss: ev.logLoss,
    daysMae: ev.daysMae,
    baseline: { auc: finite(base.auc), brier: base.brier, logLoss: base.logLoss, daysMae: base.daysMae },
    calibration: calibrationTable(
      test.map((t) => t.settled! > t.due),
      test.map((t) => p.get(t.invoiceId)!),
    ),
  };
}

/** Each customer's next invoice as of `day`: their usual amount and terms, issued that day. */
function nextInvoices(records: readonly InvoiceRecord[], day: number): InvoiceRecord[] {
  const by = new Map<string, InvoiceRecord[]>();
  for (const r of records) if (r.issued < day) by.set(r.customerId, [...(by.get(r.customerId) ?? []), r]);
  return [...by].map(([customerId, list]) => {
    const amount = list.reduce((s, r) => s + r.amount, 0) / list.length;
    const terms = Math.round(list.reduce((s, r) => s + (r.due - r.issued), 0) / list.length);
    return { customerId, invoiceId: `next:${customerId}:${day}`, issued: day, due: day + terms, amount, disputed: false };
  });
}

export interface ModelRunSummary {
  runId: string;
  invoices: number;
  customersScored: number;
  riskAccuracy: RiskAccuracy | null;
  /** Customers moved into / out of the high-risk dunning segment by this run. */
  dunningSegments: RiskSegmentChanges;
}

export async function trainFranchiseModels(ctx: BillingContext): Promise<ModelRunSummary> {
  const now = ctx.clock.now();
  const today = now.toISOString().slice(0, 10);
  const todayDay = epochDay(today);
  const rows = await invoiceHistory(ctx.db, ctx.franchiseId, addDays(today, -HISTORY_DAYS), null);
  const records = rows.map(toRecord);
  const currency = dominantCurrency(rows);
  const series = currency ? monthlyBilling(rows, currency, today) : { months: [], totals: [] };
  const backtest =
    series.totals.length >= 15
      ? rollingOriginBacktest(series.totals, 12, 3, 6, 12)
      : rollingOriginBacktest(series.totals, 12, 1, Math.max(0, series.totals.length - 6), 6);
  const riskAccuracy = measureRisk(records);
  let model: RiskModel | undefined;
  if (records.filter((r) => r.settled !== undefined).length >= 10) model = trainRiskModel(records, records);
  const runId = newId("fmr", now.getTime());
  const scoredAt = now.toISOString();
  const scores = [];
  if (model) {
    const nowNext = nextInvoices(records, todayDay);
    const before = new Map(scoreInvoices(model, records, nextInvoices(records, todayDay - 90)).map((s) => [s.customerId, s.pLate]));
    const open = new Map<string, number>();
    for (const r of records) if (r.settled === undefined) open.set(r.customerId, (open.get(r.customerId) ?? 0) + 1);
    for (const s of scoreInvoices(model, records, nowNext))
      scores.push({
        franchiseId: ctx.franchiseId,
        customerId: s.customerId,
        runId,
        pLate: Math.min(1, Math.max(0, s.pLate)),
        expectedDaysToSettle: s.expectedDaysToSettle,
        trend: s.pLate - (before.get(s.customerId) ?? s.pLate),
        topFactors: JSON.stringify(s.topFactors),
        openInvoices: open.get(s.customerId) ?? 0,
        scoredAt,
      });
  }
  // Risk feeds dunning: high scores switch the customer to the high-risk cadence, in the same batch.
  const settings = await forecastSettingsOf(ctx.db, ctx.franchiseId);
  const dunningSegments = riskSegmentChanges(scores, await profilesWithSegment(ctx.db, ctx.franchiseId), settings.highRisk);
  await saveModelRun(
    ctx.db,
    {
      id: runId,
      franchiseId: ctx.franchiseId,
      trainedAt: scoredAt,
      invoices: records.length,
      forecastAccuracy: JSON.stringify({ currency: currency ?? null, months: series.months.length, ...backtest }),
      riskAccuracy: riskAccuracy ? JSON.stringify(riskAccuracy) : null,
      actor: ctx.actor,
    },
    scores,
    riskSegmentStatements(ctx.db, ctx.franchiseId, dunningSegments, scoredAt),
  );
  return { runId, invoices: records.length, customersScored: scores.length, riskAccuracy, dunningSegments };
}
