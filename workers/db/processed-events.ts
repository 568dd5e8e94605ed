// One row per (subscriber, event): "done" makes a redelivery skip that subscriber; "failed"
// keeps the attempts and the last error, which the dead letter reports if it comes to that.
import type { Db } from "./client.ts";
import { and, eq, sql } from "drizzle-orm";
import { processedEvents } from "./schema.ts";

export async function doneSubscribers(db: Db, franchiseId: string, eventId: string): Promise<Set<string>> {
  const rows = await db
    .select({ subscriber: processedEvents.subscriber })
    .from(processedEvents)
    .where(and(eq(processedEvents.franchiseId, franchiseId), eq(processedEvents.eventId, eventId), eq(processedEvents.status, "done")))
    .all();
  return new Set(rows.map((r) => r.subscriber));
}

export async function recordDelivery(db: Db, franchiseId: string, subscriber: string, eventId: string, outcome: { error?: string }, now: string): Promise<void> {
  const status = outcome.error === undefined ? "done" : "failed";
  const lastError = outcome.error ?? null;
  await db
    .insert(processedEvents)
    .values({ subscriber, eventId, franchiseId, status, attempts: 1, lastError, updatedAt: now })
    .onConflictDoUpdate({
      target: [processedEvents.subscriber, processedEvents.eventId],
      set: { status, attempts: sql`${processedEvents.attempts} + 1`, lastError: outcome.error === undefined ? sql`${processedEvents.lastError}` : lastError, updatedAt: now },
    })
    .run();
}

/** "subscriber: error" for each subscriber still failing on the event, or null. */
export async function lastErrors(db: Db, franchiseId: string, eventId: string): Promise<string | null> {
  const rows = await db
    .select({ subscriber: processedEvents.subscriber, lastError: processedEvents.lastError })
    .from(processedEvents)
    .where(and(eq(processedEvents.franchiseId, franchiseId), eq(processedEvents.eventId, eventId), eq(processedEvents.status, "failed")))
    .all();
  return rows.length === 0 ? null : rows.map((r) => `${r.subscriber}: ${r.lastError ?? "unknown error"}`).join("; ");
}
