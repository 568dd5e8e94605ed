// The BI tables of the capabilities built on billing (documented in docs/bi.md): the cash-flow
// forecast, risk scores, dunning KPIs and ERP sync KPIs. Each reads its capability's tables
// through the small queries in workers/bi/sources/ and never writes them.
import type { BillingContext } from "../billing/context.ts";
import { SUPPRESSION_REASONS } from "../domain/dunning/planner.ts";
import { percentile } from "../domain/erp/sync-state.ts";
import type { BiColumn, BiRow } from "./parquet.ts";
import { collectedAfterReminderOfDay, communicationCountsOfDay } from "./sources/dunning.ts";
import { cashForecasts, riskScores } from "./sources/forecast.ts";
import { attemptCountsOfDay, conflictsOfDay, connections, syncedLagsOfDay } from "./sources/sync.ts";
import type { BiTable } from "./tables.ts";

const int = (name: string, nullable = false): BiColumn => ({ name, type: "int64", ...(nullable ? { nullable } : {}) });
const num = (name: string, nullable = false): BiColumn => ({ name, type: "double", ...(nullable ? { nullable } : {}) });
const text = (name: string, nullable = false): BiColumn => ({ name, type: "string", ...(nullable ? { nullable } : {}) });
const date = (name: string): BiColumn => ({ name, type: "date" });

/** The model behind the forecast's new-billing part (workers/domain/forecast/cashflow.ts). */
export const CASHFLOW_MODEL = "cashflow:history+combination";

const cashForecast: BiTable = {
  name: "cash_forecast",
  description:
    "the latest cash-flow forecast when the export ran, per branch (null = network-wide) × currency × period (13 weeks, 12 months): expected collections with 80 %/95 % bounds, as GET /v1/analytics/forecast/cashflow",
  columns: [
    date("as_of"),
    text("branch_id", true),
    text("currency"),
    text("granularity"),
    date("period_start"),
    date("period_end"),
    int("expected"),
    int("from_open_invoices"),
    int("from_new_billing"),
    int("lower_80"),
    int("upper_80"),
    int("lower_95"),
    int("upper_95"),
    text("model"),
    text("model_run_id", true),
    text("trained_at", true),
  ],
  async rows(ctx: BillingContext): Promise<BiRow[]> {
    const { scopes, run } = await cashForecasts(ctx);
    const rows: BiRow[] = [];
    for (const s of scopes) {
      for (const [granularity, periods] of [["week", s.view.weeks], ["month", s.view.months]] as const) {
        for (const p of periods) {
          rows.push({
            as_of: s.view.asOf,
            branch_id: s.branchId,
            currency: s.currency,
            granularity,
            period_start: p.start,
            period_end: p.end,
            expected: p.expected,
            from_open_invoices: p.fromOpenInvoices,
            from_new_billing: p.fromNewBilling,
            lower_80: p.lo80,
            upper_80: p.hi80,
            lower_95: p.lo95,
            upper_95: p.hi95,
            model: CASHFLOW_MODEL,
            model_run_id: run?.id ?? null,
            trained_at: run?.trainedAt ?? null,
          });
        }
      }
    }
    return rows;
  },
};

/** high: at or above the franchise's high-risk entry threshold; elevated: at or above its exit threshold. */
export function riskBand(pLate: number, enter: number, exit: number): "high" | "elevated" | "low" {
  return pLate >= enter ? "high" : pLate >= exit ? "elevated" : "low";
}

const riskScoresTable: BiTable = {
  name: "risk_scores",
  description: "each scored customer's late-payment score of the latest training run when the export ran (ids only, no personal data), as GET /v1/analytics/forecast/risk",
  columns: [
    date("as_of"),
    text("customer_id"),
    num("p_late"),
    num("p_churn", true),
    text("band"),
    num("expected_days_to_settle"),
    num("trend"),
    int("open_invoices"),
    text("model_version"),
    text("scored_at"),
  ],
  async rows(ctx: BillingContext, date: string): Promise<BiRow[]> {
    const { rows, enter, exit } = await riskScores(ctx);
    return rows.map((r) => ({
      as_of: date,
      customer_id: r.customerId,
      p_late: r.pLate,
      // No churn model exists yet (workers/forecast scores late payment only): null, not a guess.
      p_churn: null,
      band: riskBand(r.pLate, enter, exit),
      expected_days_to_settle: r.expectedDaysToSettle,
      trend: r.trend,
      open_invoices: r.openInvoices,
      model_version: r.runId,
      scored_at: r.scoredAt,
    }));
  },
};

const suppressedColumn = (reason: string) => `suppressed_${reason}`;

/** The communications kinds the table counts, and their column. */
const KIND_COLUMNS: Record<string, string> = { sent: "sent", delivered: "delivered", failed: "failed", suppressed: "suppressed", opt_out: "opt_outs", opt_in: "opt_ins", escalation: "escalations_opened", escalation_resolved: "escalations_resolved" };

const dunningKpis: BiTable = {
  name: "dunning_kpis",
  description:
    "the dunning history of the day per branch × currency × channel: reminders sent, delivered, failed, suppressed (by reason), opt-outs, escalations, and cash that followed a reminder (last touch, 14 days)",
  columns: [
    date("day"),
    text("branch_id", true),
    text("currency", true),
    text("channel", true),
    int("sent"),
    int("delivered"),
    int("failed"),
    int("suppressed"),
    ...SUPPRESSION_REASONS.map((r) => int(suppressedColumn(r))),
    int("suppressed_other"),
    int("opt_outs"),
    int("opt_ins"),
    int("escalations_opened"),
    int("escalations_resolved"),
    int("collected_after_reminder"),
    int("invoices_paid_after_reminder"),
  ],
  async rows(ctx: BillingContext, date: string): Promise<BiRow[]> {
    const [counts, cash] = await Promise.all([communicationCountsOfDay(ctx.db, ctx.franchiseId, date), collectedAfterReminderOfDay(ctx.db, ctx.franchiseId, date)]);
    const rows = new Map<string, BiRow>();
    const row = (branchId: string | null, currency: string | null, channel: string | null): BiRow => {
      const k = `${branchId}|${currency}|${channel}`;
      let r = rows.get(k);
      if (!r) {
        r = { day: date, branch_id: branchId, currency, channel, sent: 0, delivered: 0, failed: 0, suppressed: 0 };
        for (const reason of SUPPRESSION_REASONS) r[suppressedColumn(reason)] = 0;
        Object.assign(r, { suppressed_other: 0, opt_outs: 0, opt_ins: 0, escalations_opened: 0, escalations_resolved: 0, collected_after_reminder: 0, invoices_paid_after_reminder: 0 });
        rows.set(k, r);
      }
      return r;
    };
    const add = (r: BiRow, col: string, n: number) => {
      r[col] = (r[col] as number) + n;
    };
    for (const c of counts) {
      const col = KIND_COLUMNS[c.kind];
      // Disputes and promises to pay are the receivables' story, not a reminder's: not counted here.
      if (col === undefined) continue;
      const r = row(c.branchId, c.currency, c.channel);
      add(r, col, c.n);
      if (c.kind === "suppressed") add(r, (SUPPRESSION_REASONS as readonly string[]).includes(c.reason ?? "") ? suppressedColumn(c.reason as string) : "suppressed_other", c.n);
    }
    for (const c of cash) {
      const r = row(c.branchId, c.currency, c.channel);
      add(r, "collected_after_reminder", c.amount);
      add(r, "invoices_paid_after_reminder", c.invoices);
    }
    const key = (v: unknown) => (v === null ? "" : String(v));
    return [...rows.values()].sort((a, b) => key(a.branch_id).localeCompare(key(b.branch_id)) || key(a.currency).localeCompare(key(b.currency)) || key(a.channel).localeCompare(key(b.channel)));
  },
};

/** Seconds to one decimal, as the integration status reports them. */
const tenths = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

const syncKpis: BiTable = {
  name: "sync_kpis",
  description: "per day × ERP connection: records synced, failed and retried attempts, conflicts raised, and p50/p95 issue-to-synced lag of the records synced that day",
  columns: [
    date("day"),
    text("connection_id"),
    text("provider"),
    int("records_synced"),
    int("attempts"),
    int("attempts_failed"),
    int("attempts_retried"),
    int("conflicts"),
    num("lag_p50_seconds", true),
    num("lag_p95_seconds", true),
  ],
  async rows(ctx: BillingContext, date: string): Promise<BiRow[]> {
    const [conns, lags, attempts, conflicts] = await Promise.all([
      connections(ctx.db, ctx.franchiseId),
      syncedLagsOfDay(ctx.db, ctx.franchiseId, date),
      attemptCountsOfDay(ctx.db, ctx.franchiseId, date),
      conflictsOfDay(ctx.db, ctx.franchiseId, date),
    ]);
    const rows: BiRow[] = [];
    for (const c of conns) {
      const mine = lags.filter((l) => l.connectionId === c.id).map((l) => l.lag);
      const a = attempts.find((x) => x.connectionId === c.id);
      const conflictsRaised = conflicts.find((x) => x.connectionId === c.id)?.n ?? 0;
      // A connection with nothing that day has no row (a partition lists activity, not every connection).
      if (mine.length === 0 && !a && conflictsRaised === 0) continue;
      rows.push({
        day: date,
        connection_id: c.id,
        provider: c.provider,
        records_synced: mine.length,
        attempts: a?.attempts ?? 0,
        attempts_failed: a?.failed ?? 0,
        attempts_retried: a?.retried ?? 0,
        conflicts: conflictsRaised,
        lag_p50_seconds: tenths(percentile(mine, 50)),
        lag_p95_seconds: tenths(percentile(mine, 95)),
      });
    }
    return rows;
  },
};

export const CAPABILITY_TABLES: readonly BiTable[] = [cashForecast, riskScoresTable, dunningKpis, syncKpis];
