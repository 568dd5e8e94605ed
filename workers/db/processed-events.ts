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
