// Dead letters: messages a queue gave up on. Kept in the franchise's database when the message
// names a franchise, else in the directory database (visible to operators, not to tenants).
import { and, count, desc, eq, isNull, lt } from "drizzle-orm";
import type { Db } from "./client.ts";
import { deadLetters } from "./schema.ts";

export type DeadLetterRow = typeof deadLetters.$inferSelect;

/** Inserts once per (queue, message id): a redelivered DLQ message does not duplicate its row. */
export async function insertDeadLetter(db: Db, row: DeadLetterRow): Promise<void> {
  await db.insert(deadLetters).values(row).onConflictDoNothing({ target: [deadLetters.queue, deadLetters.messageId] }).run();
}

export async function listDeadLetters(db: Db, franchiseId: string, opts: { before?: string | undefined; limit: number }): Promise<DeadLetterRow[]> {
  const conditions = [eq(deadLetters.franchiseId, franchiseId)];
  if (opts.before) conditions.push(lt(deadLetters.id, opts.before));
  return db.select().from(deadLetters).where(and(...conditions)).orderBy(desc(deadLetters.id)).limit(opts.limit + 1).all();
}

export async function getDeadLetter(db: Db, franchiseId: string, id: string): Promise<DeadLetterRow | undefined> {
  return db.select().from(deadLetters).where(and(eq(deadLetters.franchiseId, franchiseId), eq(deadLetters.id, id))).get();
}

/** Sets replayed_at unless already set; true if this call set it. */
export async function markReplayed(db: Db, franchiseId: string, id: string, now: string): Promise<boolean> {
  const result = await db
    .update(deadLetters)
    .set({ replayedAt: now })
    .where(and(eq(deadLetters.franchiseId, franchiseId), eq(deadLetters.id, id), isNull(deadLetters.replayedAt)))
    .run();
  return result.meta.changes === 1;
}

export async function countUnreplayedDeadLetters(db: Db, franchiseId: string): Promise<number> {
  const row = await db.select({ n: count() }).from(deadLetters).where(and(eq(deadLetters.franchiseId, franchiseId), isNull(deadLetters.replayedAt))).get();
  return row?.n ?? 0;
}
