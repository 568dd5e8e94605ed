// Analytics read models (issue 11): daily rollups by day × branch × service type × currency,
// maintained from the domain-event stream and rebuildable from the billing tables. Documented
// for other capabilities in docs/analytics.md.
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

const amount = (name: string) => integer(name).notNull().default(0);

/** One cell of the rollup. Amounts are signed integer minor units of `currency` (see workers/domain/analytics/cells.ts). */
export const analyticsDaily = sqliteTable(
  "analytics_daily",
  {
    franchiseId: text("franchise_id").notNull(),
    day: text("day").notNull(),
    branchId: text("branch_id").notNull(),
    /** "" = invoice-level figures (gross, cash, overdue) and lines without a service type. */
    serviceTypeId: text("service_type_id").notNull(),
    currency: text("currency").notNull(),
    billedGross: amount("billed_gross"),
    billedNet: amount("billed_net"),
    creditedGross: amount("credited_gross"),
    creditedNet: amount("credited_net"),
    recognized: amount("recognized"),
    collected: amount("collected"),
    creditApplied: amount("credit_applied"),
    collectedDays: amount("collected_days"),
    lateDays: amount("late_days"),
    overdueDelta: amount("overdue_delta"),
    invoicesIssued: amount("invoices_issued"),
  },
  (t) => [
    primaryKey({ columns: [t.franchiseId, t.day, t.branchId, t.serviceTypeId, t.currency] }),
    index("analytics_daily_branch_day").on(t.franchiseId, t.branchId, t.day),
  ],
);

/**
 * The same cells summed by calendar month, written in the same batch as the daily cells: a read
 * over a long range takes its whole months from here (~30× fewer rows) and only the partial
 * months at its ends from analytics_daily (workers/domain/analytics/periods.ts coverRange).
 */
export const analyticsMonthly = sqliteTable(
  "analytics_monthly",
  {
    franchiseId: text("franchise_id").notNull(),
    /** YYYY-MM */
    month: text("month").notNull(),
    branchId: text("branch_id").notNull(),
    serviceTypeId: text("service_type_id").notNull(),
    currency: text("currency").notNull(),
    billedGross: amount("billed_gross"),
    billedNet: amount("billed_net"),
    creditedGross: amount("credited_gross"),
    creditedNet: amount("credited_net"),
    recognized: amount("recognized"),
    collected: amount("collected"),
    creditApplied: amount("credit_applied"),
    collectedDays: amount("collected_days"),
    lateDays: amount("late_days"),
    overdueDelta: amount("overdue_delta"),
    invoicesIssued: amount("invoices_issued"),
  },
  (t) => [
    primaryKey({ columns: [t.franchiseId, t.month, t.branchId, t.serviceTypeId, t.currency] }),
    index("analytics_monthly_branch_month").on(t.franchiseId, t.branchId, t.month),
  ],
);

/** Events already folded into the rollup, by franchise seq: a redelivered event adds nothing twice. */
export const analyticsAppliedEvents = sqliteTable(
  "analytics_applied_events",
  {
    franchiseId: text("franchise_id").notNull(),
    seq: integer("seq").notNull(),
    appliedAt: text("applied_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.franchiseId, t.seq] })],
);

/** Per franchise: the last rebuild, and the outbox seq it covers (events up to it are in the rebuilt cells). */
export const analyticsState = sqliteTable("analytics_state", {
  franchiseId: text("franchise_id").primaryKey(),
  rebuiltThroughSeq: integer("rebuilt_through_seq").notNull(),
  rebuiltAt: text("rebuilt_at").notNull(),
  cells: integer("cells").notNull(),
});

/** BI exports (POST /v1/bi/exports and the daily cron): one row per run, with its progress. */
export const biExports = sqliteTable(
  "bi_exports",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull(),
    date: text("date").notNull(),
    status: text("status").notNull(), // queued | running | done | failed
    tablesDone: integer("tables_done").notNull().default(0),
    tablesTotal: integer("tables_total").notNull(),
    rows: integer("rows").notNull().default(0),
    error: text("error"),
    requestedBy: text("requested_by").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("bi_exports_franchise").on(t.franchiseId, t.id)],
);
