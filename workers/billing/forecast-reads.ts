// What the Forecast page and API read: the cash-flow forecast (computed on request from a
// bounded invoice history), the latest run's measured accuracy, and risk scores.
import { cashflowForecast, type CashflowBucket } from "../domain/forecast/cashflow.ts";
import { addDays, epochDay, fromEpochDay } from "../domain/dates.ts";
import { notFound } from "../domain/errors.ts";
import {
  customerExists,
  customerRiskScore,
  customerSegments,
  expectedDaysByCustomer,
  invoiceHistory,
  latestModelRun,
  listRiskScores,
  monthlyCollections,
  type RiskScoreRow,
} from "../db/forecast.ts";
import type { BillingContext } from "./context.ts";
import { dominantCurrency, HISTORY_DAYS, monthlyBilling, type RiskAccuracy, toRecord } from "./forecast-training.ts";

export interface CashflowPeriod extends Omit<CashflowBucket, "start" | "end"> {
  start: string;
  end: string;
}

export interface CashflowView {
  currency: string | null;
  asOf: string;
  weeks: CashflowPeriod[];
  months: CashflowPeriod[];
  actuals: { month: string; amount: number }[];
  source: { openInvoices: number; customersWithOwnHistory: number; segmentHistory: number; networkHistory: number; networkPayments: number; billingMonths: number };
}

function monthStarts(today: string, count: number): number[] {
  let y = Number(today.slice(0, 4));
  let m = Number(today.slice(5, 7));
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    out.push(epochDay(`${y}-${String(m).padStart(2, "0")}-01`));
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}

export async function cashflowView(ctx: BillingContext, requestedCurrency?: string): Promise<CashflowView> {
  const today = ctx.clock.now().toISOString().slice(0, 10);
  const rows = await invoiceHistory(ctx.db, ctx.franchiseId, addDays(today, -HISTORY_DAYS), ctx.branchScope);
  const currency = requestedCurrency ?? dominantCurrency(rows) ?? null;
  const inCurrency = rows.filter((r) => r.currency === currency);
  const daysToPay = new Map<string, number[]>();
  for (const rec of inCurrency.map(toRecord))
    if (rec.settled !== undefined) daysToPay.set(rec.customerId, [...(daysToPay.get(rec.customerId) ?? []), rec.settled - rec.issued]);
  const expected = await expectedDaysByCustomer(ctx.db, ctx.franchiseId);
  const segments = await customerSegments(ctx.db, ctx.franchiseId, [...new Set(inCurrency.map((r) => r.customerId))]);
  const open = inCurrency
    .filter((r) => r.status !== "paid" && r.outstanding > 0)
    .map((r) => ({
      customerId: r.customerId,
      issued: epochDay(r.issueDate.slice(0, 10)),
      outstanding: r.outstanding,
      expectedDays: expected.get(r.customerId),
    }));
  const billing = currency ? monthlyBilling(inCurrency, currency, today) : { months: [], totals: [] };
  const fc = cashflowForecast({
    today: epochDay(today),
    open,
    customerDaysToPay: daysToPay,
    customerSegment: segments,
    monthlyBilling: billing.totals,
    monthStarts: monthStarts(today, 13),
  });
  const dated = (b: CashflowBucket): CashflowPeriod => ({ ...b, start: fromEpochDay(b.start), end: fromEpochDay(b.end - 1) });
  const actuals = currency ? await monthlyCollections(ctx.db, ctx.franchiseId, currency, `${addDays(today, -365).slice(0, 7)}-01`) : [];
  return {
    currency,
    asOf: today,
    weeks: fc.weeks.map(dated),
    months: fc.months.map(dated),
    actuals,
    source: { ...fc.source, billingMonths: billing.months.length },
  };
}

export interface AccuracyView {
  runId: string | null;
  trainedAt: string | null;
  /** Who asked for the run: an API key, a staff user or system:forecast-cron. */
  trainedBy: string | null;
  forecast: unknown;
  risk: RiskAccuracy | null;
}

export async function accuracyView(ctx: BillingContext): Promise<AccuracyView> {
  const run = await latestModelRun(ctx.db, ctx.franchiseId);
  if (!run) return { runId: null, trainedAt: null, trainedBy: null, forecast: null, risk: null };
  return {
    runId: run.id,
    trainedAt: run.trainedAt,
    trainedBy: run.actor,
    forecast: JSON.parse(run.forecastAccuracy),
    risk: run.riskAccuracy ? (JSON.parse(run.riskAccuracy) as RiskAccuracy) : null,
  };
}

export interface RiskView {
  customerId: string;
  customerName?: string;
  pLate: number | null;
  expectedDaysToSettle: number | null;
  trend: number | null;
  topFactors: { feature: string; contribution: number }[];
  openInvoices: number;
  scoredAt: string | null;
  runId: string | null;
}

export function riskView(row: RiskScoreRow & { customerName?: string }): RiskView {
  return {
    customerId: row.customerId,
    ...(row.customerName !== undefined ? { customerName: row.customerName } : {}),
    pLate: row.pLate,
    expectedDaysToSettle: row.expectedDaysToSettle,
    trend: row.trend,
    topFactors: JSON.parse(row.topFactors),
    openInvoices: row.openInvoices,
    scoredAt: row.scoredAt,
    runId: row.runId,
  };
}

export async function customerRisk(ctx: BillingContext, customerId: string): Promise<RiskView> {
  if (!(await customerExists(ctx.db, ctx.franchiseId, customerId))) throw notFound("customer", customerId);
  const row = await customerRiskScore(ctx.db, ctx.franchiseId, customerId);
  if (!row) return { customerId, pLate: null, expectedDaysToSettle: null, trend: null, topFactors: [], openInvoices: 0, scoredAt: null, runId: null };
  return riskView(row);
}

export async function riskList(ctx: BillingContext, limit: number, after?: { pLate: number; customerId: string }) {
  return listRiskScores(ctx.db, ctx.franchiseId, limit + 1, after);
}
