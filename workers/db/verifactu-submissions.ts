// Repository of VERI*FACTU submission state (tables in workers/db/schema/verifactu-submission.ts).
// Every query is scoped by franchise_id.
import { and, asc, eq, gt, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { chunkForParams, type Statement } from "./batch.ts";
import { verifactuSubmissions, verifactuSubmitters } from "./schema/verifactu-submission.ts";

export type VerifactuSubmissionRow = typeof verifactuSubmissions.$inferSelect;
export type VerifactuSubmitterRow = typeof verifactuSubmitters.$inferSelect;

export type SubmissionStatus = "pending" | "submitting" | "retrying" | "accepted" | "accepted_with_errors" | "rejected" | "failed";
/** Not yet answered for good: a consumer holding the issuer's lease (re)sends these. */
export const UNSETTLED: SubmissionStatus[] = ["pending", "submitting", "retrying"];

export function ensureSubmitter(db: Db, franchiseId: string, nif: string, issuerName: string, now: string): Statement {
  return db
    .insert(verifactuSubmitters)
    .values({ franchiseId, nif, issuerName, settledThrough: 0, leaseUntil: null, nextSendAt: null, wakeAt: null, updatedAt: now })
    .onConflictDoUpdate({ target: [verifactuSubmitters.franchiseId, verifactuSubmitters.nif], set: { issuerName } });
}

export async function getSubmitter(db: Db, franchiseId: string, nif: string): Promise<VerifactuSubmitterRow | undefined> {
  return db.select().from(verifactuSubmitters).where(and(eq(verifactuSubmitters.franchiseId, franchiseId), eq(verifactuSubmitters.nif, nif))).get();
}

/** Takes the issuer's lease if it is free and the AEAT's wait has passed; undefined otherwise. */
export async function leaseSubmitter(db: Db, franchiseId: string, nif: string, now: string, leaseUntil: string): Promise<VerifactuSubmitterRow | undefined> {
  const rows = await db
    .update(verifactuSubmitters)
    .set({ leaseUntil, updatedAt: now })
    .where(
      and(
        eq(verifactuSubmitters.franchiseId, franchiseId),
        eq(verifactuSubmitters.nif, nif),
        or(isNull(verifactuSubmitters.leaseUntil), lte(verifactuSubmitters.leaseUntil, now)),
        or(isNull(verifactuSubmitters.nextSendAt), lte(verifactuSubmitters.nextSendAt, now)),
      ),
    )
    .returning();
  return rows[0];
}

/**
 * Claims the right to send the issuer's follow-up message for `wakeAt`: true unless one is
 * already due by then (so a burst of kicks during a wait makes one delayed message, not many).
 */
export async function scheduleWake(db: Db, franchiseId: string, nif: string, wakeAt: string, now: string): Promise<boolean> {
  const rows = await db
    .update(verifactuSubmitters)
    .set({ wakeAt })
    .where(
      and(
        eq(verifactuSubmitters.franchiseId, franchiseId),
        eq(verifactuSubmitters.nif, nif),
        or(isNull(verifactuSubmitters.wakeAt), lte(verifactuSubmitters.wakeAt, now), gt(verifactuSubmitters.wakeAt, wakeAt)),
      ),
    )
    .returning({ nif: verifactuSubmitters.nif });
  return rows.length > 0;
}

/** Frees the lease (only the holder's: same lease value) and records progress and the next allowed send. */
export function releaseSubmitter(db: Db, franchiseId: string, nif: string, heldLease: string, changes: { settledThrough: number; nextSendAt: string | null; now: string }): Statement {
  return db
    .update(verifactuSubmitters)
    .set({ leaseUntil: null, settledThrough: changes.settledThrough, nextSendAt: changes.nextSendAt, updatedAt: changes.now })
    .where(and(eq(verifactuSubmitters.franchiseId, franchiseId), eq(verifactuSubmitters.nif, nif), eq(verifactuSubmitters.leaseUntil, heldLease)));
}

/** Rows for chain records not seen before (status pending); existing rows are left alone. */
export function insertPending(db: Db, rows: VerifactuSubmissionRow[]): Statement[] {
  return chunkForParams(rows, 16).map((chunk) => db.insert(verifactuSubmissions).values(chunk).onConflictDoNothing());
}

export async function submissionsAfter(db: Db, franchiseId: string, nif: string, afterPosition: number, limit: number): Promise<VerifactuSubmissionRow[]> {
  return db
    .select()
    .from(verifactuSubmissions)
    .where(and(eq(verifactuSubmissions.franchiseId, franchiseId), eq(verifactuSubmissions.nif, nif), gt(verifactuSubmissions.position, afterPosition)))
    .orderBy(asc(verifactuSubmissions.position))
    .limit(limit)
    .all();
}

/** Marks positions [from, to] that are still unsettled as being sent, one more attempt each. */
export function markSubmitting(db: Db, franchiseId: string, nif: string, from: number, to: number, now: string): Statement {
  return db
    .update(verifactuSubmissions)
    .set({ status: "submitting", attempts: sql`${verifactuSubmissions.attempts} + 1`, submittedAt: now, updatedAt: now })
    .where(
      and(
        eq(verifactuSubmissions.franchiseId, franchiseId),
        eq(verifactuSubmissions.nif, nif),
        sql`${verifactuSubmissions.position} BETWEEN ${from} AND ${to}`,
        inArray(verifactuSubmissions.status, UNSETTLED),
      ),
    );
}

export interface Settlement {
  position: number;
  status: SubmissionStatus;
  errorCode: string | null;
  lastError: string | null;
  csv: string | null;
}

/** One statement per record: the outcome of its last submission. */
export function settle(db: Db, franchiseId: string, nif: string, outcomes: Settlement[], now: string): Statement[] {
  return outcomes.map((o) =>
    db
      .update(verifactuSubmissions)
      .set({ status: o.status, errorCode: o.errorCode, lastError: o.lastError, csv: o.csv, updatedAt: now, settledAt: UNSETTLED.includes(o.status) || o.status === "failed" ? null : now })
      .where(and(eq(verifactuSubmissions.franchiseId, franchiseId), eq(verifactuSubmissions.nif, nif), eq(verifactuSubmissions.position, o.position))),
  );
}

export async function submissionsOfDocument(db: Db, franchiseId: string, documentId: string): Promise<VerifactuSubmissionRow[]> {
  return db
    .select()
    .from(verifactuSubmissions)
    .where(and(eq(verifactuSubmissions.franchiseId, franchiseId), eq(verifactuSubmissions.documentId, documentId)))
    .orderBy(asc(verifactuSubmissions.position))
    .all();
}
