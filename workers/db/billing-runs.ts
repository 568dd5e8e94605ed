// Billing runs and their work lists (issue 13): reads scoped by franchise, and the statements
// the submit / plan / chunk steps run. Bulk rows travel as one JSON parameter (json_each), so
// every statement binds a handful of parameters whatever the chunk size (D1 allows 100).
import { and, asc, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Statement } from "./batch.ts";
import { rawStatement } from "./raw-statement.ts";
import type { Db } from "./client.ts";
import { billingRunInvoices, billingRunItems, billingRuns } from "./schema/billing-runs.ts";

export type BillingRunRow = typeof billingRuns.$inferSelect;
export type BillingRunItemRow = typeof billingRunItems.$inferSelect;

export interface NewRunItem {
  position: number;
  customerId: string;
  billingKeys: string[];
  /** DraftLineInput[] */
  lines: unknown[];
}

export function insertRunStatement(db: Db, run: typeof billingRuns.$inferInsert): Statement {
  return db.insert(billingRuns).values(run);
}

/** Items of a run in one statement; INSERT OR IGNORE so a re-executed plan step adds nothing twice. */
export function insertRunItemsStatement(db: Db, franchiseId: string, runId: string, items: NewRunItem[]): Statement {
  const rows = items.map((i) => ({ position: i.position, customer_id: i.customerId, billing_keys: JSON.stringify(i.billingKeys), lines: JSON.stringify(i.lines) }));
  return rawStatement(db, sql`INSERT OR IGNORE INTO billing_run_items (run_id, position, franchise_id, customer_id, billing_keys, lines, status)
    SELECT ${runId}, json_extract(value, '$.position'), ${franchiseId}, json_extract(value, '$.customer_id'), json_extract(value, '$.billing_keys'), json_extract(value, '$.lines'), 'planned'
    FROM json_each(${JSON.stringify(rows)})`);
}

/**
 * The run's counters, recomputed from its items (not incremented), so a statement that runs
 * twice (a retried step, a redelivered chunk) can never count anything twice.
 */
export function runCountersUpdate(db: Db, franchiseId: string, runId: string, now: string): Statement {
  return rawStatement(db, sql`UPDATE billing_runs SET
      planned = (SELECT COUNT(*) FROM billing_run_items WHERE run_id = ${runId}),
      issued = (SELECT COUNT(*) FROM billing_run_items WHERE run_id = ${runId} AND status = 'issued'),
      created = (SELECT COUNT(*) FROM billing_run_items WHERE run_id = ${runId} AND status = 'issued'),
      failed = (SELECT COUNT(*) FROM billing_run_items WHERE run_id = ${runId} AND status = 'failed'),
      updated_at = ${now}
    WHERE id = ${runId} AND franchise_id = ${franchiseId}`);
}

/** A block's invoices, created and issued in the batch this statement is part of. */
export function runProgressIncrement(db: Db, franchiseId: string, runId: string, invoices: number, now: string): Statement {
  return rawStatement(db, sql`UPDATE billing_runs SET created = created + ${invoices}, issued = issued + ${invoices}, updated_at = ${now}
    WHERE id = ${runId} AND franchise_id = ${franchiseId}`);
}

/** The run's clock starts when the workflow first picks it up (before planning); a re-run keeps the first time. */
export async function markRunStarted(db: Db, franchiseId: string, runId: string, now: string): Promise<void> {
  await db.run(sql`UPDATE billing_runs SET started_at = COALESCE(started_at, ${now}) WHERE id = ${runId} AND franchise_id = ${franchiseId}`);
}

export function setRunStatusStatement(db: Db, franchiseId: string, runId: string, status: BillingRunRow["status"], now: string, error: string | null = null): Statement {
  const finished = status === "done" || status === "failed" ? now : null;
  return rawStatement(db, sql`UPDATE billing_runs SET status = ${status}, error = COALESCE(${error}, error), updated_at = ${now}, finished_at = COALESCE(finished_at, ${finished})
    WHERE id = ${runId} AND franchise_id = ${franchiseId} AND status NOT IN ('done', 'failed')`);
}

export interface ItemFailure {
  position: number;
  code: string;
  message: string;
}

export function markItemsFailedStatement(db: Db, runId: string, failures: ItemFailure[]): Statement {
  return rawStatement(db, sql`UPDATE billing_run_items SET status = 'failed',
      error_code = (SELECT json_extract(value, '$.code') FROM json_each(${JSON.stringify(failures)}) WHERE json_extract(value, '$.position') = billing_run_items.position),
      error_message = (SELECT json_extract(value, '$.message') FROM json_each(${JSON.stringify(failures)}) WHERE json_extract(value, '$.position') = billing_run_items.position)
    WHERE run_id = ${runId} AND status = 'planned' AND position IN (SELECT json_extract(value, '$.position') FROM json_each(${JSON.stringify(failures)}))`);
}

export async function getRun(db: Db, franchiseId: string, runId: string): Promise<BillingRunRow | undefined> {
  return db.select().from(billingRuns).where(and(eq(billingRuns.franchiseId, franchiseId), eq(billingRuns.id, runId))).get();
}

export async function getRunForPeriod(db: Db, franchiseId: string, branchId: string, period: string): Promise<BillingRunRow | undefined> {
  return db.select().from(billingRuns).where(and(eq(billingRuns.franchiseId, franchiseId), eq(billingRuns.branchId, branchId), eq(billingRuns.period, period))).get();
}

export async function listRuns(db: Db, franchiseId: string, opts: { before?: string | undefined; branchIds?: readonly string[] | null; limit: number }): Promise<BillingRunRow[]> {
  const conditions = [eq(billingRuns.franchiseId, franchiseId)];
  if (opts.before) conditions.push(lt(billingRuns.id, opts.before));
  if (opts.branchIds) conditions.push(inArray(billingRuns.branchId, [...opts.branchIds]));
  return db.select().from(billingRuns).where(and(...conditions)).orderBy(desc(billingRuns.id)).limit(opts.limit + 1).all();
}

/** A planned item with what pricing it needs: its customer (null if unknown) and the first of its keys already invoiced. */
export interface ChunkWorkItem {
  position: number;
  customerId: string;
  billingKeys: string;
  lines: string;
  customer: { id: string; status: string; name: string; email: string | null; taxId: string | null; address: string | null } | null;
  billedKey: string | null;
}

/**
 * Planned items of positions [from, to) (one chunk's work) in ONE statement: each item with its
 * customer (same franchise) and whether any of its billing keys was already invoiced by any run,
 * instead of three reads per chunk. CROSS JOIN makes SQLite walk the item's few keys and look each
 * up by primary key; with a plain JOIN it scanned the franchise's whole ledger once per item.
 */
export async function chunkWork(db: Db, franchiseId: string, runId: string, from: number, to: number): Promise<ChunkWorkItem[]> {
  const rows = await db.all<{ position: number; customer_id: string; billing_keys: string; lines: string; c_id: string | null; c_status: string; c_name: string; c_email: string | null; c_tax_id: string | null; c_address: string | null; billed_key: string | null }>(sql`
    SELECT i.position, i.customer_id, i.billing_keys, i.lines, c.id AS c_id, c.status AS c_status, c.name AS c_name, c.email AS c_email, c.tax_id AS c_tax_id, c.address AS c_address,
      (SELECT k.value FROM json_each(i.billing_keys) AS k CROSS JOIN billing_run_invoices AS b ON b.franchise_id = ${franchiseId} AND b.billing_key = k.value LIMIT 1) AS billed_key
    FROM billing_run_items AS i LEFT JOIN customers AS c ON c.id = i.customer_id AND c.franchise_id = ${franchiseId}
    WHERE i.run_id = ${runId} AND i.franchise_id = ${franchiseId} AND i.status = 'planned' AND i.position >= ${from} AND i.position < ${to}
    ORDER BY i.position`);
  return rows.map((r) => ({
    position: r.position,
    customerId: r.customer_id,
    billingKeys: r.billing_keys,
    lines: r.lines,
    customer: r.c_id === null ? null : { id: r.c_id, status: r.c_status, name: r.c_name, email: r.c_email, taxId: r.c_tax_id, address: r.c_address },
    billedKey: r.billed_key,
  }));
}

export async function failedItems(db: Db, franchiseId: string, runId: string, limit: number): Promise<BillingRunItemRow[]> {
  return db
    .select()
    .from(billingRunItems)
    .where(and(eq(billingRunItems.runId, runId), eq(billingRunItems.franchiseId, franchiseId), eq(billingRunItems.status, "failed")))
    .orderBy(asc(billingRunItems.position))
    .limit(limit)
    .all();
}

export async function countItems(db: Db, runId: string): Promise<number> {
  const row = await db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM billing_run_items WHERE run_id = ${runId}`);
  return row?.n ?? 0;
}

/** Runs that should be moving: queued or running, untouched since `before` (the restart sweeper). */
export async function staleRuns(db: Db, before: string, limit: number): Promise<BillingRunRow[]> {
  return db.select().from(billingRuns).where(and(inArray(billingRuns.status, ["queued", "running"]), lt(billingRuns.updatedAt, before))).orderBy(asc(billingRuns.updatedAt)).limit(limit).all();
}
