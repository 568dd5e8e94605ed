// Syncs claimed records of one NetSuite connection: customers first (upserted by external id),
// then invoices and credit notes, then payments (never before their invoice), then voids. Every
// write is an upsert by external id (PUT …/eid:<our id>), NetSuite's idempotency mechanism for
// synchronous calls: a redelivered message, a lost answer or a retry after a 5xx rewrites the same
// record and can never create a second one. NetSuite has no batch writes, so records go one call
// each, as many at once as our slice of the account's concurrency pool allows (the DO decides).
// After the upserts, one SuiteQL query reads back NetSuite's totals: a document NetSuite totals
// differently from us is a conflict for review, not a success.
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { fail, flush, settle, waitFor } from "./record-outcomes.ts";
import { type Statement } from "../../db/batch.ts";
import { insertConflict, listMappings, updateConnection, upsertMapping, type ErpConnectionRow, type ErpSyncRecordRow } from "../../db/erp.ts";
import { erpSyncRecords } from "../../db/schema/erp.ts";
import { branches, customers } from "../../db/schema.ts";
import { newId } from "../../db/ids.ts";
import { NETSUITE_LIMITS } from "../../domain/erp/rate-budget.ts";
import { MissingMapping, mappingTable, type MappingTable } from "../../domain/erp/mapping.ts";
import type { SyncFailure } from "../../domain/erp/xero-errors.ts";
import type { SyncDocument } from "../../domain/erp/xero-documents.ts";
import { fromNetSuiteAmount, internalIdFromLocation, netsuiteCreditApplyBody, netsuiteCreditMemoBody, netsuiteCustomerBody, netsuiteInvoiceBody, netsuitePaymentBody } from "../../domain/erp/netsuite-documents.ts";
import type { NetSuiteClient } from "../netsuite/client.ts";
import { watchingRefusals } from "../netsuite/refusal.ts";
import type { RecordOutcome } from "./xero-sync.ts";
import { allocationOf, invoiceRecordsOf, readyInvoice } from "./allocation-records.ts";
import { CONTACT_ENTITY, contactPayload, syncedContactRecord } from "./contact-records.ts";
import { updateNetSuiteCustomers } from "./netsuite-contacts.ts";

const CURRENCIES_TTL_MS = 10 * 60_000;
const RECORD_TYPE = { invoice: "invoice", credit_note: "creditMemo" } as const;

interface Pass {
  db: Db;
  connection: ErpConnectionRow;
  client: NetSuiteClient;
  now: () => number;
  random: () => number;
  mapping: MappingTable;
  /** Every record claimed for this pass. */
  records: ErpSyncRecordRow[];
  statements: Statement[];
  outcomes: Map<string, RecordOutcome>;
}

type Doc = SyncDocument & { customerId: string; branchId: string };
const documentOf = (r: ErpSyncRecordRow) => JSON.parse(r.payload) as Doc;

export async function syncNetSuiteRecords(db: Db, connection: ErpConnectionRow, netsuite: NetSuiteClient, records: ErpSyncRecordRow[], now: () => number = Date.now, random: () => number = Math.random): Promise<RecordOutcome[]> {
  const mappings = await listMappings(db, connection.franchiseId, connection.id);
  // NetSuite refusing our credentials ends the pass's calls and marks the connection (../netsuite/refusal.ts).
  const watched = watchingRefusals(netsuite);
  const client = watched.client;
  const finish = async () => {
    const refusal = watched.refusal();
    if (refusal) pass.statements.push(updateConnection(db, connection.franchiseId, connection.id, { status: "reconnect_required", updatedAt: new Date(now()).toISOString() }));
    await flush(pass);
  };
  const pass: Pass = { db, connection, client, now, random, mapping: mappingTable(mappings.filter((m) => m.kind !== "contact").map((m) => ({ kind: m.kind as "tax", localKey: m.localKey, remoteCode: m.remoteCode }))), records, statements: [], outcomes: new Map() };
  const contacts = new Map(mappings.filter((m) => m.kind === "contact").map((m) => [m.localKey, m.remoteCode]));

  const documents = records.filter((r) => r.operation === "create" && (r.entityType === "invoice" || r.entityType === "credit_note"));
  const contactEdits = records.filter((r) => r.entityType === CONTACT_ENTITY);
  const dependents = records.filter((r) => !documents.includes(r) && !contactEdits.includes(r));
  if (contactEdits.length > 0) await updateNetSuiteCustomers(pass, client, contactEdits);
  const needsCurrencies = documents.length > 0 || dependents.some((r) => r.entityType === "payment");
  const currencies = needsCurrencies ? await accountCurrencies(pass) : new Map<string, string>();
  if (currencies === null) {
    await finish();
    return records.map((r) => pass.outcomes.get(r.id) ?? { recordId: r.id, done: false, delaySeconds: 5 });
  }

  if (documents.length > 0) {
    const jurisdictions = await branchJurisdictions(pass, documents);
    await ensureCustomers(pass, documents, contacts);
    const written: Array<{ record: ErpSyncRecordRow; doc: Doc; internalId: string }> = [];
    await inPool(documents, NETSUITE_LIMITS.concurrent, async (record) => {
      if (pass.outcomes.has(record.id)) return;
      const doc = documentOf(record);
      const customerId = contacts.get(doc.customerId);
      if (!customerId) return; // ensureCustomers recorded why
      let body: ReturnType<typeof netsuiteInvoiceBody>;
      try {
        const ctx = { customerId, jurisdiction: jurisdictions.get(doc.branchId) ?? "", mapping: pass.mapping, currencies };
        body = record.entityType === "invoice" ? netsuiteInvoiceBody(doc, ctx) : netsuiteCreditMemoBody(doc, ctx);
      } catch (error) {
        if (error instanceof MissingMapping) return fail(pass, record, { class: "data_fix_required", message: error.message, fix: error.fix });
        if (error instanceof Error && "code" in error) return fail(pass, record, { class: "data_fix_required", message: error.message, fix: error.message });
        throw error;
      }
      const type = RECORD_TYPE[record.entityType as "invoice" | "credit_note"];
      const result = await pass.client.record("PUT", `/${type}/eid:${encodeURIComponent(doc.id)}`, body);
      if (!result.ok) return fail(pass, record, result.failure);
      const internalId = internalIdFromLocation(result.location);
      if (!internalId) return fail(pass, record, { class: "transient", message: "NetSuite accepted the record but named no Location", fix: "Nothing to do: retried (the upsert finds the same record)." });
      written.push({ record, doc, internalId });
    });
    await readBackTotals(pass, written);
  }

  if (dependents.length > 0) {
    const parents = await parentsOf(pass, dependents);
    const allocationInvoices = await invoiceRecordsOf(pass.db, pass.connection, dependents.filter((r) => r.operation === "allocate"));
    await inPool(dependents, NETSUITE_LIMITS.concurrent, async (record) => {
      const parent = record.dependsOn ? parents.get(record.dependsOn) : undefined;
      if (parent?.state !== "synced" || !parent.remoteId) {
        // Ordering: wait for the document it belongs to (not an attempt; no error of its own).
        const parentFailed = parent && (parent.state === "failed" || parent.state === "conflict");
        return waitFor(pass, record, parentFailed ? 300 : 5, parentFailed ? `waiting for ${parent.entityType} ${parent.entityId}, which needs attention first` : "waiting for its invoice to reach NetSuite");
      }
      if (record.entityType === "payment") return syncPayment(pass, record, parent, contacts, currencies);
      if (record.operation === "void") return voidDocument(pass, record, parent);
      if (record.operation === "allocate") {
        const invoice = readyInvoice(pass, record, allocationInvoices, "NetSuite");
        return invoice ? applyCreditMemo(pass, record, parent, invoice) : undefined;
      }
      fail(pass, record, { class: "data_fix_required", message: `${record.entityType} ${record.operation} is not synced to NetSuite`, fix: "Make the change in NetSuite by hand." });
    });
  }

  await finish();
  return records.map((r) => pass.outcomes.get(r.id) ?? { recordId: r.id, done: false, delaySeconds: 5 });
}

/** Runs `fn` over items with at most `n` in flight (the DO's permits are the real limit). */
async function inPool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

// ---- Documents ---------------------------------------------------------------------------

const numberList = (ids: readonly string[]) => ids.filter((id) => /^\d+$/.test(id)).join(", ");

async function readBackTotals(pass: Pass, written: Array<{ record: ErpSyncRecordRow; doc: Doc; internalId: string }>): Promise<void> {
  for (let i = 0; i < written.length; i += 100) {
    const chunk = written.slice(i, i + 100);
    const result = await pass.client.suiteql(`SELECT id, externalid, status, voided, foreigntotal, foreignamountpaid FROM transaction WHERE id IN (${numberList(chunk.map((w) => w.internalId))})`);
    const rows = result.ok ? ((result.body.items as Array<Record<string, unknown>> | undefined) ?? []) : [];
    const byId = new Map(rows.map((r) => [String(r.id), r]));
    for (const w of chunk) {
      const row = byId.get(w.internalId);
      // The write is done (and idempotent); without the read-back the record is retried, which rewrites the same record and reads again.
      if (!row) fail(pass, w.record, result.ok ? { class: "transient", message: `NetSuite record ${w.internalId} was not found after the upsert`, fix: "Nothing to do: retried with backoff." } : result.failure);
      else linked(pass, w.record, w.doc, w.internalId, row);
    }
  }
}

function linked(pass: Pass, record: ErpSyncRecordRow, doc: Doc, internalId: string, row: Record<string, unknown>): void {
  const remoteTotal = fromNetSuiteAmount(Number(row.foreigntotal ?? Number.NaN), doc.currency);
  const snapshot = { remoteId: internalId, total: remoteTotal, status: row.voided === "T" ? "VOIDED" : String(row.status ?? ""), amountPaid: fromNetSuiteAmount(Number(row.foreignamountpaid ?? 0), doc.currency) };
  const at = new Date(pass.now()).toISOString();
  if (remoteTotal !== doc.total) {
    pass.statements.push(
      insertConflict(pass.db, { id: newId("erx"), franchiseId: record.franchiseId, connectionId: record.connectionId, recordId: record.id, fieldGroup: "amounts", ours: JSON.stringify({ total: doc.total }), theirs: JSON.stringify({ total: remoteTotal }), base: JSON.stringify({ total: doc.total }), status: "open", resolution: null, resolvedBy: null, createdAt: at, resolvedAt: null }),
    );
    settle(pass, record, { state: "conflict", remoteId: internalId, syncedSnapshot: JSON.stringify(snapshot), lastErrorClass: "conflict", lastError: `NetSuite total ${remoteTotal} ≠ Ledgerline total ${doc.total}`, lastFix: "Review the amounts under Integrations → Conflicts." }, { outcome: "conflict", message: "totals differ" });
    return;
  }
  settle(pass, record, { state: "synced", remoteId: internalId, syncedSnapshot: JSON.stringify(snapshot), syncedAt: at, lastErrorClass: null, lastError: null, lastFix: null, nextAttemptAt: null }, { outcome: "synced", message: null });
}

// ---- Payments and voids ------------------------------------------------------------------

async function syncPayment(pass: Pass, record: ErpSyncRecordRow, parent: ErpSyncRecordRow, contacts: Map<string, string>, currencies: ReadonlyMap<string, string>): Promise<void> {
  const p = JSON.parse(record.payload) as { id: string; amount: number; currency: string; receivedAt: string };
  const remote = /^netsuite:(\d+)$/.exec(record.entityNumber ?? "");
  if (remote) {
    // Recorded here from NetSuite (netsuite-poll.ts): it is there already; sending it would pay the invoice twice.
    return settle(pass, record, { state: "synced", remoteId: remote[1]!, syncedAt: new Date(pass.now()).toISOString(), lastErrorClass: null, lastError: null, lastFix: null, nextAttemptAt: null }, { outcome: "linked", message: null });
  }
  const customerId = contacts.get(documentOf(parent).customerId);
  if (!customerId) return fail(pass, record, { class: "data_fix_required", message: "the invoice's customer has no NetSuite customer", fix: "Link the customer under Integrations → Contacts, then replay." });
  let body: ReturnType<typeof netsuitePaymentBody>;
  try {
    body = netsuitePaymentBody({ ...p, remoteInvoiceId: parent.remoteId!, customerId }, pass.mapping, currencies);
  } catch (error) {
    if (error instanceof MissingMapping) return fail(pass, record, { class: "data_fix_required", message: error.message, fix: error.fix });
    throw error;
  }
  const result = await pass.client.record("PUT", `/customerPayment/eid:${encodeURIComponent(p.id)}`, body);
  if (!result.ok) return fail(pass, record, result.failure);
  const internalId = internalIdFromLocation(result.location);
  settle(pass, record, { state: "synced", remoteId: internalId, syncedAt: new Date(pass.now()).toISOString(), lastErrorClass: null, lastError: null, lastFix: null, nextAttemptAt: null }, { outcome: "synced", message: null });
}

/** A credit note's allocation: the credit memo's apply sublist names the invoice (a PATCH, idempotent by content). */
async function applyCreditMemo(pass: Pass, record: ErpSyncRecordRow, creditNote: ErpSyncRecordRow, invoice: ErpSyncRecordRow): Promise<void> {
  const result = await pass.client.record("PATCH", `/${RECORD_TYPE.credit_note}/${creditNote.remoteId}`, netsuiteCreditApplyBody({ ...allocationOf(record), remoteInvoiceId: invoice.remoteId! }));
  if (!result.ok) return fail(pass, record, result.failure);
  settle(pass, record, { state: "synced", remoteId: creditNote.remoteId, syncedAt: new Date(pass.now()).toISOString(), lastErrorClass: null, lastError: null, lastFix: null, nextAttemptAt: null }, { outcome: "synced", message: null });
}

async function voidDocument(pass: Pass, record: ErpSyncRecordRow, parent: ErpSyncRecordRow): Promise<void> {
  if (parent.entityType !== "invoice") return fail(pass, record, { class: "data_fix_required", message: `voiding a ${parent.entityType} is not synced to NetSuite yet`, fix: "Void it in NetSuite by hand." });
  const result = await pass.client.record("POST", `/invoice/${parent.remoteId}/@void`);
  const at = new Date(pass.now()).toISOString();
  if (result.ok) return settle(pass, record, { state: "synced", remoteId: parent.remoteId, syncedAt: at, lastErrorClass: null, lastError: null, lastFix: null, nextAttemptAt: null }, { outcome: "synced", message: null });
  if (result.failure.class === "data_fix_required" && /payments have been applied/i.test(result.failure.message)) {
    // We voided it, NetSuite has payments on it: both sides changed the status since the last sync. A person decides.
    const base = parent.syncedSnapshot ? (JSON.parse(parent.syncedSnapshot) as { status?: string }) : {};
    pass.statements.push(
      insertConflict(pass.db, { id: newId("erx"), franchiseId: record.franchiseId, connectionId: record.connectionId, recordId: record.id, fieldGroup: "status", ours: JSON.stringify({ status: "VOIDED" }), theirs: JSON.stringify({ status: "PAID" }), base: JSON.stringify({ status: base.status ?? "A" }), status: "open", resolution: null, resolvedBy: null, createdAt: at, resolvedAt: null }),
    );
    return settle(pass, record, { state: "conflict", lastErrorClass: "conflict", lastError: result.failure.message, lastFix: "The invoice was voided here but has payments in NetSuite: choose which side wins under Integrations → Conflicts." }, { outcome: "conflict", message: result.failure.message });
  }
  fail(pass, record, result.failure);
}

// ---- Customers, currencies, branches -----------------------------------------------------

async function ensureCustomers(pass: Pass, records: ErpSyncRecordRow[], contacts: Map<string, string>): Promise<void> {
  const missing = [...new Set(records.map((r) => documentOf(r).customerId).filter((id) => !contacts.has(id)))];
  if (missing.length === 0) return;
  const rows = await pass.db.select({ id: customers.id, name: customers.name, email: customers.email, taxId: customers.taxId }).from(customers).where(and(eq(customers.franchiseId, pass.connection.franchiseId), inArray(customers.id, missing))).all();
  const recordsOf = (customerId: string) => records.filter((r) => documentOf(r).customerId === customerId);
  await inPool(rows, NETSUITE_LIMITS.concurrent, async (c) => {
    const result = await pass.client.record("PUT", `/customer/eid:${encodeURIComponent(c.id)}`, netsuiteCustomerBody(c));
    const internalId = result.ok ? internalIdFromLocation(result.location) : null;
    if (internalId) {
      contacts.set(c.id, internalId);
      const at = new Date(pass.now()).toISOString();
      pass.statements.push(upsertMapping(pass.db, { franchiseId: pass.connection.franchiseId, connectionId: pass.connection.id, kind: "contact", localKey: c.id, remoteCode: internalId, updatedAt: at }));
      // The details sent are the customer's last synced state: the base when it is edited in NetSuite.
      pass.statements.push(syncedContactRecord(pass.db, pass.connection, contactPayload(c), internalId, at));
      return;
    }
    const failure: SyncFailure = result.ok ? { class: "transient", message: "NetSuite accepted the customer but named no Location", fix: "Nothing to do: retried." } : { ...result.failure, message: `Customer ${c.name}: ${result.failure.message}` };
    for (const r of recordsOf(c.id)) fail(pass, r, failure);
  });
  for (const id of missing) if (!rows.some((r) => r.id === id)) for (const r of recordsOf(id)) fail(pass, r, { class: "data_fix_required", message: `customer ${id} no longer exists`, fix: "Link the customer to a NetSuite customer under Integrations → Contacts." });
}

const currencyCache = new Map<string, { at: number; ids: Map<string, string> }>();

/** ISO code → the account's currency internal id (SuiteQL over the currency table), cached a few minutes. */
async function accountCurrencies(pass: Pass): Promise<Map<string, string> | null> {
  const cached = currencyCache.get(pass.connection.id);
  if (cached && pass.now() - cached.at < CURRENCIES_TTL_MS) return cached.ids;
  const result = await pass.client.suiteql("SELECT id, symbol FROM currency");
  if (!result.ok) {
    // Nothing can be written without currency ids: every record waits for the next attempt.
    for (const r of pass.records) fail(pass, r, result.failure);
    return null;
  }
  const ids = new Map(((result.body.items as Array<{ id: string; symbol: string }> | undefined) ?? []).map((c) => [String(c.symbol).toUpperCase(), String(c.id)]));
  currencyCache.set(pass.connection.id, { at: pass.now(), ids });
  return ids;
}

async function branchJurisdictions(pass: Pass, records: ErpSyncRecordRow[]): Promise<Map<string, string>> {
  const ids = [...new Set(records.map((r) => documentOf(r).branchId))];
  const rows = await pass.db.select({ id: branches.id, jurisdiction: branches.jurisdiction }).from(branches).where(and(eq(branches.franchiseId, pass.connection.franchiseId), inArray(branches.id, ids))).all();
  return new Map(rows.map((r) => [r.id, r.jurisdiction]));
}

async function parentsOf(pass: Pass, records: ErpSyncRecordRow[]): Promise<Map<string, ErpSyncRecordRow>> {
  const ids = [...new Set(records.map((r) => r.dependsOn).filter((x): x is string => x !== null))];
  if (ids.length === 0) return new Map();
  const rows = await pass.db.select().from(erpSyncRecords).where(and(eq(erpSyncRecords.franchiseId, pass.connection.franchiseId), inArray(erpSyncRecords.id, ids))).all();
  return new Map(rows.map((r) => [r.id, r]));
}
