// Inbound Xero webhooks. The signature (base64 HMAC-SHA256 of the raw body with the webhook key)
// is checked before anything is parsed; Xero's "intent to receive" check is exactly that (200
// for a good signature, 401 for a bad one, no body, within 5 s), so the work runs after the
// answer (waitUntil). Each INVOICE event re-reads the invoice from Xero and compares it with the
// last synced snapshot and with ours: a change made in Xero (a void, a different total, a
// payment) that Ledgerline did not make opens a conflict for review; a duplicate delivery finds
// the conflict already open and adds nothing.
import { xeroWebhookKey } from "../../config/local-secrets.ts";
import { and, eq } from "drizzle-orm";
import { database } from "../../db/client.ts";
import { runBatch } from "../../db/batch.ts";
import { insertConflict, updateSyncRecord } from "../../db/erp.ts";
import { newId } from "../../db/ids.ts";
import { tenantDatabases } from "../../db/resolver.ts";
import { erpConflicts, erpConnections, erpSyncRecords } from "../../db/schema/erp.ts";
import { invoices } from "../../db/schema.ts";
import { fromXeroAmount } from "../../domain/erp/xero-documents.ts";
import { xeroClient } from "../xero/client.ts";

const enc = new TextEncoder();

export async function xeroSignatureValid(key: string, rawBody: string, signature: string | null): Promise<boolean> {
  if (!signature) return false;
  const hmac = await crypto.subtle.importKey("raw", enc.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  let given: Uint8Array;
  try {
    given = Uint8Array.from(atob(signature), (c) => c.charCodeAt(0));
  } catch {
    return false;
  }
  // crypto.subtle.verify compares in constant time.
  return crypto.subtle.verify("HMAC", hmac, given, enc.encode(rawBody));
}

interface XeroEvent {
  resourceId: string;
  tenantId: string;
  eventCategory: string;
  eventType: string;
  eventDateUtc: string;
}

export async function handleXeroWebhook(env: Env, rawBody: string, signature: string | null, later: (p: Promise<unknown>) => void): Promise<200 | 401> {
  const key = xeroWebhookKey(env);
  if (!key || !(await xeroSignatureValid(key, rawBody, signature))) return 401;
  let events: XeroEvent[] = [];
  try {
    events = ((JSON.parse(rawBody) as { events?: XeroEvent[] }).events ?? []).filter((e) => e.eventCategory === "INVOICE");
  } catch {
    return 200; // signed but unparseable: nothing we can act on, and Xero must not retry it forever
  }
  if (events.length > 0) later(applyInvoiceEvents(env, events));
  return 200;
}

export async function applyInvoiceEvents(env: Env, events: XeroEvent[]): Promise<number> {
  let opened = 0;
  for (const d1 of tenantDatabases(env)) {
    const db = database(d1);
    for (const event of events) {
      const [connection] = await db.select().from(erpConnections).where(and(eq(erpConnections.remoteTenantId, event.tenantId), eq(erpConnections.status, "connected"))).all();
      if (!connection) continue;
      const [record] = await db
        .select()
        .from(erpSyncRecords)
        .where(and(eq(erpSyncRecords.franchiseId, connection.franchiseId), eq(erpSyncRecords.connectionId, connection.id), eq(erpSyncRecords.entityType, "invoice"), eq(erpSyncRecords.operation, "create"), eq(erpSyncRecords.remoteId, event.resourceId)))
        .all();
      if (!record?.syncedSnapshot) continue;
      const result = await xeroClient(env, connection.id, event.tenantId).call("GET", `/Invoices/${event.resourceId}`);
      if (!result.ok) continue;
      const remote = ((result.body.Invoices as Array<Record<string, unknown>> | undefined) ?? [])[0];
      if (!remote) continue;
      const [ours] = await db.select({ status: invoices.status, total: invoices.total, currency: invoices.currency }).from(invoices).where(and(eq(invoices.franchiseId, connection.franchiseId), eq(invoices.id, record.entityId))).all();
      if (!ours) continue;
      const base = JSON.parse(record.syncedSnapshot) as { status: string; total: number };
      const theirs = { status: String(remote.Status), total: fromXeroAmount(Number(remote.Total), ours.currency) };
      const oursNow = { status: ours.status === "void" ? "VOIDED" : ours.status === "paid" ? "PAID" : "AUTHORISED", total: ours.total };
      // Three-way: only fields Xero changed since the last sync matter; Ledgerline owns amounts
      // and status, so a change there in Xero is never applied silently.
      const changed = (["status", "total"] as const).filter((f) => theirs[f] !== base[f] && theirs[f] !== oursNow[f]);
      if (changed.length === 0) continue;
      const group = changed.includes("total") ? "amounts" : "status";
      const open = await db.select({ id: erpConflicts.id }).from(erpConflicts).where(and(eq(erpConflicts.franchiseId, connection.franchiseId), eq(erpConflicts.recordId, record.id), eq(erpConflicts.status, "open"))).all();
      if (open.length > 0) continue;
      const pick = (o: Record<string, unknown>) => Object.fromEntries(changed.map((f) => [f, o[f]]));
      const at = new Date().toISOString();
      await runBatch(db, [
        insertConflict(db, { id: newId("erx"), franchiseId: connection.franchiseId, connectionId: connection.id, recordId: record.id, fieldGroup: group, ours: JSON.stringify(pick(oursNow)), theirs: JSON.stringify(pick(theirs)), base: JSON.stringify(pick(base)), status: "open", resolution: null, resolvedBy: null, createdAt: at, resolvedAt: null }),
        updateSyncRecord(db, connection.franchiseId, record.id, { state: "conflict", lastErrorClass: "conflict", lastError: `changed in Xero: ${changed.map((f) => `${f} ${base[f]} → ${theirs[f]}`).join(", ")}`, lastFix: "Decide which side wins under Integrations → Conflicts.", updatedAt: at }),
      ]);
      opened++;
    }
  }
  return opened;
}
