// How far behind a franchise's event pipeline is: the unpublished backlog and its oldest event.
import type { Db } from "./client.ts";
import { and, count, eq, isNull, min } from "drizzle-orm";
import { outboxEvents } from "./schema.ts";

export async function outboxBacklog(db: Db, franchiseId: string): Promise<{ pending: number; oldestOccurredAt: string | null }> {
  const row = await db
    .select({ pending: count(), oldest: min(outboxEvents.occurredAt) })
    .from(outboxEvents)
    .where(and(eq(outboxEvents.franchiseId, franchiseId), isNull(outboxEvents.publishedAt)))
    .get();
  return { pending: row?.pending ?? 0, oldestOccurredAt: row?.oldest ?? null };
}
