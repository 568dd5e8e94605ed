// Inbound QuickBooks changes. A webhook (intuit-signature: base64 HMAC-SHA256 of the raw body
// with the app's verifier token) is checked before anything is parsed and answered at once
// (Intuit wants 200 within 3 s); the work runs after the answer. Notifications only say "something
// changed in realm R", so each one triggers Change Data Capture for that realm's connection since
// its last pass, and the same catch-up runs on a cron, so a missed webhook is recovered. Changed
// invoices and payments go through the provider-neutral apply step (./apply.ts), like Xero's: a
// payment recorded in QBO becomes a Ledgerline payment (once per QBO payment id), a void of an
// unpaid invoice is applied through the void use case, a Ledgerline-owned change is ignored with
// its reason, and a change made on both sides goes to review; a duplicate notification finds it
// decided already and adds nothing.
import { and, eq } from "drizzle-orm";
import { qboWebhookVerifier } from "../../config/local-secrets.ts";
import { database, type Db } from "../../db/client.ts";
import { runBatch } from "../../db/batch.ts";
import { updateConnection, type ErpConnectionRow } from "../../db/erp.ts";
import { recordByRemoteId } from "../../db/erp-flow.ts";
import { tenantDatabases } from "../../db/resolver.ts";
import { erpConnections } from "../../db/schema/erp.ts";
import { invoices } from "../../db/schema.ts";
import { nextChangedSince, parseQboNotifications } from "../../domain/erp/qbo-webhooks.ts";
import type { Logger } from "../../observability/logger.ts";
import { qboClient } from "../qbo/client.ts";
import { applyRemoteInvoice, applyRemotePayment, type ApplyOutcome } from "./apply.ts";
import { remoteQboContact, remoteQboInvoice, remoteQboPayments } from "./qbo-remote.ts";
import { applyRemoteContact } from "./apply-contact.ts";
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
  const realms = [...new Set(parseQboNotifications(payload).filter((n) => n.entity === "Invoice" || n.entity === "Payment" || n.entity === "CreditMemo" || n.entity === "Customer").map((n) => n.realmId))];
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
  const result = await client.call("GET", "/cdc", { params: { entities: "Invoice,Payment,Customer", changedSince: since } });
  if (!result.ok) throw new Error(`CDC refused: ${result.failure.message}`);
  const lists = ((result.body.CDCResponse as Array<{ QueryResponse?: Array<Record<string, unknown>> }> | undefined) ?? []).flatMap((r) => r.QueryResponse ?? []);
  const changedInvoices = lists.flatMap((q) => (q.Invoice as Array<Record<string, unknown>> | undefined) ?? []);
  const changedPayments = lists.flatMap((q) => (q.Payment as Array<Record<string, unknown>> | undefined) ?? []);
  // Deleted customers come as {Id, status: "Deleted"}: nothing to copy (an inactive customer keeps its invoices).
  const changedCustomers = lists.flatMap((q) => (q.Customer as Array<Record<string, unknown>> | undefined) ?? []).filter((c) => c.status !== "Deleted");
  let conflicts = 0;
  let busy = false;
  let newest: string | null = null;
  const count = (o: ApplyOutcome) => {
    if (o.decision === "conflict") conflicts++;
    if (o.decision === "busy") busy = true;
  };
  // Invoices first: a void is decided before the payments that may follow it.
  for (const remote of changedInvoices) {
    const record = await recordByRemoteId(db, connection.franchiseId, connection.id, "invoice", String(remote.Id));
    if (!record) continue; // not one of ours (typed in QuickBooks)
    const [ours] = await db.select({ currency: invoices.currency, amountCredited: invoices.amountCredited }).from(invoices).where(and(eq(invoices.franchiseId, connection.franchiseId), eq(invoices.id, record.entityId))).all();
    if (!ours) continue;
    for (const o of await applyRemoteInvoice(env, connection, remoteQboInvoice(remote, ours.currency, ours.amountCredited))) count(o);
  }
  for (const remote of changedPayments) for (const payment of remoteQboPayments(remote)) count(await applyRemotePayment(env, connection, payment));
  for (const remote of changedCustomers) for (const o of await applyRemoteContact(env, connection, remoteQboContact(remote))) count(o);
  for (const doc of [...changedInvoices, ...changedPayments, ...changedCustomers]) {
    const updated = String((doc.MetaData as Record<string, unknown> | undefined)?.LastUpdatedTime ?? "");
    if (updated && (!newest || updated > newest)) newest = updated;
  }
  // A payment still being applied by another sighting: keep the checkpoint, the next pass reads it again.
  if (!busy) await runBatch(db, [updateConnection(db, connection.franchiseId, connection.id, { lastPolledAt: nextChangedSince(startedAt, changedInvoices.length + changedPayments.length + changedCustomers.length, newest) })]);
  return conflicts;
}
