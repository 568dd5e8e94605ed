// Reads and writes for forecasting and risk (issue 12). Every statement is scoped by
// franchise_id, reads are bounded aggregates (a window and a row cap), and a model run's
// results replace the franchise's previous scores in one batch.
import { and, desc, eq, gte, inArray, sql } from "drizzle-orm";
import type { BranchScope } from "./branch-scope.ts";
import { inBranchScope } from "./branch-scope.ts";
import { runBatch, type Statement } from "./batch.ts";
import { selectInChunks, statementsInChunks } from "./chunks.ts";
import type { Db } from "./client.ts";
import { customers, invoices, paymentAllocations, payments } from "./schema.ts";
import { customerRiskScores, forecastModelRuns, forecastSettings } from "./schema/forecast.ts";

/** At most this many invoices feed one training run or forecast (the newest, within the window). */
export const HISTORY_ROW_CAP = 20_000;

export interface InvoiceHistoryRow {
  id: string;
  customerId: string;
  currency: string;
  issueDate: string;
  dueDate: string | null;
  total: number;
  outstanding: number;
  status: string;
  /** received_at of the last payment allocated to it (the settlement day once paid). */
  lastPaidAt: string | null;
  updatedAt: string;
}

/** Issued, part-paid and paid invoices issued on or after `since`, with their last payment day. */
export async function invoiceHistory(db: Db, franchiseId: string, since: string, scope: BranchScope, cap = HISTORY_ROW_CAP): Promise<InvoiceHistoryRow[]> {
  const rows = await db
    .select({
      id: invoices.id,
      customerId: invoices.customerId,
      currency: invoices.currency,
      issueDate: sql<string>`${invoices.issueDate}`,
      dueDate: invoices.dueDate,
      total: invoices.total,
      outstanding: sql<number>`${invoices.total} - ${invoices.amountPaid} - ${invoices.amountCredited}`,
      status: invoices.status,
      lastPaidAt: sql<string | null>`max(${payments.receivedAt})`,
      updatedAt: invoices.updatedAt,
    })
    .from(invoices)
    .leftJoin(paymentAllocations, and(eq(paymentAllocations.invoiceId, invoices.id), eq(paymentAllocations.franchiseId, franchiseId)))
    .leftJoin(payments, and(eq(payments.id, paymentAllocations.paymentId), eq(payments.franchiseId, franchiseId)))
    .where(
      and(
        eq(invoices.franchiseId, franchiseId),
        inArray(invoices.status, ["issued", "partially_paid", "paid"]),
        gte(invoices.issueDate, since),
        inBranchScope(invoices.branchId, scope),
      ),
    )
    .groupBy(invoices.id)
    .orderBy(desc(invoices.issueDate))
    .limit(cap)
    .all();
  return rows.reverse();
}

export type ModelRunRow = typeof forecastModelRuns.$inferSelect;
export type RiskScoreRow = typeof customerRiskScores.$inferSelect;

export async function latestModelRun(db: Db, franchiseId: string): Promise<ModelRunRow | undefined> {
  return db
    .select()
    .from(forecastModelRuns)
    .where(eq(forecastModelRuns.franchiseId, franchiseId))
    .orderBy(desc(forecastModelRuns.trainedAt), desc(forecastModelRuns.id))
    .limit(1)
    .get();
}

/** The run and its scores replace the previous scores, in one batch with `also` (the dunning segments that follow from them). */
export async function saveModelRun(
  db: Db,
  run: typeof forecastModelRuns.$inferInsert,
  scores: (typeof customerRiskScores.$inferInsert)[],
  also: Statement[] = [],
): Promise<void> {
  const statements: Statement[] = [
    db.insert(forecastModelRuns).values(run),
    db.delete(customerRiskScores).where(eq(customerRiskScores.franchiseId, run.franchiseId)),
  ];
  statements.push(...statementsInChunks(scores, (chunk) => db.insert(customerRiskScores).values(chunk)), ...also);
  await runBatch(db, statements);
}

export interface RiskListRow extends RiskScoreRow {
  customerName: string;
}

/** Highest risk first; `afterP`/`afterId` continue a page. */
export async function listRiskScores(db: Db, franchiseId: string, limit: number, after?: { pLate: number; customerId: string }): Promise<RiskListRow[]> {
  const cursor = after
    ? sql`(${customerRiskScores.pLate} < ${after.pLate} OR (${customerRiskScores.pLate} = ${after.pLate} AND ${customerRiskScores.customerId} > ${after.customerId}))`
    : undefined;
  const rows = await db
    .select({ score: customerRiskScores, customerName: customers.name })
    .from(customerRiskScores)
    .innerJoin(customers, and(eq(customers.id, customerRiskScores.customerId), eq(customers.franchiseId, franchiseId)))
    .where(and(eq(customerRiskScores.franchiseId, franchiseId), cursor))
    .orderBy(desc(customerRiskScores.pLate), customerRiskScores.customerId)
    .limit(limit)
    .all();
  return rows.map((r) => ({ ...r.score, customerName: r.customerName }));
}

export async function customerRiskScore(db: Db, franchiseId: string, customerId: string): Promise<RiskScoreRow | undefined> {
  return db
    .select()
    .from(customerRiskScores)
    .where(and(eq(customerRiskScores.franchiseId, franchiseId), eq(customerRiskScores.customerId, customerId)))
    .get();
}

export async function customerExists(db: Db, franchiseId: string, customerId: string): Promise<boolean> {
  const row = await db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.franchiseId, franchiseId), eq(customers.id, customerId)))
    .get();
  return row !== undefined;
}

/** Payments received per calendar month (YYYY-MM) in `currency` since `since`: the actuals under the forecast. */
export async function monthlyCollections(db: Db, franchiseId: string, currency: string, since: string): Promise<{ month: string; amount: number }[]> {
  return db
    .select({ month: sql<string>`substr(${payments.receivedAt}, 1, 7)`, amount: sql<number>`sum(${payments.amount})` })
    .from(payments)
    .where(and(eq(payments.franchiseId, franchiseId), eq(payments.currency, currency), gte(payments.receivedAt, since)))
    .groupBy(sql`substr(${payments.receivedAt}, 1, 7)`)
    .orderBy(sql`substr(${payments.receivedAt}, 1, 7)`)
    .all();
}

/** Expected days to settle per scored customer (conditions the cash-flow forecast on risk). */
export async function expectedDaysByCustomer(db: Db, franchiseId: string): Promise<Map<string, number>> {
  const rows = await db
    .select({ customerId: customerRiskScores.customerId, days: customerRiskScores.expectedDaysToSettle })
    .from(customerRiskScores)
    .where(eq(customerRiskScores.franchiseId, franchiseId))
    .all();
  return new Map(rows.map((r) => [r.customerId, r.days]));
}

/** Each listed customer's segment (the cash-flow forecast's fallback below their own history). */
export async function customerSegments(db: Db, franchiseId: string, customerIds: readonly string[]): Promise<Map<string, string>> {
  const rows = await selectInChunks(customerIds, (chunk) =>
    db
      .select({ id: customers.id, segment: customers.segment })
      .from(customers)
      .where(and(eq(customers.franchiseId, franchiseId), inArray(customers.id, chunk))),
  );
  return new Map(rows.map((r) => [r.id, r.segment]));
}

export type ForecastSettingsRow = typeof forecastSettings.$inferSelect;

export async function getForecastSettings(db: Db, franchiseId: string): Promise<ForecastSettingsRow | undefined> {
  return db.select().from(forecastSettings).where(eq(forecastSettings.franchiseId, franchiseId)).get();
}

export function forecastSettingsUpsert(db: Db, row: ForecastSettingsRow): Statement {
  const { franchiseId: _id, ...set } = row;
  return db.insert(forecastSettings).values(row).onConflictDoUpdate({ target: forecastSettings.franchiseId, set });
}
