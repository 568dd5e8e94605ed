// Inbound QuickBooks changes. A webhook (intuit-signature: base64 HMAC-SHA256 of the raw body
// with the app's verifier token) is checked before anything is parsed and answered at once
// (Intuit wants 200 within 3 s); the work runs after the answer. Notifications only say "something
// changed in realm R", so each one triggers Change Data Capture for that realm's connection since
// its last pass, and the same catch-up runs on a cron, so a missed webhook is recovered. Each
// changed invoice is compared three ways (last synced snapshot, QBO now, Ledgerline now): a change
// made in QBO that Ledgerline did not make opens a conflict for review (workers/integrations/erp/
// review.ts decides it); a duplicate notification finds the conflict already open and adds nothing.
import { and, eq } from "drizzle-orm";
import { qboWebhookVerifier } from "../../config/local-secrets.ts";
import { database, type Db } from "../../db/client.ts";
import { runBatch } from "../../db/batch.ts";
import { insertConflict, updateConnection, updateSyncRecord, type ErpConnectionRow } from "../../db/erp.ts";
import { newId } from "../../db/ids.ts";
import { tenantDatabases } from "../../db/resolver.ts";
import { erpConflicts, erpConnections, erpSyncRecords } from "../../db/schema/erp.ts";
import { invoices } from "../../db/schema.ts";
import { nextChangedSince, parseQboNotifications, remoteChanges } from "../../domain/erp/qbo-webhooks.ts";
import type { Logger } from "../../observability/logger.ts";
import { qboClient } from "../qbo/client.ts";
import { qboSnapshot, type QboSnapshot } from "./qbo-sync.ts";
import { xeroSignatureValid } from "./xero-webhook.ts";

/** The catch-up cron (scripts/local-crons.ts fires it under npm start). */
export const QBO_CDC_CRON = "7,17,27,37,47,57 * * * *"; // every 10 minutes (the local cron ticker reads lists, not steps)
/** A QBO "day" (1,440 of QBO_MINUTE_MS, scaled like the rate limits in tests and benches). */
const qboDayMs = (env: Env) => 1440 * (Number(env.QBO_MINUTE_MS) > 0 ? Number(env.QBO_MINUTE_MS) : 60_000);

export async function handleQboWebhook(env: Env, rawBody: string, signature: string | null, later: (p: Promise<unknown>) => void, logger?: Logger): Promise<200 | 401> {
  const verifier = qboWebhookVerifier(env);
  // The same check as Xero's: base64 HMAC-SHA256 of the raw body, compared in constant time.
  if (!verifier || !(await xeroSignatureValid(verifier, rawBody, signature))) return 401;
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody);
  } catch {
    return 200; // signed but unparseable: nothing to act on, and Intuit must not retry it for days
  }
  const realms = [...new Set(parseQboNotifications(payload).filter((n) => n.entity === "Invoice" || n.entity === "Payment" || n.entity === "CreditMemo").map((n) => n.realmId))];
  if (realms.length > 0) later(catchUpQbo(env, { realms, logger }));
  return 200;
}

/** CDC for every connected QBO connection (of the given realms, or all): the webhook's follow-up and the cron. */
export async function catchUpQbo(env: Env, options: { realms?: readonly string[]; logger?: Logger; now?: () => number } = {}): Promise<{ connections: number; conflicts: number }> {
  const now = options.now ?? Date.now;
  let connections = 0;
  let conflicts = 0;
  for (const d1 of tenantDatabases(env)) {
    const db = database(d1);
    const rows = await db.select().from(erpConnections).where(and(eq(erpConnections.provider, "qbo"), eq(erpConnections.status, "connected"))).all();
    for (const connection of rows) {
      if (!connection.remoteTenantId || (options.realms && !options.realms.includes(connection.remoteTenantId))) continue;
      try {
        conflicts += await catchUpConnection(env, db, connection, now);
        connections++;
      } catch (error) {
        options.logger?.error("qbo cdc failed", { connectionId: connection.id, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  return { connections, conflicts };
}

async function catchUpConnection(env: Env, db: Db, connection: ErpConnectionRow, now: () => number): Promise<number> {
  const startedAt = new Date(now()).toISOString();
  // CDC looks back 30 days at most: a connection silent for longer resumes from 29 days ago; a new one from a day ago.
  const floor = now() - 29 * qboDayMs(env);
  const since = new Date(Math.max(floor, connection.lastPolledAt ? Date.parse(connection.lastPolledAt) : now() - qboDayMs(env))).toISOString();
  const client = qboClient(env, connection.id, connection.remoteTenantId!);
  const result = await client.call("GET", "/cdc", { params: { entities: "Invoice", changedSince: since } });
  if (!result.ok) throw new Error(`CDC refused: ${result.failure.message}`);
  const changed = ((result.body.CDCResponse as Array<{ QueryResponse?: Array<Record<string, unknown>> }> | undefined) ?? []).flatMap((r) => (r.QueryResponse ?? []).flatMap((q) => (q.Invoice as Array<Record<string, unknown>> | undefined) ?? []));
  let opened = 0;
  let newest: string | null = null;
  for (const remote of changed) {
    const updated = String((remote.MetaData as Record<string, unknown> | undefined)?.LastUpdatedTime ?? "");
    if (updated && (!newest || updated > newest)) newest = updated;
    if (await compareInvoice(db, connection, remote, now)) opened++;
  }
  await runBatch(db, [updateConnection(db, connection.franchiseId, connection.id, { lastPolledAt: nextChangedSince(startedAt, changed.length, newest) })]);
  return opened;
}

async function compareInvoice(db: Db, connection: ErpConnectionRow, remote: Record<string, unknown>, now: () => number): Promise<boolean> {
  const [record] = await db
    .select()
    .from(erpSyncRecords)
    .where(and(eq(erpSyncRecords.franchiseId, connection.franchiseId), eq(erpSyncRecords.connectionId, connection.id), eq(erpSyncRecords.entityType, "invoice"), eq(erpSyncRecords.operation, "create"), eq(erpSyncRecords.remoteId, String(remote.Id))))
    .all();
  if (!record?.syncedSnapshot) return false;
  const [ours] = await db.select({ status: invoices.status, total: invoices.total, currency: invoices.currency }).from(invoices).where(and(eq(invoices.franchiseId, connection.franchiseId), eq(invoices.id, record.entityId))).all();
  if (!ours) return false;
  const snapshot = JSON.parse(record.syncedSnapshot) as QboSnapshot;
  const base = { status: snapshot.status as string, total: snapshot.total };
  const theirsSnap = remote.status === "Deleted" ? null : qboSnapshot(remote, ours.currency);
  const theirs = theirsSnap ? { status: theirsSnap.status as string, total: theirsSnap.status === "voided" ? base.total : theirsSnap.total } : { status: "deleted", total: base.total };
  const oursNow = { status: ours.status === "void" ? "voided" : ours.status === "paid" ? "paid" : "open", total: ours.total };
  const changed = remoteChanges(base, theirs, oursNow);
  if (changed.length === 0) return false;
  const open = await db.select({ id: erpConflicts.id }).from(erpConflicts).where(and(eq(erpConflicts.franchiseId, connection.franchiseId), eq(erpConflicts.recordId, record.id), eq(erpConflicts.status, "open"))).all();
  if (open.length > 0) return false;
  const pick = (o: Record<string, unknown>) => Object.fromEntries(changed.map((f) => [f, o[f]]));
  const at = new Date(now()).toISOString();
  await runBatch(db, [
    insertConflict(db, { id: newId("erx"), franchiseId: connection.franchiseId, connectionId: connection.id, recordId: record.id, fieldGroup: changed.includes("total") ? "amounts" : "status", ours: JSON.stringify(pick(oursNow)), theirs: JSON.stringify(pick(theirs)), base: JSON.stringify(pick(base)), status: "open", resolution: null, resolvedBy: null, createdAt: at, resolvedAt: null }),
    updateSyncRecord(db, connection.franchiseId, record.id, { state: "conflict", lastErrorClass: "conflict", lastError: `changed in QuickBooks: ${changed.map((f) => `${f} ${base[f]} → ${theirs[f]}`).join(", ")}`, lastFix: "Decide which side wins under Integrations → Conflicts.", updatedAt: at }),
  ]);
  return true;
}
