// Syncs claimed records of one Xero connection: contacts first (and contact edits, ./xero-contacts.ts), then invoices and credit notes
// in batches (per-item errors), then payments (never before their invoice), then voids. Each
// create is idempotent twice over: an Idempotency-Key derived from the records and their attempt
// (so a redelivered call replays Xero's first answer), and, for a record tried before (whose
// outcome may be unknown), a search by our document number that links what Xero already has.
// The outcome of every record is persisted with its attempt in D1 batches; what the queue
// consumer must do with each message comes back.
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { fail, flush, settle, waitFor } from "./record-outcomes.ts";
import { type Statement } from "../../db/batch.ts";
import { insertConflict, listMappings, upsertMapping, type ErpConnectionRow, type ErpSyncRecordRow } from "../../db/erp.ts";
import { erpSyncRecords } from "../../db/schema/erp.ts";
import { branches, customers } from "../../db/schema.ts";
import { newId } from "../../db/ids.ts";
import { chunksOf } from "../../db/chunks.ts";
import { sha256Hex } from "../../auth/secrets.ts";
import { MissingMapping, mappingTable, type MappingTable } from "../../domain/erp/mapping.ts";
import { fixForXeroMessage, } from "../../domain/erp/xero-errors.ts";
import { fromXeroAmount, xeroContactBody, xeroCreditNoteBody, xeroInvoiceBody, xeroPaymentBody, type SyncDocument } from "../../domain/erp/xero-documents.ts";
import type { XeroClient } from "../xero/client.ts";
import { invoiceRecordsOf, readyInvoice } from "./allocation-records.ts";
import { allocateXeroCreditNote } from "./xero-allocations.ts";
import { CONTACT_ENTITY, contactPayload, syncedContactRecord } from "./contact-records.ts";
import { updateXeroContacts } from "./xero-contacts.ts";

/** Xero accepts up to 50 documents per request comfortably (its guidance for batch size). */
export const XERO_BATCH_SIZE = 50;
const ENABLED_CURRENCIES_TTL_MS = 10 * 60_000;
/** Ids per `IN (...)` lookup: with the franchise id, under D1's 100 bound parameters per statement. */
const LOOKUP_CHUNK = 90;

/** done: the message can be acked (synced, failed, conflict); deadLetter: it also goes to the dead letters (attempts exhausted). */
export type RecordOutcome = { recordId: string; done: true; deadLetter?: boolean; error?: string } | { recordId: string; done: false; delaySeconds: number };

interface Pass {
  env: Env;
  db: Db;
  connection: ErpConnectionRow;
  client: XeroClient;
  now: () => number;
  random: () => number;
  mapping: MappingTable;
  statements: Statement[];
  outcomes: Map<string, RecordOutcome>;
}

export async function syncXeroRecords(env: Env, db: Db, connection: ErpConnectionRow, client: XeroClient, records: ErpSyncRecordRow[], now: () => number = Date.now, random: () => number = Math.random): Promise<RecordOutcome[]> {
  const mappings = await listMappings(db, connection.franchiseId, connection.id);
  const pass: Pass = { env, db, connection, client, now, random, mapping: mappingTable(mappings.filter((m) => m.kind !== "contact").map((m) => ({ kind: m.kind as "tax", localKey: m.localKey, remoteCode: m.remoteCode }))), statements: [], outcomes: new Map() };
  const contacts = new Map(mappings.filter((m) => m.kind === "contact").map((m) => [m.localKey, m.remoteCode]));

  const documents = records.filter((r) => r.operation === "create" && (r.entityType === "invoice" || r.entityType === "credit_note"));
  const contactEdits = records.filter((r) => r.entityType === CONTACT_ENTITY);
  const dependents = records.filter((r) => !documents.includes(r) && !contactEdits.includes(r));
  if (contactEdits.length > 0) await updateXeroContacts(pass, pass.client, contactEdits);

  if (documents.length > 0) {
    const enabled = await enabledCurrencies(pass);
    const jurisdictions = await branchJurisdictions(pass, documents);
    await ensureContacts(pass, documents, contacts);
    for (const type of ["invoice", "credit_note"] as const) {
      const ofType = documents.filter((r) => r.entityType === type && !pass.outcomes.has(r.id));
      const ready: Array<{ record: ErpSyncRecordRow; body: Record<string, unknown>; doc: SyncDocument }> = [];
      for (const record of ofType) {
        const doc = documentOf(record);
        const contactId = contacts.get(customerIdOf(record));
        if (!contactId) continue; // ensureContacts recorded why
        try {
          const ctx = { contactId, jurisdiction: jurisdictions.get(branchIdOf(record)) ?? "", mapping: pass.mapping, enabledCurrencies: enabled };
          ready.push({ record, doc, body: type === "invoice" ? xeroInvoiceBody(doc, ctx) : xeroCreditNoteBody(doc, ctx) });
        } catch (error) {
          if (error instanceof MissingMapping || (error instanceof Error && "code" in error)) fail(pass, record, { class: "data_fix_required", message: (error as Error).message, fix: error instanceof MissingMapping ? error.fix : (error as Error).message });
          else throw error;
        }
      }
      // The batches of one delivery go out together (the connection's budget still caps calls in
      // flight): one after the other, a second batch would wait out the first's round trip.
      const chunks: Array<typeof ready> = [];
      for (let i = 0; i < ready.length; i += XERO_BATCH_SIZE) chunks.push(ready.slice(i, i + XERO_BATCH_SIZE));
      await Promise.all(chunks.map((chunk) => createDocuments(pass, type, chunk)));
    }
  }

  if (dependents.length > 0) {
    const parents = await parentsOf(pass, dependents);
    const allocationInvoices = await invoiceRecordsOf(pass.db, pass.connection, dependents.filter((r) => r.operation === "allocate"));
    const payments: Array<{ record: ErpSyncRecordRow; body: Record<string, unknown> }> = [];
    for (const record of dependents) {
      const parent = record.dependsOn ? parents.get(record.dependsOn) : undefined;
      if (parent?.state !== "synced" || !parent.remoteId) {
        // Ordering: wait for the document it belongs to (not an attempt; no error of its own).
        const parentFailed = parent && (parent.state === "failed" || parent.state === "conflict");
        waitFor(pass, record, parentFailed ? 300 : 5, parentFailed ? `waiting for ${parent.entityType} ${parent.entityId}, which needs attention first` : "waiting for its invoice to reach Xero");
        continue;
      }
      if (record.entityType === "payment") {
        const p = JSON.parse(record.payload) as { id: string; amount: number; currency: string; receivedAt: string };
        try {
          payments.push({ record, body: xeroPaymentBody({ ...p, remoteInvoiceId: parent.remoteId }, pass.mapping) });
        } catch (error) {
          if (error instanceof MissingMapping) fail(pass, record, { class: "data_fix_required", message: error.message, fix: error.fix });
          else throw error;
        }
      } else if (record.operation === "void") {
        await voidDocument(pass, record, parent);
      } else if (record.operation === "allocate") {
        const invoice = readyInvoice(pass, record, allocationInvoices, "Xero");
        if (invoice) await allocateXeroCreditNote(pass, pass.client, record, parent, invoice);
      }
    }
    for (let i = 0; i < payments.length; i += XERO_BATCH_SIZE) await createPayments(pass, payments.slice(i, i + XERO_BATCH_SIZE));
  }

  await flush(pass);
  return records.map((r) => pass.outcomes.get(r.id) ?? { recordId: r.id, done: false, delaySeconds: 5 });
}

// ---- Documents ---------------------------------------------------------------------------

const documentOf = (r: ErpSyncRecordRow) => JSON.parse(r.payload) as SyncDocument & { customerId: string; branchId: string };
const customerIdOf = (r: ErpSyncRecordRow) => documentOf(r).customerId;
const branchIdOf = (r: ErpSyncRecordRow) => documentOf(r).branchId;

async function createDocuments(pass: Pass, type: "invoice" | "credit_note", items: Array<{ record: ErpSyncRecordRow; body: Record<string, unknown>; doc: SyncDocument }>): Promise<void> {
  const path = type === "invoice" ? "/Invoices" : "/CreditNotes";
  const key = type === "invoice" ? "Invoices" : "CreditNotes";
  const idField = type === "invoice" ? "InvoiceID" : "CreditNoteID";
  const numberField = type === "invoice" ? "InvoiceNumber" : "CreditNoteNumber";

  // A record tried before may already be in Xero (the answer was lost): look it up by number first.
  const retried = items.filter((i) => i.record.attempts > 0);
  let pending = items;
  if (retried.length > 0) {
    const found = await findByNumbers(pass, path, key, numberField, retried.map((i) => i.doc.number));
    if (found === null) return; // the lookup failed; failures recorded
    pending = items.filter((i) => {
      const existing = found.get(i.doc.number);
      if (!existing) return true;
      linked(pass, i.record, i.doc, existing, idField, "linked");
      return false;
    });
  }
  if (pending.length === 0) return;
  const idempotencyKey = `ll-${type}-${(await sha256Hex(pending.map((i) => `${i.record.id}:${i.record.attempts}`).join(","))).slice(0, 40)}`;
  const result = await pass.client.call("POST", `${path}?summarizeErrors=false`, { body: { [key]: pending.map((i) => i.body) }, idempotencyKey });
  if (!result.ok) {
    for (const i of pending) fail(pass, i.record, result.failure);
    return;
  }
  const answers = (result.body[key] as Array<Record<string, unknown>> | undefined) ?? [];
  const duplicates: typeof pending = [];
  pending.forEach((item, index) => {
    const answer = answers[index];
    if (!answer) return fail(pass, item.record, { class: "transient", message: "Xero's answer lacked this document", fix: "Nothing to do: retried with backoff." });
    if (answer.HasErrors) {
      const messages = ((answer.ValidationErrors as Array<{ Message?: string }> | undefined) ?? []).map((v) => String(v.Message ?? ""));
      if (messages.some((m) => /must be unique/i.test(m))) return void duplicates.push(item);
      return fail(pass, item.record, { class: "data_fix_required", message: messages.join("; ") || "Xero refused the document", fix: fixForXeroMessage(messages[0] ?? ""), httpStatus: 200 });
    }
    linked(pass, item.record, item.doc, answer, idField, "synced");
  });
  if (duplicates.length > 0) {
    // The number is already in Xero: it is ours from an earlier attempt (or someone typed it): link it.
    const found = await findByNumbers(pass, path, key, numberField, duplicates.map((d) => d.doc.number));
    if (found === null) return;
    for (const d of duplicates) {
      const existing = found.get(d.doc.number);
      if (existing) linked(pass, d.record, d.doc, existing, idField, "linked");
      else fail(pass, d.record, { class: "data_fix_required", message: `${numberField} ${d.doc.number} is taken in Xero but could not be found`, fix: "Check the document numbering in Xero, then replay." });
    }
  }
}

async function findByNumbers(pass: Pass, path: string, key: string, numberField: string, numbers: string[]): Promise<Map<string, Record<string, unknown>> | null> {
  const out = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < numbers.length; i += 40) {
    const chunk = numbers.slice(i, i + 40);
    const result = await pass.client.call("GET", `${path}?${numberField}s=${chunk.map(encodeURIComponent).join(",")}`);
    if (!result.ok) return null;
    for (const doc of (result.body[key] as Array<Record<string, unknown>> | undefined) ?? []) if (doc.Status !== "DELETED") out.set(String(doc[numberField]), doc);
  }
  return out;
}

/** Records success; a document Xero totals differently from us is a conflict, not a success. */
function linked(pass: Pass, record: ErpSyncRecordRow, doc: SyncDocument, answer: Record<string, unknown>, idField: string, outcome: "synced" | "linked"): void {
  const remoteTotal = fromXeroAmount(Number(answer.Total ?? Number.NaN), doc.currency);
  const snapshot = { remoteId: String(answer[idField]), total: remoteTotal, status: String(answer.Status ?? ""), amountPaid: fromXeroAmount(Number(answer.AmountPaid ?? 0), doc.currency) };
  if (remoteTotal !== doc.total) {
    const at = new Date(pass.now()).toISOString();
    pass.statements.push(
      insertConflict(pass.db, { id: newId("erx"), franchiseId: record.franchiseId, connectionId: record.connectionId, recordId: record.id, fieldGroup: "amounts", ours: JSON.stringify({ total: doc.total }), theirs: JSON.stringify({ total: remoteTotal }), base: JSON.stringify({ total: doc.total }), status: "open", resolution: null, resolvedBy: null, createdAt: at, resolvedAt: null }),
    );
    settle(pass, record, { state: "conflict", remoteId: snapshot.remoteId, syncedSnapshot: JSON.stringify(snapshot), lastErrorClass: "conflict", lastError: `Xero total ${remoteTotal} ≠ Ledgerline total ${doc.total}`, lastFix: "Review the amounts under Integrations → Conflicts." }, { outcome: "conflict", message: "totals differ" }, true);
    return;
  }
  settle(pass, record, { state: "synced", remoteId: snapshot.remoteId, syncedSnapshot: JSON.stringify(snapshot), syncedAt: new Date(pass.now()).toISOString(), lastErrorClass: null, lastError: null, lastFix: null, nextAttemptAt: null }, { outcome, message: null }, true);
}

// ---- Payments and voids ------------------------------------------------------------------

async function createPayments(pass: Pass, items: Array<{ record: ErpSyncRecordRow; body: Record<string, unknown> }>): Promise<void> {
  const idempotencyKey = `ll-payment-${(await sha256Hex(items.map((i) => `${i.record.id}:${i.record.attempts}`).join(","))).slice(0, 40)}`;
  let pending = items;
  const retried = items.filter((i) => i.record.attempts > 0);
  if (retried.length > 0) {
    // Payments have no number: find an earlier attempt's payment by our reference.
    const existing = await pass.client.call("GET", "/Payments");
    if (!existing.ok) {
      for (const i of items) fail(pass, i.record, existing.failure);
      return;
    }
    const byReference = new Map(((existing.body.Payments as Array<Record<string, unknown>> | undefined) ?? []).map((p) => [String(p.Reference), p]));
    pending = items.filter((i) => {
      const found = byReference.get(String(i.body.Reference));
      if (found) settle(pass, i.record, { state: "synced", remoteId: String(found.PaymentID), syncedAt: new Date(pass.now()).toISOString(), lastErrorClass: null, lastError: null, lastFix: null }, { outcome: "linked", message: null }, true);
      return !found;
    });
  }
  if (pending.length === 0) return;
  const result = await pass.client.call("POST", "/Payments?summarizeErrors=false", { body: { Payments: pending.map((i) => i.body) }, idempotencyKey });
  if (!result.ok) {
    for (const i of pending) fail(pass, i.record, result.failure);
    return;
  }
  const answers = (result.body.Payments as Array<Record<string, unknown>> | undefined) ?? [];
  pending.forEach((item, index) => {
    const answer = answers[index];
    if (!answer || answer.HasErrors) {
      const messages = ((answer?.ValidationErrors as Array<{ Message?: string }> | undefined) ?? []).map((v) => String(v.Message ?? ""));
      return fail(pass, item.record, { class: "data_fix_required", message: messages.join("; ") || "Xero refused the payment", fix: fixForXeroMessage(messages[0] ?? "") });
    }
    settle(pass, item.record, { state: "synced", remoteId: String(answer.PaymentID), syncedAt: new Date(pass.now()).toISOString(), lastErrorClass: null, lastError: null, lastFix: null }, { outcome: "synced", message: null }, true);
  });
}

async function voidDocument(pass: Pass, record: ErpSyncRecordRow, parent: ErpSyncRecordRow): Promise<void> {
  const path = parent.entityType === "invoice" ? `/Invoices/${parent.remoteId}` : null;
  if (!path) return fail(pass, record, { class: "data_fix_required", message: `voiding a ${parent.entityType} is not synced to Xero yet`, fix: "Void it in Xero by hand." });
  const result = await pass.client.call("POST", path, { body: { Invoices: [{ InvoiceID: parent.remoteId, Status: "VOIDED" }] }, idempotencyKey: `ll-void-${record.id}-${record.attempts}` });
  if (result.ok) return settle(pass, record, { state: "synced", remoteId: parent.remoteId, syncedAt: new Date(pass.now()).toISOString(), lastErrorClass: null, lastError: null, lastFix: null }, { outcome: "synced", message: null }, true);
  if (result.failure.class === "data_fix_required" && /not of valid status/i.test(result.failure.message)) {
    // We voided it, Xero has it paid: both sides changed the status since the last sync. A person decides.
    const base = parent.syncedSnapshot ? (JSON.parse(parent.syncedSnapshot) as { status?: string }) : {};
    const at = new Date(pass.now()).toISOString();
    pass.statements.push(
      insertConflict(pass.db, { id: newId("erx"), franchiseId: record.franchiseId, connectionId: record.connectionId, recordId: record.id, fieldGroup: "status", ours: JSON.stringify({ status: "VOIDED" }), theirs: JSON.stringify({ status: "PAID" }), base: JSON.stringify({ status: base.status ?? "AUTHORISED" }), status: "open", resolution: null, resolvedBy: null, createdAt: at, resolvedAt: null }),
    );
    return settle(pass, record, { state: "conflict", lastErrorClass: "conflict", lastError: result.failure.message, lastFix: "The invoice was voided here but is paid in Xero: choose which side wins under Integrations → Conflicts." }, { outcome: "conflict", message: result.failure.message }, true);
  }
  fail(pass, record, result.failure);
}

// ---- Contacts, currencies, branches ------------------------------------------------------

async function ensureContacts(pass: Pass, records: ErpSyncRecordRow[], contacts: Map<string, string>): Promise<void> {
  const missing = [...new Set(records.map(customerIdOf).filter((id) => !contacts.has(id)))];
  if (missing.length === 0) return;
  // Chunked: a delivery of 100 records can name 100 customers, plus the franchise: over D1's 100 bound params.
  const rows = (await Promise.all(chunksOf(missing, LOOKUP_CHUNK).map((ids) => pass.db.select({ id: customers.id, name: customers.name, email: customers.email, taxId: customers.taxId }).from(customers).where(and(eq(customers.franchiseId, pass.connection.franchiseId), inArray(customers.id, ids))).all()))).flat();
  const recordsOf = (customerId: string) => records.filter((r) => customerIdOf(r) === customerId);
  for (let i = 0; i < rows.length; i += XERO_BATCH_SIZE) {
    const chunk = rows.slice(i, i + XERO_BATCH_SIZE);
    const result = await pass.client.call("POST", "/Contacts?summarizeErrors=false", { body: { Contacts: chunk.map(xeroContactBody) }, idempotencyKey: `ll-contacts-${(await sha256Hex(chunk.map((c) => c.id).join(","))).slice(0, 40)}` });
    if (!result.ok) {
      for (const c of chunk) for (const r of recordsOf(c.id)) fail(pass, r, result.failure);
      continue;
    }
    const answers = (result.body.Contacts as Array<Record<string, unknown>> | undefined) ?? [];
    chunk.forEach((c, index) => {
      const answer = answers[index];
      if (answer && !answer.HasErrors && typeof answer.ContactID === "string") {
        contacts.set(c.id, answer.ContactID);
        const at = new Date(pass.now()).toISOString();
        pass.statements.push(upsertMapping(pass.db, { franchiseId: pass.connection.franchiseId, connectionId: pass.connection.id, kind: "contact", localKey: c.id, remoteCode: answer.ContactID, updatedAt: at }));
        // The details sent are the contact's last synced state: the base when Xero edits it later.
        pass.statements.push(syncedContactRecord(pass.db, pass.connection, contactPayload(c), answer.ContactID, at));
        return;
      }
      const message = ((answer?.ValidationErrors as Array<{ Message?: string }> | undefined) ?? []).map((v) => String(v.Message ?? "")).join("; ") || "Xero refused the contact";
      for (const r of recordsOf(c.id)) fail(pass, r, { class: "data_fix_required", message: `Contact for customer ${c.name}: ${message}`, fix: fixForXeroMessage(message) });
    });
  }
  for (const id of missing) if (!rows.some((r) => r.id === id)) for (const r of recordsOf(id)) fail(pass, r, { class: "data_fix_required", message: `customer ${id} no longer exists`, fix: "Link the customer to a Xero contact under Integrations → Contacts." });
}

const currencyCache = new Map<string, { at: number; codes: Set<string> }>();
async function enabledCurrencies(pass: Pass): Promise<Set<string>> {
  const cached = currencyCache.get(pass.connection.id);
  if (cached && pass.now() - cached.at < ENABLED_CURRENCIES_TTL_MS) return cached.codes;
  const result = await pass.client.call("GET", "/Currencies");
  // When the list cannot be read, let Xero judge each document rather than fail them all here.
  const codes = result.ok ? new Set(((result.body.Currencies as Array<{ Code: string }> | undefined) ?? []).map((c) => c.Code)) : new Set(["EUR", "USD", "GBP", "AUD", "NZD", "CAD"]);
  if (result.ok) currencyCache.set(pass.connection.id, { at: pass.now(), codes });
  return codes;
}

async function branchJurisdictions(pass: Pass, records: ErpSyncRecordRow[]): Promise<Map<string, string>> {
  const ids = [...new Set(records.map(branchIdOf))];
  const rows = (await Promise.all(chunksOf(ids, LOOKUP_CHUNK).map((chunk) => pass.db.select({ id: branches.id, jurisdiction: branches.jurisdiction }).from(branches).where(and(eq(branches.franchiseId, pass.connection.franchiseId), inArray(branches.id, chunk))).all()))).flat();
  return new Map(rows.map((r) => [r.id, r.jurisdiction]));
}

async function parentsOf(pass: Pass, records: ErpSyncRecordRow[]): Promise<Map<string, ErpSyncRecordRow>> {
  const ids = [...new Set(records.map((r) => r.dependsOn).filter((x): x is string => x !== null))];
  if (ids.length === 0) return new Map();
  const rows = (await Promise.all(chunksOf(ids, LOOKUP_CHUNK).map((chunk) => pass.db.select().from(erpSyncRecords).where(and(eq(erpSyncRecords.franchiseId, pass.connection.franchiseId), inArray(erpSyncRecords.id, chunk))).all()))).flat();
  return new Map(rows.map((r) => [r.id, r]));
}
