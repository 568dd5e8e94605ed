// Inbound Xero webhooks. The signature (base64 HMAC-SHA256 of the raw body with the webhook key)
// is checked before anything is parsed; Xero's "intent to receive" check is exactly that (200
// for a good signature, 401 for a bad one, no body, within 5 s), so the work runs after the
// answer (waitUntil). Each INVOICE event re-reads the invoice from Xero (each CONTACT event the
// contact, ./apply-contact.ts) and hands it to the
// apply step (./apply.ts): a change only Xero made is applied, ignored or reviewed by the owner
// of its field group; a duplicate delivery finds it decided already and adds nothing.
import { xeroWebhookKey } from "../../config/local-secrets.ts";
import { and, eq } from "drizzle-orm";
import { database, type Db } from "../../db/client.ts";
import type { ErpConnectionRow } from "../../db/erp.ts";
import { recordByRemoteId } from "../../db/erp-flow.ts";
import { tenantDatabases } from "../../db/resolver.ts";
import { erpConnections } from "../../db/schema/erp.ts";
import { invoices } from "../../db/schema.ts";
import { xeroClient } from "../xero/client.ts";
import { applyRemoteInvoice, type ApplyOutcome } from "./apply.ts";
import { applyRemoteContact } from "./apply-contact.ts";
import { remoteContactOf, remoteInvoiceOf } from "./xero-inbound.ts";
import { pollXeroConnection } from "./xero-polling.ts";

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
    events = (JSON.parse(rawBody) as { events?: XeroEvent[] }).events ?? [];
  } catch {
    return 200; // signed but unparseable: nothing we can act on, and Xero must not retry it forever
  }
  const invoiceEvents = events.filter((e) => e.eventCategory === "INVOICE");
  const contactEvents = events.filter((e) => e.eventCategory === "CONTACT");
  if (invoiceEvents.length > 0) later(applyInvoiceEvents(env, invoiceEvents));
  if (contactEvents.length > 0) later(applyContactEvents(env, contactEvents));
  return 200;
}

async function connectedToTenant(db: Db, tenantId: string): Promise<ErpConnectionRow | undefined> {
  const [connection] = await db
    .select()
    .from(erpConnections)
    .where(and(eq(erpConnections.remoteTenantId, tenantId), eq(erpConnections.status, "connected")))
    .all();
  return connection;
}

/** Re-reads each changed contact and hands it to the provider-neutral contact apply step. */
export async function applyContactEvents(env: Env, events: XeroEvent[]): Promise<ApplyOutcome[]> {
  const outcomes: ApplyOutcome[] = [];
  for (const d1 of tenantDatabases(env)) {
    const db = database(d1);
    for (const event of events) {
      const connection = await connectedToTenant(db, event.tenantId);
      if (!connection) continue;
      const result = await xeroClient(env, connection.id, event.tenantId).call("GET", `/Contacts/${event.resourceId}`);
      if (!result.ok) continue; // a later edit's event reads it again
      const remote = ((result.body.Contacts as Array<Record<string, unknown>> | undefined) ?? [])[0];
      if (remote) outcomes.push(...(await applyRemoteContact(env, connection, remoteContactOf(remote))));
    }
  }
  return outcomes;
}

/**
 * Re-reads each changed invoice and hands it to the provider-neutral apply step (./apply.ts).
 * When Xero's paid amount moved, the connection's payments are polled right away (Xero sends no
 * payment events). Returns what was decided, per field group.
 */
export async function applyInvoiceEvents(env: Env, events: XeroEvent[]): Promise<ApplyOutcome[]> {
  const outcomes: ApplyOutcome[] = [];
  for (const d1 of tenantDatabases(env)) {
    const db = database(d1);
    const poll = new Map<string, ErpConnectionRow>();
    for (const event of events) {
      const connection = await connectedToTenant(db, event.tenantId);
      if (!connection) continue;
      const record = await recordByRemoteId(db, connection.franchiseId, connection.id, "invoice", event.resourceId);
      if (!record?.syncedSnapshot) continue;
      const [ours] = await db
        .select({ currency: invoices.currency })
        .from(invoices)
        .where(and(eq(invoices.franchiseId, connection.franchiseId), eq(invoices.id, record.entityId)))
        .all();
      if (!ours) continue;
      const result = await xeroClient(env, connection.id, event.tenantId).call("GET", `/Invoices/${event.resourceId}`);
      if (!result.ok) continue; // the poll catches up with what a failed read missed
      const remote = ((result.body.Invoices as Array<Record<string, unknown>> | undefined) ?? [])[0];
      if (!remote) continue;
      const decided = await applyRemoteInvoice(env, connection, remoteInvoiceOf(remote, ours.currency));
      outcomes.push(...decided);
      if (decided.some((o) => o.pollPayments)) poll.set(connection.id, connection);
    }
    for (const connection of poll.values()) await pollXeroConnection(env, connection);
  }
  return outcomes;
}
