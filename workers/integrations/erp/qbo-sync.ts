// Syncs claimed records of one QuickBooks Online connection: customers first, then invoices and
// credit memos, then payments (never before their invoice), then voids. QBO takes one document
// per create, so documents go a few at a time (QBO allows 10 in flight per realm; the DO's
// budget holds the line). Each create is idempotent twice over: a `requestid` stable for the
// same body (a redelivered call gets QBO's first answer, no second document), and, for a record
// tried before (whose outcome may be unknown), a query by our DocNumber that links what QBO
// already has. Outcomes are persisted with their attempt in D1 batches (record-outcomes.ts).
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { insertConflict, listMappings, upsertMapping, type ErpConnectionRow, type ErpSyncRecordRow } from "../../db/erp.ts";
import { erpSyncRecords } from "../../db/schema/erp.ts";
import { branches, customers } from "../../db/schema.ts";
import { newId } from "../../db/ids.ts";
import { sha256Hex } from "../../auth/secrets.ts";
import { MissingMapping, mappingTable, type MappingTable } from "../../domain/erp/mapping.ts";
import type { SyncDocument } from "../../domain/erp/xero-documents.ts";
import { fromQboAmount, qboCreditApplicationBody, qboCreditMemoBody, qboCustomerBody, qboDocNumberQuery, qboInvoiceBody, qboPaymentBody, qboQuote, qboRequestId } from "../../domain/erp/qbo-documents.ts";
import { fixForQboFault, type QboFailure } from "../../domain/erp/qbo-errors.ts";
import type { QboClient } from "../qbo/client.ts";
import { fail, flush, settle, synced, waitFor, type OutcomeLog } from "./record-outcomes.ts";
import { allocationOf, invoiceRecordsOf, readyInvoice } from "./allocation-records.ts";
import type { RecordOutcome } from "./xero-sync.ts";
import { CONTACT_ENTITY, contactPayload, syncedContactRecord } from "./contact-records.ts";
import { updateQboCustomers } from "./qbo-contacts.ts";

/** Creates in flight at once for one connection (QBO allows 10 per realm; leave room for others). */
export const QBO_PARALLEL_CALLS = 6;

interface Pass extends OutcomeLog {
  client: QboClient;
  mapping: MappingTable;
  customers: Map<string, string>;
}

type Doc = SyncDocument & { customerId: string; branchId: string };
const ENTITY = { invoice: "Invoice", credit_note: "CreditMemo" } as const;
const PATH = { invoice: "/invoice", credit_note: "/creditmemo" } as const;
const documentOf = (r: ErpSyncRecordRow) => JSON.parse(r.payload) as Doc;
const digest = async (value: unknown) => (await sha256Hex(JSON.stringify(value))).slice(0, 8);
/** A record a person fixed after a permanent failure must not replay QBO's remembered refusal. */
const generation = (r: ErpSyncRecordRow) => (r.lastErrorClass === "data_fix_required" || r.lastErrorClass === "reconnect_required" ? r.updatedAt : "");

export async function syncQboRecords(env: Env, db: Db, connection: ErpConnectionRow, client: QboClient, records: ErpSyncRecordRow[], now: () => number = Date.now, random: () => number = Math.random): Promise<RecordOutcome[]> {
  void env;
  const mappings = await listMappings(db, connection.franchiseId, connection.id);
  const pass: Pass = {
    db, connection, client, now, random, statements: [], outcomes: new Map(),
    mapping: mappingTable(mappings.filter((m) => m.kind !== "contact").map((m) => ({ kind: m.kind as "tax", localKey: m.localKey, remoteCode: m.remoteCode }))),
    customers: new Map(mappings.filter((m) => m.kind === "contact").map((m) => [m.localKey, m.remoteCode])),
  };
  const documents = records.filter((r) => r.operation === "create" && (r.entityType === "invoice" || r.entityType === "credit_note"));
  const contactEdits = records.filter((r) => r.entityType === CONTACT_ENTITY);
  const dependents = records.filter((r) => !documents.includes(r) && !contactEdits.includes(r));
  if (contactEdits.length > 0) await updateQboCustomers(pass, client, contactEdits);

  if (documents.length > 0) {
    const jurisdictions = await branchJurisdictions(pass, documents);
    await ensureCustomers(pass, documents.map((r) => ({ record: r, customerId: documentOf(r).customerId })));
    for (const type of ["invoice", "credit_note"] as const) {
      const ready: Array<{ record: ErpSyncRecordRow; doc: Doc; body: Record<string, unknown> }> = [];
      for (const record of documents.filter((r) => r.entityType === type && !pass.outcomes.has(r.id))) {
        const doc = documentOf(record);
        const customerId = pass.customers.get(doc.customerId);
        if (!customerId) continue; // ensureCustomers recorded why
        try {
          const ctx = { customerId, jurisdiction: jurisdictions.get(doc.branchId) ?? "", mapping: pass.mapping, enabledCurrencies: new Set([doc.currency, ...pass.mapping.currency.values()]) };
          ready.push({ record, doc, body: type === "invoice" ? qboInvoiceBody(doc, ctx) : qboCreditMemoBody(doc, ctx) });
        } catch (error) {
          if (error instanceof MissingMapping) fail(pass, record, { class: "data_fix_required", message: error.message, fix: error.fix });
          else if (error instanceof Error && "code" in error) fail(pass, record, { class: "data_fix_required", message: error.message, fix: error.message });
          else throw error;
        }
      }
      await createDocuments(pass, type, ready);
    }
  }

  if (dependents.length > 0) {
    const parents = await parentsOf(pass, dependents);
    const payments: Array<{ record: ErpSyncRecordRow; parent: ErpSyncRecordRow }> = [];
    const voids: Array<{ record: ErpSyncRecordRow; parent: ErpSyncRecordRow }> = [];
    const allocations: Array<{ record: ErpSyncRecordRow; parent: ErpSyncRecordRow }> = [];
    const allocationInvoices = await invoiceRecordsOf(pass.db, pass.connection, dependents.filter((r) => r.operation === "allocate"));
    for (const record of dependents) {
      const parent = record.dependsOn ? parents.get(record.dependsOn) : undefined;
      if (parent?.state !== "synced" || !parent.remoteId) {
        // Ordering: wait for the document it belongs to (not an attempt; no error of its own).
        const parentFailed = parent && (parent.state === "failed" || parent.state === "conflict");
        waitFor(pass, record, parentFailed ? 300 : 5, parentFailed ? `waiting for ${parent.entityType} ${parent.entityId}, which needs attention first` : "waiting for its invoice to reach QuickBooks");
        continue;
      }
      if (record.entityType === "payment") payments.push({ record, parent });
      else if (record.operation === "void") voids.push({ record, parent });
      else if (record.operation === "allocate") allocations.push({ record, parent });
    }
    await ensureCustomers(pass, payments.map((p) => ({ record: p.record, customerId: documentOf(p.parent).customerId })));
    await inParallel(payments.filter((p) => !pass.outcomes.has(p.record.id)), (p) => createPayment(pass, p.record, p.parent));
    await inParallel(voids, (v) => voidDocument(pass, v.record, v.parent));
    const ready = allocations.flatMap((a) => {
      const invoice = readyInvoice(pass, a.record, allocationInvoices, "QuickBooks");
      return invoice ? [{ ...a, invoice }] : [];
    });
    await ensureCustomers(pass, ready.map((a) => ({ record: a.record, customerId: documentOf(a.parent).customerId })));
    await inParallel(ready.filter((a) => !pass.outcomes.has(a.record.id)), (a) => applyCreditMemo(pass, a.record, a.parent, a.invoice));
  }

  await flush(pass);
  return records.map((r) => pass.outcomes.get(r.id) ?? { recordId: r.id, done: false, delaySeconds: 5 });
}

async function inParallel<T>(items: readonly T[], each: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await each(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(QBO_PARALLEL_CALLS, items.length) }, worker));
}

// ---- Documents ---------------------------------------------------------------------------

async function createDocuments(pass: Pass, type: "invoice" | "credit_note", items: Array<{ record: ErpSyncRecordRow; doc: Doc; body: Record<string, unknown> }>): Promise<void> {
  if (items.length === 0) return;
  // A record tried before may already be in QBO (the answer was lost): look it up by number first.
  let pending = items;
  const retried = items.filter((i) => i.record.attempts > 0);
  if (retried.length > 0) {
    const found = await findByNumbers(pass, type, retried.map((i) => i.doc.number));
    if (!found.ok) {
      for (const i of items) fail(pass, i.record, found.failure);
      return;
    }
    pending = items.filter((i) => {
      const existing = found.docs.get(i.doc.number);
      if (existing) linked(pass, i.record, i.doc, existing, "linked");
      return !existing;
    });
  }
  await inParallel(pending, async (item) => {
    const requestId = qboRequestId(type, item.record.id, await digest([item.body, generation(item.record)]));
    const result = await pass.client.call("POST", PATH[type], { body: item.body, requestId });
    if (result.ok) return linked(pass, item.record, item.doc, result.body[ENTITY[type]] as Record<string, unknown>, "synced");
    if (result.failure.class !== "duplicate") return fail(pass, item.record, result.failure);
    // The number is already in QBO: ours from an earlier attempt (or typed by someone): link it.
    const found = await findByNumbers(pass, type, [item.doc.number]);
    if (!found.ok) return fail(pass, item.record, found.failure);
    const existing = found.docs.get(item.doc.number);
    if (existing) linked(pass, item.record, item.doc, existing, "linked");
    else fail(pass, item.record, { class: "data_fix_required", message: `DocNumber ${item.doc.number} is taken in QuickBooks but could not be found`, fix: "Check the document numbering in QuickBooks, then replay." });
  });
}

async function findByNumbers(pass: Pass, type: "invoice" | "credit_note", numbers: string[]): Promise<{ ok: true; docs: Map<string, Record<string, unknown>> } | { ok: false; failure: QboFailure }> {
  const docs = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < numbers.length; i += 200) {
    const result = await pass.client.query(ENTITY[type], qboDocNumberQuery(ENTITY[type], numbers.slice(i, i + 200)));
    if (!result.ok) return result;
    for (const doc of result.rows) docs.set(String(doc.DocNumber), doc);
  }
  return { ok: true, docs };
}

export interface QboSnapshot {
  remoteId: string;
  total: number;
  balance: number;
  status: "open" | "paid" | "voided";
  syncToken: string;
}

/** What the last sync saw in QBO: the base of the three-way comparison for inbound changes. */
export function qboSnapshot(answer: Record<string, unknown>, currency: string): QboSnapshot {
  const total = fromQboAmount(Number(answer.TotalAmt ?? Number.NaN), currency);
  const balance = fromQboAmount(Number(answer.Balance ?? 0), currency);
  const voided = answer.PrivateNote === "Voided" && total === 0;
  return { remoteId: String(answer.Id), total, balance, status: voided ? "voided" : balance === 0 && total > 0 ? "paid" : "open", syncToken: String(answer.SyncToken ?? "0") };
}

/** Records success; a document QBO totals differently from us is a conflict, not a success. */
function linked(pass: Pass, record: ErpSyncRecordRow, doc: Doc, answer: Record<string, unknown>, outcome: "synced" | "linked"): void {
  const snapshot = qboSnapshot(answer, doc.currency);
  if (snapshot.total !== doc.total) {
    const at = new Date(pass.now()).toISOString();
    pass.statements.push(
      insertConflict(pass.db, { id: newId("erx"), franchiseId: record.franchiseId, connectionId: record.connectionId, recordId: record.id, fieldGroup: "amounts", ours: JSON.stringify({ total: doc.total }), theirs: JSON.stringify({ total: snapshot.total }), base: JSON.stringify({ total: doc.total }), status: "open", resolution: null, resolvedBy: null, createdAt: at, resolvedAt: null }),
    );
    settle(pass, record, { state: "conflict", remoteId: snapshot.remoteId, syncedSnapshot: JSON.stringify(snapshot), lastErrorClass: "conflict", lastError: `QuickBooks total ${snapshot.total} ≠ Ledgerline total ${doc.total}`, lastFix: "Review the amounts under Integrations → Conflicts." }, { outcome: "conflict", message: "totals differ" });
    return;
  }
  synced(pass, record, { remoteId: snapshot.remoteId, syncedSnapshot: JSON.stringify(snapshot) }, outcome);
}

// ---- Payments and voids ------------------------------------------------------------------

async function createPayment(pass: Pass, record: ErpSyncRecordRow, parent: ErpSyncRecordRow): Promise<void> {
  const p = JSON.parse(record.payload) as { id: string; amount: number; currency: string; receivedAt: string };
  const remoteCustomerId = pass.customers.get(documentOf(parent).customerId);
  if (!remoteCustomerId) return; // ensureCustomers recorded why
  let body: ReturnType<typeof qboPaymentBody>;
  try {
    body = qboPaymentBody({ ...p, remoteInvoiceId: parent.remoteId!, remoteCustomerId }, pass.mapping);
  } catch (error) {
    if (error instanceof MissingMapping) return fail(pass, record, { class: "data_fix_required", message: error.message, fix: error.fix });
    throw error;
  }
  return postPaymentOnce(pass, record, remoteCustomerId, body, "payment");
}

/**
 * POSTs a Payment (a real one or a credit application) at most once. Payments have no number, so
 * on a retry an earlier attempt's payment is found by the PrivateNote that carries our id.
 */
async function postPaymentOnce(pass: Pass, record: ErpSyncRecordRow, remoteCustomerId: string, body: { PrivateNote: string }, requestKind: "payment" | "allocate"): Promise<void> {
  if (record.attempts > 0) {
    const earlier = await pass.client.query("Payment", `select * from Payment where CustomerRef = ${qboQuote(remoteCustomerId)} maxresults 1000`);
    if (!earlier.ok) return fail(pass, record, earlier.failure);
    const found = earlier.rows.find((r) => r.PrivateNote === body.PrivateNote);
    if (found) return synced(pass, record, { remoteId: String(found.Id) }, "linked");
  }
  const result = await pass.client.call("POST", "/payment", { body, requestId: qboRequestId(requestKind, record.id, await digest([body, generation(record)])) });
  if (result.ok) return synced(pass, record, { remoteId: String((result.body.Payment as Record<string, unknown>).Id) }, "synced");
  fail(pass, record, result.failure);
}

/** A credit note's allocation: a zero Payment linking the CreditMemo to the Invoice, found again by its PrivateNote on a retry. */
async function applyCreditMemo(pass: Pass, record: ErpSyncRecordRow, creditNote: ErpSyncRecordRow, invoice: ErpSyncRecordRow): Promise<void> {
  const remoteCustomerId = pass.customers.get(documentOf(creditNote).customerId);
  if (!remoteCustomerId) return; // ensureCustomers recorded why
  const body = qboCreditApplicationBody({ ...allocationOf(record), remoteInvoiceId: invoice.remoteId!, remoteCreditMemoId: creditNote.remoteId!, remoteCustomerId });
  return postPaymentOnce(pass, record, remoteCustomerId, body, "allocate");
}

async function voidDocument(pass: Pass, record: ErpSyncRecordRow, parent: ErpSyncRecordRow): Promise<void> {
  const type = parent.entityType === "credit_note" ? "credit_note" : "invoice";
  const currency = documentOf(parent).currency;
  // The void needs the current SyncToken; a stale one (someone edited it meanwhile) is re-read once.
  for (let tries = 0; tries < 2; tries++) {
    const current = await pass.client.call("GET", `${PATH[type]}/${parent.remoteId}`);
    if (!current.ok) return fail(pass, record, current.failure);
    const doc = current.body[ENTITY[type]] as Record<string, unknown>;
    if (qboSnapshot(doc, currency).status === "voided") return synced(pass, record, { remoteId: parent.remoteId }, "linked");
    const body = { Id: String(doc.Id), SyncToken: String(doc.SyncToken) };
    const result = await pass.client.call("POST", PATH[type], { body, params: { operation: "void" }, requestId: qboRequestId("void", record.id, await digest(body)) });
    if (result.ok) return synced(pass, record, { remoteId: parent.remoteId }, "synced");
    if (result.failure.qboCode === "5010" && tries === 0) continue;
    if (result.failure.class === "data_fix_required" && /payments applied/i.test(result.failure.message)) {
      // We voided it, QBO has a payment on it: both sides changed the status since the last sync. A person decides.
      const base = parent.syncedSnapshot ? (JSON.parse(parent.syncedSnapshot) as Partial<QboSnapshot>) : {};
      const at = new Date(pass.now()).toISOString();
      pass.statements.push(
        insertConflict(pass.db, { id: newId("erx"), franchiseId: record.franchiseId, connectionId: record.connectionId, recordId: record.id, fieldGroup: "status", ours: JSON.stringify({ status: "voided" }), theirs: JSON.stringify({ status: qboSnapshot(doc, currency).status === "paid" ? "paid" : "partly_paid" }), base: JSON.stringify({ status: base.status ?? "open" }), status: "open", resolution: null, resolvedBy: null, createdAt: at, resolvedAt: null }),
      );
      return settle(pass, record, { state: "conflict", lastErrorClass: "conflict", lastError: result.failure.message, lastFix: "The invoice was voided here but has a payment in QuickBooks: choose which side wins under Integrations → Conflicts." }, { outcome: "conflict", message: result.failure.message });
    }
    return fail(pass, record, result.failure);
  }
}

// ---- Customers, branches, parents --------------------------------------------------------

async function ensureCustomers(pass: Pass, needs: Array<{ record: ErpSyncRecordRow; customerId: string }>): Promise<void> {
  const missing = [...new Set(needs.map((n) => n.customerId).filter((id) => !pass.customers.has(id)))];
  if (missing.length === 0) return;
  const recordsOf = (customerId: string) => needs.filter((n) => n.customerId === customerId).map((n) => n.record);
  const rows: Array<{ id: string; name: string; email: string | null }> = [];
  for (let i = 0; i < missing.length; i += 90) {
    rows.push(...(await pass.db.select({ id: customers.id, name: customers.name, email: customers.email }).from(customers).where(and(eq(customers.franchiseId, pass.connection.franchiseId), inArray(customers.id, missing.slice(i, i + 90)))).all()));
  }
  const link = (localId: string, remoteId: string) => {
    const at = new Date(pass.now()).toISOString();
    pass.customers.set(localId, remoteId);
    pass.statements.push(upsertMapping(pass.db, { franchiseId: pass.connection.franchiseId, connectionId: pass.connection.id, kind: "contact", localKey: localId, remoteCode: remoteId, updatedAt: at }));
    // What QBO got (no tax number) is the customer's last synced state: the base when it is edited in QBO.
    const c = rows.find((r) => r.id === localId);
    if (c) pass.statements.push(syncedContactRecord(pass.db, pass.connection, { ...contactPayload(c), taxId: null }, remoteId, at));
  };
  await inParallel(rows, async (c) => {
    const body = qboCustomerBody(c);
    const result = await pass.client.call("POST", "/customer", { body, requestId: qboRequestId("customer", c.id, await digest(body)) });
    if (result.ok) return link(c.id, String((result.body.Customer as Record<string, unknown>).Id));
    if (result.failure.qboCode === "6240") {
      // The name exists in QBO: ours from an earlier attempt if it carries our id, else someone else's.
      const existing = await pass.client.query("Customer", `select * from Customer where DisplayName = ${qboQuote(body.DisplayName)}`);
      if (!existing.ok) return void recordsOf(c.id).forEach((r) => fail(pass, r, existing.failure));
      const ours = existing.rows.find((r) => r.Notes === body.Notes);
      if (ours) return link(c.id, String(ours.Id));
      const failure: QboFailure = { class: "data_fix_required", message: `Customer ${c.name}: ${result.failure.message}`, fix: fixForQboFault({ code: "6240", element: "DisplayName", detail: "" }), httpStatus: 400 };
      return void recordsOf(c.id).forEach((r) => fail(pass, r, failure));
    }
    for (const r of recordsOf(c.id)) fail(pass, r, { ...result.failure, message: `Customer ${c.name}: ${result.failure.message}` });
  });
  for (const id of missing) if (!rows.some((r) => r.id === id)) for (const r of recordsOf(id)) fail(pass, r, { class: "data_fix_required", message: `customer ${id} no longer exists`, fix: "Link the customer to a QuickBooks customer under Integrations → Contacts." });
}

async function branchJurisdictions(pass: Pass, records: ErpSyncRecordRow[]): Promise<Map<string, string>> {
  const ids = [...new Set(records.map((r) => documentOf(r).branchId))];
  const rows = await pass.db.select({ id: branches.id, jurisdiction: branches.jurisdiction }).from(branches).where(and(eq(branches.franchiseId, pass.connection.franchiseId), inArray(branches.id, ids))).all();
  return new Map(rows.map((r) => [r.id, r.jurisdiction]));
}

async function parentsOf(pass: Pass, records: ErpSyncRecordRow[]): Promise<Map<string, ErpSyncRecordRow>> {
  const ids = [...new Set(records.map((r) => r.dependsOn).filter((x): x is string => x !== null))];
  const out = new Map<string, ErpSyncRecordRow>();
  for (let i = 0; i < ids.length; i += 90) {
    const rows = await pass.db.select().from(erpSyncRecords).where(and(eq(erpSyncRecords.franchiseId, pass.connection.franchiseId), inArray(erpSyncRecords.id, ids.slice(i, i + 90)))).all();
    for (const r of rows) out.set(r.id, r);
  }
  return out;
}
