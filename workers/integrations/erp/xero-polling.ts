// Polling Xero for what webhooks do not carry: payments (Xero sends no payment events) and, as a
// catch-up for missed webhooks, changed invoices. Per connected Xero connection, GET /Payments
// and GET /Invoices with If-Modified-Since: <watermark>, page by page (oldest change first); each
// page is applied before that list's watermark (erp_poll_watermarks) moves to the newest change
// on it, so a crash re-reads a
// page (applying is idempotent) and never skips one. A page left "busy" (another sighting of a
// payment still being applied) stops the walk without moving the watermark.
import { and, eq } from "drizzle-orm";
import { database } from "../../db/client.ts";
import { runBatch } from "../../db/batch.ts";
import { updateConnection, type ErpConnectionRow } from "../../db/erp.ts";
import { franchiseDatabase, tenantDatabases } from "../../db/resolver.ts";
import { erpConnections } from "../../db/schema/erp.ts";
import { invoices } from "../../db/schema.ts";
import { advanceWatermark, pollWatermark, recordByRemoteId } from "../../db/erp-flow.ts";
import type { Logger } from "../../observability/logger.ts";
import { xeroClient, type XeroClient } from "../xero/client.ts";
import { applyRemoteInvoice, applyRemotePayment, type ApplyOutcome } from "./apply.ts";
import { fromXeroDate, remoteInvoiceOf, remotePaymentOf } from "./xero-inbound.ts";

/** Every 10 minutes: payments lag at most that; 2 calls per poll when nothing changed is ~290 of Xero's 5,000 a day. */
export const ERP_POLL_CRON = "3,13,23,33,43,53 * * * *";
/** Xero's list pages hold 100 documents (pageSize may go to 1,000; 100 keeps each page's work small). */
export const POLL_PAGE_SIZE = 100;
/** A poll stops after this many pages and continues next time (the watermark says where). */
const MAX_PAGES = 20;

export interface PollResult {
  connectionId: string;
  pages: number;
  payments: Record<string, number>;
  invoices: Record<string, number>;
  watermarks: Record<string, string>;
  stopped?: string;
}

export async function pollAllXeroConnections(env: Env, logger: Logger): Promise<PollResult[]> {
  const results: PollResult[] = [];
  for (const d1 of tenantDatabases(env)) {
    const rows = await database(d1)
      .select()
      .from(erpConnections)
      .where(and(eq(erpConnections.provider, "xero"), eq(erpConnections.status, "connected")))
      .all();
    for (const connection of rows) {
      try {
        const result = await pollXeroConnection(env, connection);
        if (result.stopped) logger.warn("erp poll stopped early", { connectionId: connection.id, reason: result.stopped });
        results.push(result);
      } catch (error) {
        logger.error("erp poll failed", { connectionId: connection.id, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  return results;
}

export async function pollXeroConnection(
  env: Env,
  connection: ErpConnectionRow,
  client: XeroClient = xeroClient(env, connection.id, connection.remoteTenantId ?? ""),
): Promise<PollResult> {
  const db = database(franchiseDatabase(env, connection.franchiseId));
  const result: PollResult = { connectionId: connection.id, pages: 0, payments: {}, invoices: {}, watermarks: {} };
  const count = (into: Record<string, number>, o: ApplyOutcome) => {
    into[o.decision] = (into[o.decision] ?? 0) + 1;
  };

  // Invoices first: a void or edit is decided before the payments that may follow it.
  walk: for (const kind of ["Invoices", "Payments"] as const) {
    const since = await pollWatermark(db, connection.franchiseId, connection.id, kind);
    let newest = since;
    for (let page = 1; page <= MAX_PAGES; page++) {
      const answer = await client.call(
        "GET",
        `/${kind}?page=${page}&pageSize=${POLL_PAGE_SIZE}&order=UpdatedDateUTC%20ASC`,
        since ? { ifModifiedSince: since } : {},
      );
      if (!answer.ok) {
        result.stopped = `${kind}: ${answer.failure.message}`;
        break walk;
      }
      const docs = (answer.body[kind] as Array<Record<string, unknown>> | undefined) ?? [];
      result.pages++;
      let busy = false;
      for (const doc of docs) {
        if (kind === "Invoices") {
          const record = await recordByRemoteId(db, connection.franchiseId, connection.id, "invoice", String(doc.InvoiceID));
          if (!record) continue; // not one of ours (typed in Xero)
          const local = await db
            .select({ currency: invoices.currency })
            .from(invoices)
            .where(and(eq(invoices.franchiseId, connection.franchiseId), eq(invoices.id, record.entityId)))
            .get();
          if (!local) continue;
          for (const o of await applyRemoteInvoice(env, connection, remoteInvoiceOf(doc, local.currency))) count(result.invoices, o);
        } else {
          const payment = remotePaymentOf(doc);
          if (!payment) continue;
          const o = await applyRemotePayment(env, connection, payment);
          count(result.payments, o);
          if (o.decision === "busy") busy = true;
        }
      }
      if (busy) {
        result.stopped = "a payment was being applied by another sighting; the next poll re-reads this page";
        break walk;
      }
      // The page is applied: its newest change becomes the watermark (saved per page, so a crash costs one page).
      for (const doc of docs) {
        const at = fromXeroDate(doc.UpdatedDateUTC);
        if (at && (!newest || at > newest)) newest = at;
      }
      if (newest && newest !== since) await runBatch(db, [advanceWatermark(db, connection.franchiseId, connection.id, kind, newest, new Date().toISOString())]);
      if (docs.length < POLL_PAGE_SIZE) break;
    }
    if (newest) result.watermarks[kind] = newest;
  }
  await updateConnection(db, connection.franchiseId, connection.id, { lastPolledAt: new Date().toISOString() }).run();
  return result;
}
