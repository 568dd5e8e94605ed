// One row per (subscriber, event): "done" makes a redelivery skip that subscriber; "failed"
// keeps the attempts and the last error, which the dead letter reports if it comes to that.
import type { Db } from "./client.ts";
import { and, eq, inArray, sql } from "drizzle-orm";
import { processedEvents } from "./schema.ts";
import { selectInChunks } from "./chunks.ts";

/** The subscribers done with each of a batch's events: one read per ~100 events instead of one per event. */
export async function doneSubscribersOf(db: Db, franchiseId: string, eventIds: readonly string[]): Promise<Map<string, Set<string>>> {
  const rows = await selectInChunks(eventIds, (chunk) =>
    db
      .select({ subscriber: processedEvents.subscriber, eventId: processedEvents.eventId })
      .from(processedEvents)
      .where(and(eq(processedEvents.franchiseId, franchiseId), inArray(processedEvents.eventId, chunk), eq(processedEvents.status, "done"))),
  );
  const done = new Map<string, Set<string>>();
  for (const r of rows) done.set(r.eventId, (done.get(r.eventId) ?? new Set()).add(r.subscriber));
  return done;
}

/** The upsert of one delivery outcome, to run alone or in a D1 batch with the others of a queue batch. */
export function deliveryStatement(db: Db, franchiseId: string, subscriber: string, eventId: string, outcome: { error?: string }, now: string) {
  const status = outcome.error === undefined ? "done" : "failed";
  const lastError = outcome.error ?? null;
  return db
    .insert(processedEvents)
    .values({ subscriber, eventId, franchiseId, status, attempts: 1, lastError, updatedAt: now })
    .onConflictDoUpdate({
      target: [processedEvents.subscriber, processedEvents.eventId],
      set: { status, attempts: sql`${processedEvents.attempts} + 1`, lastError: outcome.error === undefined ? sql`${processedEvents.lastError}` : lastError, updatedAt: now },
    });
}

/** For each subscriber still failing on the event, "subscriber: error", and the most attempts any made. */
export async function failureOf(db: Db, franchiseId: string, eventId: string): Promise<{ lastError: string; attempts: number } | null> {
  const rows = await db
    .select({ subscriber: processedEvents.subscriber, lastError: processedEvents.lastError, attempts: processedEvents.attempts })
    .from(processedEvents)
    .where(and(eq(processedEvents.franchiseId, franchiseId), eq(processedEvents.eventId, eventId), eq(processedEvents.status, "failed")))
    .all();
  if (rows.length === 0) return null;
  return { lastError: rows.map((r) => `${r.subscriber}: ${r.lastError ?? "unknown error"}`).join("; "), attempts: Math.max(...rows.map((r) => r.attempts)) };
}
