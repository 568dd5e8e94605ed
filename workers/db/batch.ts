// Helpers for "one logical change = one D1 batch".
import { sql, type SQL } from "drizzle-orm";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "./client.ts";
import { chunksOf, itemsPerStatement } from "./chunks.ts";

export type Statement = BatchItem<"sqlite">;

/** Runs the statements atomically. D1 rejects empty batches, so the tuple type is asserted. */
export async function runBatch(db: Db, statements: Statement[]) {
  if (statements.length === 0) return [];
  return db.batch(statements as [Statement, ...Statement[]]);
}

// The view from migration 0001, described as a table so drizzle can insert into it inside a
// batch. Deliberately not in schema.ts: drizzle-kit must not generate a table for it.
const batchAssertions = sqliteTable("batch_assertions", { code: text("code").notNull(), ok: integer("ok").notNull() });

/**
 * A statement that aborts its batch unless `condition` (an SQL boolean) holds, through the
 * batch_assertions view of migration 0001. Put it first so nothing before it is applied.
 */
export function assertInBatch(db: Db, code: string, condition: SQL): Statement {
  return db.insert(batchAssertions).values({ code, ok: sql`(${condition})` });
}

export function isBatchAssertionFailure(error: unknown): boolean {
  return error instanceof Error && error.message.includes("batch_assertion_failed");
}

/**
 * Splits rows so one multi-row INSERT of `columns` parameters per row, next to `otherParams`
 * bound elsewhere in the statement, stays under D1's 100. Prefer `statementsInChunks`
 * (workers/db/chunks.ts), which measures the statement drizzle builds instead of trusting a count.
 */
export function chunkForParams<T extends object>(rows: T[], columns: number, otherParams = 0): T[][] {
  return chunksOf(rows, itemsPerStatement(columns, otherParams));
}
