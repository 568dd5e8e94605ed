// Repositories of changes read back from ERPs and of sync alerts (tables in
// workers/db/schema/erp-flow.ts). Every query is scoped by franchise_id.
import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import type { Statement } from "./batch.ts";
import { erpAlerts, erpInboundChanges, erpPollWatermarks } from "./schema/erp-flow.ts";
import { erpSyncRecords } from "./schema/erp.ts";

export type ErpInboundChangeRow = typeof erpInboundChanges.$inferSelect;
export type ErpAlertRow = typeof erpAlerts.$inferSelect;

/** Once per (connection, remote document, version, group): a second sighting records nothing. */
export function insertInboundChange(db: Db, row: ErpInboundChangeRow): Statement {
  return db.insert(erpInboundChanges).values(row).onConflictDoNothing();
}

export async function findInboundChange(
  db: Db,
  franchiseId: string,
  connectionId: string,
  remoteType: string,
  remoteId: string,
  remoteVersion: string,
  fieldGroup: string,
): Promise<ErpInboundChangeRow | undefined> {
  return db
    .select()
    .from(erpInboundChanges)
    .where(
      and(
        eq(erpInboundChanges.franchiseId, franchiseId),
        eq(erpInboundChanges.connectionId, connectionId),
        eq(erpInboundChanges.remoteType, remoteType),
        eq(erpInboundChanges.remoteId, remoteId),
        eq(erpInboundChanges.remoteVersion, remoteVersion),
        eq(erpInboundChanges.fieldGroup, fieldGroup),
      ),
    )
    .get();
}

export async function listInboundChanges(db: Db, franchiseId: string, connectionId: string, limit: number): Promise<ErpInboundChangeRow[]> {
  return db
    .select()
    .from(erpInboundChanges)
    .where(and(eq(erpInboundChanges.franchiseId, franchiseId), eq(erpInboundChanges.connectionId, connectionId)))
    .orderBy(desc(erpInboundChanges.id))
    .limit(limit)
    .all();
}

/** The create record of a document (or payment) by its id in the ERP (a void's record shares the id). */
export async function recordByRemoteId(db: Db, franchiseId: string, connectionId: string, entityType: string, remoteId: string) {
  return db
    .select()
    .from(erpSyncRecords)
    .where(
      and(
        eq(erpSyncRecords.franchiseId, franchiseId),
        eq(erpSyncRecords.connectionId, connectionId),
        eq(erpSyncRecords.entityType, entityType),
        eq(erpSyncRecords.operation, "create"),
        eq(erpSyncRecords.remoteId, remoteId),
      ),
    )
    .get();
}

// ---- Alerts ------------------------------------------------------------------------------

export async function openAlerts(db: Db, franchiseId: string, connectionId: string): Promise<ErpAlertRow[]> {
  return db
    .select()
    .from(erpAlerts)
    .where(and(eq(erpAlerts.franchiseId, franchiseId), eq(erpAlerts.connectionId, connectionId), eq(erpAlerts.status, "open")))
    .all();
}

export async function recentAlerts(db: Db, franchiseId: string, connectionId: string, limit: number): Promise<ErpAlertRow[]> {
  return db
    .select()
    .from(erpAlerts)
    .where(and(eq(erpAlerts.franchiseId, franchiseId), eq(erpAlerts.connectionId, connectionId)))
    .orderBy(desc(erpAlerts.openedAt))
    .limit(limit)
    .all();
}

/** Inserts the open alert unless one of that kind is open (the partial unique index decides). Returns whether it was new. */
export async function openAlert(db: Db, row: ErpAlertRow): Promise<boolean> {
  const inserted = await db.insert(erpAlerts).values(row).onConflictDoNothing().returning({ id: erpAlerts.id }).all();
  return inserted.length === 1;
}

export function updateAlert(db: Db, franchiseId: string, id: string, changes: Partial<ErpAlertRow>): Statement {
  return db
    .update(erpAlerts)
    .set(changes)
    .where(and(eq(erpAlerts.franchiseId, franchiseId), eq(erpAlerts.id, id)));
}

// ---- Polling watermarks ------------------------------------------------------------------

export async function pollWatermark(db: Db, franchiseId: string, connectionId: string, resource: string): Promise<string | null> {
  const row = await db
    .select({ w: erpPollWatermarks.watermark })
    .from(erpPollWatermarks)
    .where(and(eq(erpPollWatermarks.franchiseId, franchiseId), eq(erpPollWatermarks.connectionId, connectionId), eq(erpPollWatermarks.resource, resource)))
    .get();
  return row?.w ?? null;
}

/** Moves the watermark forward only (a late writer with an older page never moves it back). */
export function advanceWatermark(db: Db, franchiseId: string, connectionId: string, resource: string, watermark: string, at: string): Statement {
  return db
    .insert(erpPollWatermarks)
    .values({ franchiseId, connectionId, resource, watermark, updatedAt: at })
    .onConflictDoUpdate({
      target: [erpPollWatermarks.connectionId, erpPollWatermarks.resource],
      set: { watermark, updatedAt: at },
      setWhere: sql`${erpPollWatermarks.watermark} < ${watermark}`,
    });
}
