// Inbound NetSuite: NetSuite REST has no webhooks, so a cron asks each connected account, with
// SuiteQL, for the invoices and payments modified since the connection's watermark
// (erp_connections.last_polled_at). NetSuite keeps lastmodifieddate to the second, so the query
// re-reads from a little before the watermark (`>=`, minus an overlap): a change made in the same
// second as the last one seen, or committed late, is read again rather than missed, and reading a
// change twice is harmless (every step below is idempotent).
// - A payment recorded in NetSuite (not one of ours) against one of our invoices is recorded in
//   Ledgerline ("payment status: whichever records it first"), referenced netsuite:<internal id>
//   so it is recorded once and never pushed back (netsuite-sync.ts links such payments).
// - A void or a different total made in NetSuite on an invoice Ledgerline owns is compared three
//   ways (ours now, theirs now, the last synced snapshot) and, when NetSuite changed it, opened as
//   a conflict in the same review queue as Xero's (GET/POST /v1/integrations/{id}/conflicts).
import { and, eq, inArray } from "drizzle-orm";
import { database, type Db } from "../../db/client.ts";
import { runBatch } from "../../db/batch.ts";
import { insertConflict, updateConnection, updateSyncRecord, type ErpConnectionRow, type ErpSyncRecordRow } from "../../db/erp.ts";
import { newId } from "../../db/ids.ts";
import { tenantDatabases } from "../../db/resolver.ts";
import { erpConflicts, erpConnections, erpSyncRecords } from "../../db/schema/erp.ts";
import { invoices, payments } from "../../db/schema.ts";
import { billingContext } from "../../billing/context.ts";
import { recordPayment } from "../../billing/payments.ts";
import { systemClock } from "../../domain/clock.ts";
import { DomainError } from "../../domain/errors.ts";
import { fromNetSuiteAmount } from "../../domain/erp/netsuite-documents.ts";
import type { Logger } from "../../observability/logger.ts";
import { netsuiteClient, type NetSuiteClient } from "../netsuite/client.ts";

/** Every minute, with the outbox relay: "changes made in the ERP come back within minutes". */
export const NETSUITE_POLL_CRON = "* * * * *";
/** How far before the watermark each poll starts reading again (same-second and late commits). */
export const POLL_OVERLAP_SECONDS = 120;
export const POLL_ACTOR = "system:netsuite-poll";
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
  const rows: Row[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await client.suiteql(q, { limit: PAGE, offset: page * PAGE });
    // A failed page: keep the watermark, so the next poll reads all of it again.
    if (!result.ok) throw new Error(`SuiteQL failed: ${result.failure.message}`);
    rows.push(...((result.body.items as Row[] | undefined) ?? []));
    if (!result.body.hasMore) break;
  }
  const invoiceRows = rows.filter((r) => r.type === "CustInvc");
  const paymentRows = rows.filter((r) => r.type === "CustPymt" && !OUR_PAYMENT_EXTERNAL_ID.test(String(r.externalid ?? "")));
  const ids = [...new Set([...invoiceRows.map((r) => String(r.id)), ...paymentRows.flatMap((r) => String(r.appliedto ?? "").split(","))].filter((x) => x !== ""))];
  const records = await invoiceRecordsByRemoteId(db, connection, ids);
  let paymentsRecorded = 0;
  for (const row of paymentRows) if (await applyRemotePayment(env, db, connection, row, records, now)) paymentsRecorded++;
  let conflictsOpened = 0;
  for (const row of invoiceRows) {
    const record = records.get(String(row.id));
    if (record && (await compareInvoice(db, connection, record, row, now))) conflictsOpened++;
  }
  // The newest change seen becomes the watermark (never moving back, never past what was read).
  const newest = rows.reduce((max, r) => (typeof r.modified === "string" && r.modified > max ? r.modified : max), "");
  const next = newest ? Math.max(watermark, Date.parse(fromSuiteQl(newest))) : watermark;
  await updateConnection(db, connection.franchiseId, connection.id, { lastPolledAt: new Date(next).toISOString() });
  return { rows: rows.length, paymentsRecorded, conflictsOpened, watermark: new Date(next).toISOString() };
}

async function invoiceRecordsByRemoteId(db: Db, connection: ErpConnectionRow, remoteIds: string[]): Promise<Map<string, ErpSyncRecordRow>> {
  const out = new Map<string, ErpSyncRecordRow>();
  for (let i = 0; i < remoteIds.length; i += 90) {
    const rows = await db
      .select()
      .from(erpSyncRecords)
      .where(and(eq(erpSyncRecords.franchiseId, connection.franchiseId), eq(erpSyncRecords.connectionId, connection.id), eq(erpSyncRecords.entityType, "invoice"), eq(erpSyncRecords.operation, "create"), inArray(erpSyncRecords.remoteId, remoteIds.slice(i, i + 90))))
      .all();
    for (const r of rows) if (r.remoteId) out.set(r.remoteId, r);
  }
  return out;
}

/** Records a NetSuite payment in Ledgerline once (by reference); true when it was recorded now. */
async function applyRemotePayment(env: Env, db: Db, connection: ErpConnectionRow, row: Row, records: Map<string, ErpSyncRecordRow>, now: number): Promise<boolean> {
  const applied = String(row.appliedto ?? "").split(",").filter((x) => x !== "");
  const ours = applied.map((id) => records.get(id)).filter((r): r is ErpSyncRecordRow => r !== undefined);
  if (ours.length === 0) return false; // a payment on something Ledgerline did not send
  const reference = `netsuite:${String(row.id)}`;
  const [already] = await db.select({ id: payments.id }).from(payments).where(and(eq(payments.franchiseId, connection.franchiseId), eq(payments.reference, reference))).limit(1).all();
  if (already) return false;
  const record = ours[0]!;
  const [invoice] = await db.select({ id: invoices.id, customerId: invoices.customerId, currency: invoices.currency, total: invoices.total, amountPaid: invoices.amountPaid, amountCredited: invoices.amountCredited, status: invoices.status }).from(invoices).where(and(eq(invoices.franchiseId, connection.franchiseId), eq(invoices.id, record.entityId))).all();
  if (!invoice) return false;
  const amount = fromNetSuiteAmount(Number(row.foreigntotal ?? 0), invoice.currency);
  const open = invoice.total - invoice.amountPaid - invoice.amountCredited;
  if (ours.length > 1 || applied.length > 1 || amount <= 0 || amount > open || invoice.status === "void") {
    // Not one clean payment on one open invoice of ours: someone decides (both sides recorded money).
    await openConflict(db, connection, record, "status", { amountPaid: invoice.amountPaid }, { amountPaid: invoice.amountPaid + amount, payment: reference }, { amountPaid: invoice.amountPaid }, `payment ${row.id} recorded in NetSuite does not fit invoice ${invoice.id} (open ${open}, paid ${amount})`, now);
    return false;
  }
  const ctx = billingContext(env, connection.franchiseId, systemClock, POLL_ACTOR);
  try {
    await recordPayment(ctx, { customerId: invoice.customerId, currency: invoice.currency, amount, allocations: [{ invoiceId: invoice.id, amount }], method: "bank_transfer", reference, receivedAt: typeof row.trandate === "string" && row.trandate.length === 10 && Date.parse(row.trandate) <= now ? `${row.trandate}T00:00:00.000Z` : undefined });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    await openConflict(db, connection, record, "status", { amountPaid: invoice.amountPaid }, { amountPaid: invoice.amountPaid + amount, payment: reference }, { amountPaid: invoice.amountPaid }, `payment ${row.id} recorded in NetSuite could not be recorded here: ${error.message}`, now);
    return false;
  }
  return true;
}

const normalizedStatus = (status: unknown, voided: unknown) => (voided === "T" || status === "VOIDED" || status === "V" ? "VOIDED" : status === "B" || status === "PAID" ? "PAID" : "AUTHORISED");
const ourStatus = (status: string) => (status === "void" ? "VOIDED" : status === "paid" ? "PAID" : "AUTHORISED");

/** Three-way compare of one invoice; opens a conflict when NetSuite changed a field Ledgerline owns. */
async function compareInvoice(db: Db, connection: ErpConnectionRow, record: ErpSyncRecordRow, row: Row, now: number): Promise<boolean> {
  if (!record.syncedSnapshot) return false;
  const [ours] = await db.select({ status: invoices.status, total: invoices.total, currency: invoices.currency }).from(invoices).where(and(eq(invoices.franchiseId, connection.franchiseId), eq(invoices.id, record.entityId))).all();
  if (!ours) return false;
  const snapshot = JSON.parse(record.syncedSnapshot) as { status: string; total: number };
  const base = { status: normalizedStatus(snapshot.status, null), total: snapshot.total };
  const theirsStatus = normalizedStatus(row.status, row.voided);
  // A void zeroes NetSuite's total: the status says it all, the total is not a second change.
  const theirs = { status: theirsStatus, total: theirsStatus === "VOIDED" ? base.total : fromNetSuiteAmount(Number(row.foreigntotal ?? 0), ours.currency) };
  const oursNow = { status: ourStatus(ours.status), total: ours.total };
  // Payment status follows whoever records the payment first (handled above), so PAID is not a conflict.
  const changed = (["status", "total"] as const).filter((f) => theirs[f] !== base[f] && theirs[f] !== oursNow[f] && !(f === "status" && theirs.status === "PAID"));
  if (changed.length === 0) return false;
  const pick = (o: Record<string, unknown>) => Object.fromEntries(changed.map((f) => [f, o[f]]));
  return openConflict(db, connection, record, changed.includes("total") ? "amounts" : "status", pick(oursNow), pick(theirs), pick(base), `changed in NetSuite: ${changed.map((f) => `${f} ${base[f]} → ${theirs[f]}`).join(", ")}`, now);
}

/**
 * One open conflict per record at a time, and never the same remote change twice: a change read
 * again (the overlap re-reads recent rows every poll) adds nothing, also after it was decided.
 */
async function openConflict(db: Db, connection: ErpConnectionRow, record: ErpSyncRecordRow, group: string, ours: object, theirs: object, base: object, why: string, now: number): Promise<boolean> {
  const known = await db.select({ status: erpConflicts.status, fieldGroup: erpConflicts.fieldGroup, theirs: erpConflicts.theirs }).from(erpConflicts).where(and(eq(erpConflicts.franchiseId, connection.franchiseId), eq(erpConflicts.recordId, record.id))).all();
  if (known.some((k) => k.status === "open" || (k.fieldGroup === group && k.theirs === JSON.stringify(theirs)))) return false;
  const at = new Date(now).toISOString();
  await runBatch(db, [
    insertConflict(db, { id: newId("erx"), franchiseId: connection.franchiseId, connectionId: connection.id, recordId: record.id, fieldGroup: group, ours: JSON.stringify(ours), theirs: JSON.stringify(theirs), base: JSON.stringify(base), status: "open", resolution: null, resolvedBy: null, createdAt: at, resolvedAt: null }),
    updateSyncRecord(db, connection.franchiseId, record.id, { state: "conflict", lastErrorClass: "conflict", lastError: why.slice(0, 1000), lastFix: "Decide which side wins under Integrations → Conflicts.", updatedAt: at }),
  ]);
  return true;
}
