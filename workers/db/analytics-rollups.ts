// Statements and reads on the analytics rollup (workers/db/schema/analytics.ts). Cells travel as
// one JSON parameter per statement (json_each), so a statement binds a handful of parameters
// whatever the number of cells: D1's 100-parameter limit never comes into it.
import { sql, type SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { Db } from "./client.ts";
import { assertInBatch } from "./batch.ts";
import { chunksOf } from "./chunks.ts";
import { AMOUNT_FIELDS, type CellAmounts, type CellKey } from "../domain/analytics/cells.ts";
import type { BranchScope } from "./branch-scope.ts";
import { coverRange } from "../domain/analytics/periods.ts";

/** Cells per statement: ~150 bytes each keeps the JSON parameter far below D1's 1 MB statement size. */
export const CELLS_PER_STATEMENT = 400;

const COLUMNS = ["billed_gross", "billed_net", "credited_gross", "credited_net", "recognized", "collected", "credit_applied", "collected_days", "late_days", "overdue_delta", "invoices_issued"] as const;

export type Cell = CellKey & CellAmounts;

/**
 * A statement as SQL text and parameters. drizzle's D1 batch cannot run raw `sql` with parameters
 * (SQLiteRaw has no prepared statement to bind), so these batches go to D1 directly.
 */
export interface RawStatement {
  sql: string;
  params: unknown[];
}

const dialect = new SQLiteAsyncDialect();
const raw = (q: SQL): RawStatement => {
  const { sql: text, params } = dialect.sqlToQuery(q);
  return { sql: text, params };
};

/** assertInBatch (workers/db/batch.ts) as a raw statement: it aborts the batch unless `condition` holds. */
export function rawAssert(db: Db, code: string, condition: SQL): RawStatement {
  const { sql: text, params } = (assertInBatch(db, code, condition) as unknown as { toSQL(): { sql: string; params: unknown[] } }).toSQL();
  return { sql: text, params };
}

/** Runs the statements as one D1 batch (atomic). */
export async function runRawBatch(db: Db, statements: RawStatement[]): Promise<void> {
  if (statements.length === 0) return;
  const d1 = db.$client;
  await d1.batch(statements.map((s) => d1.prepare(s.sql).bind(...s.params)));
}

const packed = (cells: readonly Cell[]) => JSON.stringify(cells.map((c) => [c.day, c.branchId, c.serviceTypeId, c.currency, ...AMOUNT_FIELDS.map((f) => c[f])]));

/** The cells summed by month (key `day` holds the YYYY-MM month): what the same change adds to analytics_monthly. */
export function monthlyCells(cells: readonly Cell[]): Cell[] {
  const byMonth = new Map<string, Cell>();
  for (const c of cells) {
    const month = c.day.slice(0, 7);
    const id = `${month}|${c.branchId}|${c.serviceTypeId}|${c.currency}`;
    const m = byMonth.get(id);
    if (!m) byMonth.set(id, { ...c, day: month });
    else for (const f of AMOUNT_FIELDS) m[f] += c[f];
  }
  return [...byMonth.values()];
}

function upsertStatements(table: "analytics_daily" | "analytics_monthly", franchiseId: string, cells: readonly Cell[]): RawStatement[] {
  const period = table === "analytics_daily" ? "day" : "month";
  const values = COLUMNS.map((_, i) => `json_extract(value, '$[${i + 4}]')`).join(", ");
  const updates = COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(", ");
  return chunksOf([...cells], CELLS_PER_STATEMENT).map((chunk) =>
    raw(
      sql`INSERT INTO ${sql.raw(table)} (franchise_id, ${sql.raw(period)}, branch_id, service_type_id, currency, ${sql.raw(COLUMNS.join(", "))})
          SELECT ${franchiseId}, json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'), ${sql.raw(values)}
          FROM json_each(${packed(chunk)}) WHERE true
          ON CONFLICT (franchise_id, ${sql.raw(period)}, branch_id, service_type_id, currency) DO UPDATE SET ${sql.raw(updates)}`,
    ),
  );
}

/**
 * Adds the cells' amounts to the rollup (creating missing cells): the daily cells and their
 * monthly sums, as statements of the caller's one batch, so both tables always agree.
 */
export function addCellsStatements(franchiseId: string, cells: readonly Cell[]): RawStatement[] {
  return [...upsertStatements("analytics_daily", franchiseId, cells), ...upsertStatements("analytics_monthly", franchiseId, monthlyCells(cells))];
}

export function clearRollupStatements(franchiseId: string): RawStatement[] {
  return [
    raw(sql`DELETE FROM analytics_daily WHERE franchise_id = ${franchiseId}`),
    raw(sql`DELETE FROM analytics_monthly WHERE franchise_id = ${franchiseId}`),
    raw(sql`DELETE FROM analytics_applied_events WHERE franchise_id = ${franchiseId}`),
  ];
}

export function recordRebuildStatement(franchiseId: string, throughSeq: number, at: string, cells: number): RawStatement {
  return raw(
    sql`INSERT INTO analytics_state (franchise_id, rebuilt_through_seq, rebuilt_at, cells) VALUES (${franchiseId}, ${throughSeq}, ${at}, ${cells})
        ON CONFLICT (franchise_id) DO UPDATE SET rebuilt_through_seq = excluded.rebuilt_through_seq, rebuilt_at = excluded.rebuilt_at, cells = excluded.cells`,
  );
}

/** Marks an event applied; a second insert of the same seq aborts its batch (primary key), so nothing is added twice. */
export function markAppliedStatement(franchiseId: string, seq: number, at: string): RawStatement {
  return raw(sql`INSERT INTO analytics_applied_events (franchise_id, seq, applied_at) VALUES (${franchiseId}, ${seq}, ${at})`);
}

export const isDuplicateApply = (error: unknown) => error instanceof Error && /UNIQUE constraint failed: analytics_applied_events/.test(`${error.message} ${String((error as { cause?: unknown }).cause ?? "")}`);

export async function rollupState(db: Db, franchiseId: string): Promise<{ rebuiltThroughSeq: number; rebuiltAt: string; cells: number } | null> {
  const row = await db.get<{ rebuilt_through_seq: number; rebuilt_at: string; cells: number }>(
    sql`SELECT rebuilt_through_seq, rebuilt_at, cells FROM analytics_state WHERE franchise_id = ${franchiseId}`,
  );
  return row ? { rebuiltThroughSeq: row.rebuilt_through_seq, rebuiltAt: row.rebuilt_at, cells: row.cells } : null;
}

export async function maxOutboxSeq(db: Db, franchiseId: string): Promise<number> {
  const row = await db.get<{ s: number | null }>(sql`SELECT MAX(seq) AS s FROM outbox_events WHERE franchise_id = ${franchiseId}`);
  return row?.s ?? 0;
}

/** Filters shared by every rollup read. */
export interface RollupFilter {
  franchiseId: string;
  branchScope: BranchScope;
  branchId?: string | undefined;
  serviceTypeId?: string | undefined;
  currency?: string | undefined;
}

function where(f: RollupFilter, periodCondition: SQL): SQL {
  const parts: SQL[] = [sql`franchise_id = ${f.franchiseId}`, periodCondition];
  if (f.branchScope) parts.push(sql`branch_id IN (SELECT value FROM json_each(${JSON.stringify(f.branchScope)}))`);
  if (f.branchId) parts.push(sql`branch_id = ${f.branchId}`);
  if (f.serviceTypeId !== undefined) parts.push(sql`service_type_id = ${f.serviceTypeId}`);
  if (f.currency) parts.push(sql`currency = ${f.currency}`);
  return sql.join(parts, sql` AND `);
}

export type SumRow = { currency: string; group: string } & CellAmounts;

export type RollupGrouping = "none" | "month" | "branch" | "service" | "month_service" | "month_branch";

const SUMS = sql.raw(COLUMNS.map((c, i) => `COALESCE(SUM(${c}), 0) AS ${AMOUNT_FIELDS[i]}`).join(", "));
const PLAIN = sql.raw(COLUMNS.join(", "));

/** The group expression over a table whose period column is `period` (a day or a month). */
function groupExpression(groupBy: RollupGrouping, period: "day" | "month"): string {
  const month = period === "day" ? "substr(day, 1, 7)" : "month";
  return { none: "''", month, branch: "branch_id", service: "service_type_id", month_service: `${month} || '|' || service_type_id`, month_branch: `${month} || '|' || branch_id` }[groupBy];
}

export interface DayRange {
  /** null: since the first day. */
  from: string | null;
  to: string;
}

/**
 * Sums over each day range (from = null: since the first day), grouped by currency and
 * `groupBy`, in ONE query (a request's ranges cost one D1 round trip, not one each). Whole months
 * come from analytics_monthly and only the partial months at a range's ends from analytics_daily
 * (coverRange), so a three-year range reads a few thousand rows, not every daily cell. The pieces
 * travel as one JSON parameter per table and are joined in (CROSS JOIN keeps them the outer loop,
 * so each piece is an index range): two compound terms whatever the number of ranges, within
 * D1's limit of 5 terms per compound SELECT.
 */
export async function sumRollupRanges(db: Db, f: RollupFilter, ranges: readonly DayRange[], groupBy: RollupGrouping): Promise<SumRow[][]> {
  const days: [number, string, string][] = [];
  const months: [number, string, string][] = [];
  ranges.forEach((r, b) => {
    const cover = coverRange(r.from, r.to);
    for (const d of cover.days) days.push([b, d.from, d.to]);
    if (cover.months) months.push([b, cover.months.from ?? "0000-00", cover.months.to]);
  });
  const term = (table: "analytics_daily" | "analytics_monthly", period: "day" | "month", pieces: [number, string, string][]) =>
    sql`SELECT json_extract(r.value, '$[0]') AS b, currency, ${sql.raw(groupExpression(groupBy, period))} AS g, ${PLAIN}
        FROM json_each(${JSON.stringify(pieces)}) AS r CROSS JOIN ${sql.raw(table)}
        WHERE ${where(f, sql`${sql.raw(period)} BETWEEN json_extract(r.value, '$[1]') AND json_extract(r.value, '$[2]')`)}`;
  const rows = await db.all<SumRow & { b: number }>(
    sql`SELECT b, currency, g AS "group", ${SUMS} FROM (${term("analytics_daily", "day", days)} UNION ALL ${term("analytics_monthly", "month", months)})
        GROUP BY b, currency, g ORDER BY b, currency, g`,
  );
  const out: SumRow[][] = ranges.map(() => []);
  for (const { b, ...row } of rows) out[b]?.push(row);
  return out;
}

/** Sums over the days [from, to] (from = null: since the first) grouped by currency and `groupBy`. */
export async function sumRollup(db: Db, f: RollupFilter, from: string | null, to: string, groupBy: RollupGrouping): Promise<SumRow[]> {
  return (await sumRollupRanges(db, f, [{ from, to }], groupBy))[0] ?? [];
}

/** Sums over everything in one rollup table (no period bound): reconciliation compares the two tables and the documents. */
export async function sumWholeRollup(db: Db, f: RollupFilter, table: "daily" | "monthly", groupBy: RollupGrouping): Promise<SumRow[]> {
  const period = table === "daily" ? "day" : "month";
  return db.all<SumRow>(
    sql`SELECT currency, ${sql.raw(groupExpression(groupBy, period))} AS "group", ${SUMS} FROM ${sql.raw(`analytics_${table}`)} WHERE ${where(f, sql`true`)} GROUP BY currency, "group" ORDER BY currency, "group"`,
  );
}

/** Every cell of one day (the BI feed's revenue_daily partition), in key order. */
export async function cellsOfDay(db: Db, franchiseId: string, day: string): Promise<Cell[]> {
  const cols = COLUMNS.map((c, i) => `${c} AS ${AMOUNT_FIELDS[i]}`).join(", ");
  return db.all<Cell>(
    sql`SELECT day, branch_id AS branchId, service_type_id AS serviceTypeId, currency, ${sql.raw(cols)} FROM analytics_daily
        WHERE franchise_id = ${franchiseId} AND day = ${day} ORDER BY branch_id, service_type_id, currency`,
  );
}
