// Repositories of the accounting integrations (tables in workers/db/schema/erp.ts). Every query
// is scoped by franchise_id.
import { and, asc, desc, eq, gte, inArray, isNotNull, lt, ne, or, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import type { Statement } from "./batch.ts";
import { erpConflicts, erpConnections, erpMappings, erpSyncAttempts, erpSyncRecords } from "./schema/erp.ts";

export type ErpConnectionRow = typeof erpConnections.$inferSelect;
export type ErpSyncRecordRow = typeof erpSyncRecords.$inferSelect;
export type ErpSyncAttemptRow = typeof erpSyncAttempts.$inferSelect;
export type ErpMappingRow = typeof erpMappings.$inferSelect;
export type ErpConflictRow = typeof erpConflicts.$inferSelect;

export const ACTIVE_STATES = ["pending", "syncing", "retrying"] as const;

// ---- Connections -------------------------------------------------------------------------

export async function insertConnection(db: Db, row: ErpConnectionRow): Promise<void> {
  await db.insert(erpConnections).values(row).run();
}

export async function getConnection(db: Db, franchiseId: string, id: string): Promise<ErpConnectionRow | undefined> {
  return db.select().from(erpConnections).where(and(eq(erpConnections.franchiseId, franchiseId), eq(erpConnections.id, id))).get();
}

export async function listConnections(db: Db, franchiseId: string): Promise<ErpConnectionRow[]> {
  return db.select().from(erpConnections).where(eq(erpConnections.franchiseId, franchiseId)).orderBy(asc(erpConnections.id)).all();
}

export async function connectedConnections(db: Db, franchiseId: string): Promise<ErpConnectionRow[]> {
  return db.select().from(erpConnections).where(and(eq(erpConnections.franchiseId, franchiseId), eq(erpConnections.status, "connected"))).all();
}

/** A statement: await it alone, or put it in a batch. */
export function updateConnection(db: Db, franchiseId: string, id: string, changes: Partial<ErpConnectionRow>) {
  return db.update(erpConnections).set(changes).where(and(eq(erpConnections.franchiseId, franchiseId), eq(erpConnections.id, id)));
}

// ---- Mappings ----------------------------------------------------------------------------

export async function listMappings(db: Db, franchiseId: string, connectionId: string): Promise<ErpMappingRow[]> {
  return db.select().from(erpMappings).where(and(eq(erpMappings.franchiseId, franchiseId), eq(erpMappings.connectionId, connectionId))).orderBy(asc(erpMappings.kind), asc(erpMappings.localKey)).all();
}

export function upsertMapping(db: Db, row: ErpMappingRow): Statement {
  return db.insert(erpMappings).values(row).onConflictDoUpdate({ target: [erpMappings.connectionId, erpMappings.kind, erpMappings.localKey], set: { remoteCode: row.remoteCode, updatedAt: row.updatedAt } });
}

export function deleteMapping(db: Db, franchiseId: string, connectionId: string, kind: string, localKey: string): Statement {
  return db.delete(erpMappings).where(and(eq(erpMappings.franchiseId, franchiseId), eq(erpMappings.connectionId, connectionId), eq(erpMappings.kind, kind), eq(erpMappings.localKey, localKey)));
}

// ---- Sync records ------------------------------------------------------------------------

/** Inserts once per (connection, entity, operation): a redelivered event adds nothing. */
/** A record that is synced from the start (linked to something the ERP already holds): no attempts, no error. */
export function syncedRecordRow(
  fields: Pick<ErpSyncRecordRow, "id" | "franchiseId" | "connectionId" | "entityType" | "entityId" | "operation" | "entityNumber" | "payload" | "syncedSnapshot" | "remoteId">,
  at: string,
): ErpSyncRecordRow {
  return { ...fields, dependsOn: null, state: "synced", attempts: 0, sourceAt: at, syncedAt: at, nextAttemptAt: null, claimedUntil: null, lastErrorClass: null, lastError: null, lastFix: null, createdAt: at, updatedAt: at };
}

export function insertSyncRecord(db: Db, row: ErpSyncRecordRow) {
  return db.insert(erpSyncRecords).values(row).onConflictDoNothing({ target: [erpSyncRecords.connectionId, erpSyncRecords.entityType, erpSyncRecords.entityId, erpSyncRecords.operation] });
}

export async function findSyncRecord(db: Db, franchiseId: string, connectionId: string, entityType: string, entityId: string, operation: string): Promise<ErpSyncRecordRow | undefined> {
  return db
    .select()
    .from(erpSyncRecords)
    .where(and(eq(erpSyncRecords.franchiseId, franchiseId), eq(erpSyncRecords.connectionId, connectionId), eq(erpSyncRecords.entityType, entityType), eq(erpSyncRecords.entityId, entityId), eq(erpSyncRecords.operation, operation)))
    .get();
}

/**
 * A connection's invoice create records looked up by local invoice id or by the ERP's id, keyed
 * by that value; chunked so each statement stays under D1's 100 bound parameters.
 */
export async function invoiceCreateRecords(db: Db, franchiseId: string, connectionId: string, by: "entityId" | "remoteId", values: readonly string[]): Promise<Map<string, ErpSyncRecordRow>> {
  const unique = [...new Set(values)];
  const out = new Map<string, ErpSyncRecordRow>();
  for (let i = 0; i < unique.length; i += 90) {
    const rows = await db
      .select()
      .from(erpSyncRecords)
      .where(and(eq(erpSyncRecords.franchiseId, franchiseId), eq(erpSyncRecords.connectionId, connectionId), eq(erpSyncRecords.entityType, "invoice"), eq(erpSyncRecords.operation, "create"), inArray(erpSyncRecords[by], unique.slice(i, i + 90))))
      .all();
    for (const r of rows) {
      const key = r[by];
      if (key) out.set(key, r);
    }
  }
  return out;
}

export async function getSyncRecord(db: Db, franchiseId: string, id: string): Promise<ErpSyncRecordRow | undefined> {
  return db.select().from(erpSyncRecords).where(and(eq(erpSyncRecords.franchiseId, franchiseId), eq(erpSyncRecords.id, id))).get();
}

/**
 * Claims records for one consumer: only those waiting (pending/retrying) or whose earlier claim
 * lapsed (a consumer died mid-call). Returns the claimed rows; a record another consumer holds
 * is skipped, so two deliveries of one message never send it twice at once.
 */
export async function claimSyncRecords(db: Db, franchiseId: string, ids: readonly string[], now: string, claimUntil: string): Promise<ErpSyncRecordRow[]> {
  if (ids.length === 0) return [];
  const claimed: ErpSyncRecordRow[] = [];
  for (let i = 0; i < ids.length; i += 90) {
    const chunk = ids.slice(i, i + 90);
    const rows = await db
      .update(erpSyncRecords)
      .set({ state: "syncing", claimedUntil: claimUntil, updatedAt: now })
      .where(
        and(
          eq(erpSyncRecords.franchiseId, franchiseId),
          inArray(erpSyncRecords.id, chunk),
          or(inArray(erpSyncRecords.state, ["pending", "retrying"]), and(eq(erpSyncRecords.state, "syncing"), lt(erpSyncRecords.claimedUntil, now))),
        ),
      )
      .returning()
      .all();
    claimed.push(...rows);
  }
  return claimed;
}

export function updateSyncRecord(db: Db, franchiseId: string, id: string, changes: Partial<ErpSyncRecordRow>): Statement {
  return db.update(erpSyncRecords).set(changes).where(and(eq(erpSyncRecords.franchiseId, franchiseId), eq(erpSyncRecords.id, id)));
}

export function insertAttempt(db: Db, row: ErpSyncAttemptRow): Statement {
  return db.insert(erpSyncAttempts).values(row);
}

export async function listSyncRecords(db: Db, franchiseId: string, connectionId: string, opts: { states?: readonly string[]; before?: string; limit: number }): Promise<ErpSyncRecordRow[]> {
  const conditions = [eq(erpSyncRecords.franchiseId, franchiseId), eq(erpSyncRecords.connectionId, connectionId)];
  if (opts.states && opts.states.length > 0) conditions.push(inArray(erpSyncRecords.state, [...opts.states]));
  if (opts.before) conditions.push(lt(erpSyncRecords.id, opts.before));
  return db.select().from(erpSyncRecords).where(and(...conditions)).orderBy(desc(erpSyncRecords.id)).limit(opts.limit + 1).all();
}

export async function attemptsOf(db: Db, franchiseId: string, recordIds: readonly string[]): Promise<ErpSyncAttemptRow[]> {
  if (recordIds.length === 0) return [];
  return db.select().from(erpSyncAttempts).where(and(eq(erpSyncAttempts.franchiseId, franchiseId), inArray(erpSyncAttempts.recordId, [...recordIds]))).orderBy(asc(erpSyncAttempts.at), asc(erpSyncAttempts.attempt)).all();
}

/** Backlog, per state, for the status page. */
export async function stateCounts(db: Db, franchiseId: string, connectionId: string): Promise<Record<string, number>> {
  const rows = await db
    .select({ state: erpSyncRecords.state, n: sql<number>`count(*)` })
    .from(erpSyncRecords)
    .where(and(eq(erpSyncRecords.franchiseId, franchiseId), eq(erpSyncRecords.connectionId, connectionId)))
    .groupBy(erpSyncRecords.state)
    .all();
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

export async function oldestWaiting(db: Db, franchiseId: string, connectionId: string): Promise<string | null> {
  const row = await db
    .select({ at: sql<string | null>`min(${erpSyncRecords.sourceAt})` })
    .from(erpSyncRecords)
    .where(and(eq(erpSyncRecords.franchiseId, franchiseId), eq(erpSyncRecords.connectionId, connectionId), inArray(erpSyncRecords.state, [...ACTIVE_STATES])))
    .get();
  return row?.at ?? null;
}

/** Issue-to-synced lags (seconds) of documents and payments synced since `since` (contact edits are not in the SLA). */
export async function recentLags(db: Db, franchiseId: string, connectionId: string, since: string): Promise<number[]> {
  const rows = await db
    .select({ lag: sql<number>`(julianday(${erpSyncRecords.syncedAt}) - julianday(${erpSyncRecords.sourceAt})) * 86400.0` })
    .from(erpSyncRecords)
    .where(and(eq(erpSyncRecords.franchiseId, franchiseId), eq(erpSyncRecords.connectionId, connectionId), isNotNull(erpSyncRecords.syncedAt), gte(erpSyncRecords.syncedAt, since), ne(erpSyncRecords.entityType, "customer")))
    .all();
  return rows.map((r) => Math.max(0, r.lag));
}

export async function attemptOutcomesSince(db: Db, franchiseId: string, recordIdsOfConnection: string, since: string): Promise<{ ok: number; failed: number }> {
  const rows = await db
    .select({ ok: sql<number>`sum(case when ${erpSyncAttempts.outcome} in ('synced','linked') then 1 else 0 end)`, n: sql<number>`count(*)` })
    .from(erpSyncAttempts)
    .innerJoin(erpSyncRecords, eq(erpSyncRecords.id, erpSyncAttempts.recordId))
    .where(and(eq(erpSyncAttempts.franchiseId, franchiseId), eq(erpSyncRecords.connectionId, recordIdsOfConnection), gte(erpSyncAttempts.at, since)))
    .get();
  const ok = rows?.ok ?? 0;
  return { ok, failed: (rows?.n ?? 0) - ok };
}

// ---- Conflicts ---------------------------------------------------------------------------

export function insertConflict(db: Db, row: ErpConflictRow): Statement {
  return db.insert(erpConflicts).values(row);
}

export async function listConflicts(db: Db, franchiseId: string, connectionId: string, status: string | undefined, limit: number): Promise<ErpConflictRow[]> {
  const conditions = [eq(erpConflicts.franchiseId, franchiseId), eq(erpConflicts.connectionId, connectionId)];
  if (status) conditions.push(eq(erpConflicts.status, status));
  return db.select().from(erpConflicts).where(and(...conditions)).orderBy(desc(erpConflicts.id)).limit(limit).all();
}

export async function getConflict(db: Db, franchiseId: string, connectionId: string, id: string): Promise<ErpConflictRow | undefined> {
  return db.select().from(erpConflicts).where(and(eq(erpConflicts.franchiseId, franchiseId), eq(erpConflicts.connectionId, connectionId), eq(erpConflicts.id, id))).get();
}

export function resolveConflict(db: Db, franchiseId: string, id: string, changes: Pick<ErpConflictRow, "resolution" | "resolvedBy" | "resolvedAt">): Statement {
  return db.update(erpConflicts).set({ ...changes, status: "resolved" }).where(and(eq(erpConflicts.franchiseId, franchiseId), eq(erpConflicts.id, id), eq(erpConflicts.status, "open")));
}
