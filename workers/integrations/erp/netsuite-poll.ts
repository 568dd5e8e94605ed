// Inbound NetSuite: NetSuite REST has no webhooks, so a cron asks each connected account, with
// SuiteQL, for the invoices, payments and customers modified since the connection's watermark
// (erp_connections.last_polled_at). NetSuite keeps lastmodifieddate to the second, so the query
// re-reads from a little before the watermark (`>=`, minus an overlap): a change made in the same
// second as the last one seen, or committed late, is read again rather than missed, and reading a
// change twice is harmless (every step below is idempotent).
// Every row goes through the provider-neutral apply step (./apply.ts), like Xero's and QBO's:
// - a payment recorded in NetSuite (not one of ours) against one of our invoices becomes a
//   Ledgerline payment as system:erp-sync, once per NetSuite payment id (referenced
//   netsuite:<internal id>), never pushed back;
// - a void of an invoice unpaid here is applied through the void use case; a total changed in
//   NetSuite is ignored with its reason (amounts belong to Ledgerline); a change made on both
//   sides goes to the review queue (GET/POST /v1/integrations/{id}/conflicts).
import { and, eq, inArray } from "drizzle-orm";
import { database, type Db } from "../../db/client.ts";
import { invoiceCreateRecords, updateConnection, type ErpConnectionRow, type ErpSyncRecordRow } from "../../db/erp.ts";
import { tenantDatabases } from "../../db/resolver.ts";
import { erpConnections } from "../../db/schema/erp.ts";
import { invoices } from "../../db/schema.ts";
import { fromNetSuiteAmount } from "../../domain/erp/netsuite-documents.ts";
import type { Logger } from "../../observability/logger.ts";
import { netsuiteClient, type NetSuiteClient } from "../netsuite/client.ts";
import { applyRemoteInvoice, applyRemotePayment, type RemoteInvoice, type RemotePayment } from "./apply.ts";
import { applyRemoteContact, type RemoteContact } from "./apply-contact.ts";
import { normalContact } from "../../domain/erp/contact-changes.ts";

/** Every minute, with the outbox relay: "changes made in the ERP come back within minutes". */
export const NETSUITE_POLL_CRON = "* * * * *";
/** How far before the watermark each poll starts reading again (same-second and late commits). */
export const POLL_OVERLAP_SECONDS = 120;
/** Our external ids of payments: "<payment id>:<invoice id>" (subscriber.ts). */
const OUR_PAYMENT_EXTERNAL_ID = /^pay_[0-9a-z]+:inv_[0-9a-z]+$/;
const PAGE = 1000;
/** SuiteQL answers at most 100,000 rows per query; a poll reads at most this many pages. */
const MAX_PAGES = 100;

export interface PollResult {
  rows: number;
  paymentsRecorded: number;
  conflictsOpened: number;
  watermark: string | null;
}

const toSuiteQl = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");
const fromSuiteQl = (text: string) => `${text.replace(" ", "T")}.000Z`;

export async function pollNetSuiteConnections(env: Env, logger: Logger): Promise<PollResult[]> {
  const results: PollResult[] = [];
  for (const d1 of tenantDatabases(env)) {
    const db = database(d1);
    const connections = await db.select().from(erpConnections).where(and(eq(erpConnections.provider, "netsuite"), eq(erpConnections.status, "connected"))).all();
    for (const connection of connections) {
      try {
        results.push(await pollConnection(env, db, connection, netsuiteClient(env, connection.id, connection.remoteTenantId ?? "")));
      } catch (error) {
        logger.error("netsuite poll failed", { connectionId: connection.id, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  return results;
}

type Row = Record<string, unknown>;

export async function pollConnection(env: Env, db: Db, connection: ErpConnectionRow, client: NetSuiteClient, now = Date.now()): Promise<PollResult> {
  const watermark = Date.parse(connection.lastPolledAt ?? connection.createdAt);
  const since = toSuiteQl(watermark - POLL_OVERLAP_SECONDS * 1000);
  const q = `SELECT id, externalid, type, status, voided, foreigntotal, foreignamountpaid, appliedto, trandate, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS modified FROM transaction WHERE type IN ('CustInvc', 'CustPymt') AND lastmodifieddate >= TO_TIMESTAMP('${since}', 'YYYY-MM-DD HH24:MI:SS') ORDER BY lastmodifieddate, id`;
  const rows = await readAllPages(client, q);
  // Customers edited in NetSuite (name, email, VAT number): the contact apply step decides.
  const customerRows = await readAllPages(client, `SELECT id, externalid, companyname, email, vatregnumber, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS modified FROM customer WHERE lastmodifieddate >= TO_TIMESTAMP('${since}', 'YYYY-MM-DD HH24:MI:SS') ORDER BY lastmodifieddate, id`);
  const invoiceRows = rows.filter((r) => r.type === "CustInvc");
  const paymentRows = rows.filter((r) => r.type === "CustPymt" && !OUR_PAYMENT_EXTERNAL_ID.test(String(r.externalid ?? "")));
  const ids = [...new Set([...invoiceRows.map((r) => String(r.id)), ...paymentRows.flatMap((r) => String(r.appliedto ?? "").split(","))].filter((x) => x !== ""))];
  const records = await invoiceCreateRecords(db, connection.franchiseId, connection.id, "remoteId", ids);
  const locals = await localInvoices(db, connection, [...records.values()].map((r) => r.entityId));
  let conflictsOpened = 0;
  let paymentsRecorded = 0;
  let busy = false;
  // Invoices first (a void is decided before the payments that may follow it), then payments,
  // all through the provider-neutral apply step, like Xero's and QBO's.
  for (const row of invoiceRows) {
    const record = records.get(String(row.id));
    const local = record ? locals.get(record.entityId) : undefined;
    if (!record || !local) continue;
    for (const o of await applyRemoteInvoice(env, connection, remoteNetSuiteInvoice(row, local.currency))) if (o.decision === "conflict") conflictsOpened++;
  }
  for (const row of paymentRows) {
    const payment = remoteNetSuitePayment(row, records, locals, now);
    if (!payment) continue; // a payment on something Ledgerline did not send
    const o = await applyRemotePayment(env, connection, payment);
    if (o.decision === "applied") paymentsRecorded++;
    if (o.decision === "conflict") conflictsOpened++;
    if (o.decision === "busy") busy = true;
  }
  for (const row of customerRows) for (const o of await applyRemoteContact(env, connection, remoteNetSuiteContact(row))) if (o.decision === "conflict") conflictsOpened++;
  // The newest change seen becomes the watermark (never moving back, never past what was read;
  // not at all while another sighting still applies a payment: the next poll reads it again).
  const newest = [...rows, ...customerRows].reduce((max, r) => (typeof r.modified === "string" && r.modified > max ? r.modified : max), "");
  const next = newest && !busy ? Math.max(watermark, Date.parse(fromSuiteQl(newest))) : watermark;
  await updateConnection(db, connection.franchiseId, connection.id, { lastPolledAt: new Date(next).toISOString() });
  return { rows: rows.length + customerRows.length, paymentsRecorded, conflictsOpened, watermark: new Date(next).toISOString() };
}

/** Every page of one query; a failed page throws, so the watermark stays and the next poll reads it all again. */
async function readAllPages(client: NetSuiteClient, q: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await client.suiteql(q, { limit: PAGE, offset: page * PAGE });
    if (!result.ok) throw new Error(`SuiteQL failed: ${result.failure.message}`);
    rows.push(...((result.body.items as Row[] | undefined) ?? []));
    if (!result.body.hasMore) break;
  }
  return rows;
}

/** A SuiteQL customer row as a contact (companyname, email, vatregnumber). */
export function remoteNetSuiteContact(row: Row): RemoteContact {
  return { remoteId: String(row.id), version: String(row.modified ?? ""), view: normalContact({ name: row.companyname, email: row.email, taxId: row.vatregnumber }) };
}

async function localInvoices(db: Db, connection: ErpConnectionRow, ids: string[]): Promise<Map<string, { currency: string }>> {
  const out = new Map<string, { currency: string }>();
  for (let i = 0; i < ids.length; i += 90) {
    const rows = await db.select({ id: invoices.id, currency: invoices.currency }).from(invoices).where(and(eq(invoices.franchiseId, connection.franchiseId), inArray(invoices.id, ids.slice(i, i + 90)))).all();
    for (const r of rows) out.set(r.id, r);
  }
  return out;
}

const viewStatus = (status: unknown, voided: unknown): RemoteInvoice["view"]["status"] => (voided === "T" || status === "VOIDED" || status === "V" ? "void" : status === "B" || status === "PAID" ? "paid" : "open");

/** A SuiteQL invoice row in the neutral shape (a void zeroes NetSuite's total; apply.ts knows). */
export function remoteNetSuiteInvoice(row: Row, currency: string): RemoteInvoice {
  return {
    remoteId: String(row.id),
    version: String(row.modified ?? ""),
    view: { status: viewStatus(row.status, row.voided), total: fromNetSuiteAmount(Number(row.foreigntotal ?? 0), currency), amountPaid: fromNetSuiteAmount(Number(row.foreignamountpaid ?? 0), currency) },
  };
}

/**
 * A SuiteQL payment row in the neutral shape, or null when it pays nothing Ledgerline sent. The
 * row names the invoices it applies to but not the amount per invoice: a payment over several
 * invoices cannot be split here, so it goes to review instead of being guessed.
 */
function remoteNetSuitePayment(row: Row, records: Map<string, ErpSyncRecordRow>, locals: Map<string, { currency: string }>, now: number): RemotePayment | null {
  const applied = String(row.appliedto ?? "").split(",").filter((x) => x !== "");
  const ours = applied.filter((id) => records.has(id));
  if (ours.length === 0) return null;
  const currency = locals.get(records.get(ours[0]!)!.entityId)?.currency ?? "EUR";
  const trandate = typeof row.trandate === "string" && row.trandate.length === 10 && Date.parse(row.trandate) <= now ? `${row.trandate}T00:00:00.000Z` : new Date(now).toISOString();
  return {
    remoteId: String(row.id),
    remoteInvoiceId: ours[0]!,
    amount: fromNetSuiteAmount(Number(row.foreigntotal ?? 0), currency),
    currency,
    receivedAt: trandate,
    needsReview: applied.length > 1 ? `payment ${String(row.id)} recorded in NetSuite is applied to ${applied.length} invoices; record its allocations by hand` : undefined,
  };
}
