// Retention policies (reference data) and legal holds (tenant data, scoped by franchise_id).
import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import type { DocumentClass, RetentionPolicy, RetentionStart } from "../domain/retention.ts";
import { assertInBatch, type Statement } from "./batch.ts";
import type { Db } from "./client.ts";
import { newId } from "./ids.ts";
import { outboxEvents } from "./schema.ts";
import { legalHolds, retentionPolicies } from "./schema/retention.ts";

export type LegalHoldRow = typeof legalHolds.$inferSelect;
export type HeldKind = "invoice" | "credit_note";

export async function listPolicies(db: Db): Promise<RetentionPolicy[]> {
  const rows = await db.select().from(retentionPolicies).orderBy(asc(retentionPolicies.jurisdiction), asc(retentionPolicies.documentClass)).all();
  return rows.map((r) => ({ jurisdiction: r.jurisdiction, documentClass: r.documentClass as DocumentClass, months: r.months, start: JSON.parse(r.start) as RetentionStart, source: r.source }));
}

export async function listHolds(db: Db, franchiseId: string, opts: { activeOnly: boolean; limit: number; document?: { kind: HeldKind; id: string } }): Promise<LegalHoldRow[]> {
  return db
    .select()
    .from(legalHolds)
    .where(
      and(
        eq(legalHolds.franchiseId, franchiseId),
        opts.activeOnly ? isNull(legalHolds.liftedAt) : undefined,
        opts.document ? and(eq(legalHolds.documentKind, opts.document.kind), eq(legalHolds.documentId, opts.document.id)) : undefined,
      ),
    )
    .orderBy(desc(legalHolds.setAt), desc(legalHolds.id))
    .limit(opts.limit)
    .all();
}

export async function getHold(db: Db, franchiseId: string, id: string): Promise<LegalHoldRow | undefined> {
  return db.select().from(legalHolds).where(and(eq(legalHolds.franchiseId, franchiseId), eq(legalHolds.id, id))).get();
}

export function newHoldId(): string {
  return newId("lh");
}

export function setHoldStatement(db: Db, hold: Omit<LegalHoldRow, "liftedAt" | "liftedBy" | "liftReason">): Statement {
  return db.insert(legalHolds).values(hold);
}

export function liftHoldStatements(db: Db, franchiseId: string, id: string, actor: string, reason: string, now: string): Statement[] {
  return [
    assertInBatch(db, "legal_hold_already_lifted", sql`EXISTS (SELECT 1 FROM ${legalHolds} WHERE ${legalHolds.franchiseId} = ${franchiseId} AND ${legalHolds.id} = ${id} AND ${legalHolds.liftedAt} IS NULL)`),
    db.update(legalHolds).set({ liftedAt: now, liftedBy: actor, liftReason: reason }).where(and(eq(legalHolds.franchiseId, franchiseId), eq(legalHolds.id, id))),
  ];
}

/** True when the franchise's outbox already records this document's purge (a retried purge records it once). */
export async function purgeRecorded(db: Db, franchiseId: string, documentId: string): Promise<boolean> {
  const row = await db
    .select({ id: outboxEvents.id })
    .from(outboxEvents)
    .where(and(eq(outboxEvents.franchiseId, franchiseId), eq(outboxEvents.type, "archive.purged"), eq(outboxEvents.aggregateId, documentId)))
    .get();
  return row !== undefined;
}
