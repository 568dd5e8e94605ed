// The erp-sync subscriber of the domain events: each document event becomes one sync record per
// connected ERP (inserted once per entity and operation, so a redelivered event adds nothing)
// and a message on the erp-sync queue. Payment allocations become one record each, depending on
// their invoice's record, so a payment never reaches the ERP before its invoice. A credit note
// becomes its create record and, for the part that settled its invoice, an `allocate` record
// depending on it (the connector also waits for the invoice's record).
import { database, type Db } from "../../db/client.ts";
import { connectedConnections, findSyncRecord, insertSyncRecord, type ErpConnectionRow, type ErpSyncRecordRow } from "../../db/erp.ts";
import { runBatch } from "../../db/batch.ts";
import { erpSyncRecords } from "../../db/schema/erp.ts";
import { newId } from "../../db/ids.ts";
import { franchiseDatabase } from "../../db/resolver.ts";
import { registerSubscriber, type DeliveredEvent } from "../../events/subscribers.ts";
import { payloadCarries } from "../../events/payload-shape.ts";

export const ERP_SUBSCRIBER = "erp-sync";

export interface ErpSyncMessage {
  franchiseId: string;
  connectionId: string;
  recordId: string;
}

type Draft = Pick<ErpSyncRecordRow, "entityType" | "entityId" | "operation" | "entityNumber" | "payload"> & { parent?: { entityType: string; entityId: string } };

/** Record inserts per D1 batch (one statement each: 21 bound parameters). */
const INSERTS_PER_BATCH = 100;

const PAYLOAD_KEY: Record<string, string> = { "invoice.issued": "invoice", "invoice.voided": "invoice", "credit_note.issued": "creditNote", "payment.recorded": "payment", "payment.allocated": "payment" };

/** A change the ERP made (applied by workers/integrations/erp/apply.ts) is never sent back to it. */
const FROM_ERP = "system:erp-sync";

function draftsOf(event: DeliveredEvent): Draft[] {
  const p = event.payload as Record<string, Record<string, unknown>>;
  if (event.actor === FROM_ERP && (event.type === "payment.recorded" || event.type === "invoice.voided")) return [];
  // An envelope without its aggregate can never be synced (see workers/events/payload-shape.ts).
  const expected = PAYLOAD_KEY[event.type];
  if (expected && !payloadCarries(event, expected)) return [];
  switch (event.type) {
    case "invoice.issued":
      return [{ entityType: "invoice", entityId: String(p.invoice!.id), operation: "create", entityNumber: String(p.invoice!.number), payload: JSON.stringify(p.invoice) }];
    case "invoice.voided":
      return [{ entityType: "invoice", entityId: String(p.invoice!.id), operation: "void", entityNumber: String(p.invoice!.number ?? ""), payload: JSON.stringify(p.invoice), parent: { entityType: "invoice", entityId: String(p.invoice!.id) } }];
    case "credit_note.issued": {
      const note = p.creditNote as { id: string; number: string; invoiceId: string; currency: string; issueDate: string; total: number; appliedToInvoice?: number };
      const create: Draft = { entityType: "credit_note", entityId: note.id, operation: "create", entityNumber: note.number, payload: JSON.stringify(p.creditNote) };
      // The part that settled its invoice is an allocation, synced after both documents. Events
      // from before appliedToInvoice existed applied the whole note (the invoice was open).
      const amount = note.appliedToInvoice ?? note.total;
      if (amount <= 0) return [create];
      const allocation: Draft = {
        entityType: "credit_note",
        entityId: note.id,
        operation: "allocate",
        entityNumber: note.number,
        payload: JSON.stringify({ id: `${note.id}:${note.invoiceId}`, creditNoteId: note.id, invoiceId: note.invoiceId, amount, currency: note.currency, date: note.issueDate }),
        parent: { entityType: "credit_note", entityId: note.id },
      };
      return [create, allocation];
    }
    case "payment.recorded":
    case "payment.allocated": {
      const payment = p.payment as { id: string; currency: string; receivedAt: string; reference: string | null; allocations: Array<{ invoiceId: string; amount: number }> };
      // Unallocated money (customer credit) has no Xero counterpart here: only allocations sync.
      return payment.allocations.map((a) => ({
        entityType: "payment",
        entityId: `${payment.id}:${a.invoiceId}`,
        operation: "create",
        entityNumber: payment.reference,
        payload: JSON.stringify({ id: `${payment.id}:${a.invoiceId}`, paymentId: payment.id, invoiceId: a.invoiceId, amount: a.amount, currency: payment.currency, receivedAt: payment.receivedAt }),
        parent: { entityType: "invoice", entityId: a.invoiceId },
      }));
    }
    default:
      return [];
  }
}

/** A record row for one draft of `event` on `connection`. */
function rowOf(event: DeliveredEvent, connection: ErpConnectionRow, d: Draft, dependsOn: string | null, now: string): ErpSyncRecordRow {
  return {
    id: newId("esr"), franchiseId: event.franchiseId, connectionId: connection.id, entityType: d.entityType, entityId: d.entityId, operation: d.operation, entityNumber: d.entityNumber, dependsOn,
    state: "pending", attempts: 0, payload: d.payload, syncedSnapshot: null, remoteId: null, sourceAt: event.occurredAt, syncedAt: null, nextAttemptAt: null, claimedUntil: null, lastErrorClass: null, lastError: null, lastFix: null, createdAt: now, updatedAt: now,
  };
}

/** Records one event's drafts on every connection; returns the messages to send (not sent here). */
async function recordsOf(db: Db, event: DeliveredEvent, drafts: Draft[], connections: ErpConnectionRow[]): Promise<ErpSyncMessage[]> {
  const messages: ErpSyncMessage[] = [];
  const now = new Date().toISOString();
  // Drafts a later draft of the same event hangs on (a credit note's create, for its allocation).
  const parentsInEvent = new Set(drafts.flatMap((d) => (d.parent ? [`${d.parent.entityType}:${d.parent.entityId}:create`] : [])));
  for (const connection of connections) {
    const rows: ErpSyncRecordRow[] = [];
    // A parent drafted from the same event (a credit note's allocation) is inserted in the same batch.
    const drafted = new Map<string, ErpSyncRecordRow>();
    for (const d of drafts) {
      const sameEvent = d.parent ? drafted.get(`${d.parent.entityType}:${d.parent.entityId}:create`) : undefined;
      const parent = d.parent ? (sameEvent ?? (await findSyncRecord(db, event.franchiseId, connection.id, d.parent.entityType, d.parent.entityId, "create"))) : undefined;
      if (d.parent && !parent) continue; // its document predates the connection: nothing to attach it to
      if (d.operation === "allocate" && !(await findSyncRecord(db, event.franchiseId, connection.id, "invoice", (JSON.parse(d.payload) as { invoiceId: string }).invoiceId, "create"))) continue; // its invoice predates the connection
      const row = rowOf(event, connection, d, parent?.id ?? null, now);
      const key = `${d.entityType}:${d.entityId}:${d.operation}`;
      // Only a draft something else hangs on needs its existing record (a redelivery) looked up first.
      drafted.set(key, parentsInEvent.has(key) ? ((await findSyncRecord(db, event.franchiseId, connection.id, d.entityType, d.entityId, d.operation)) ?? row) : row);
      rows.push(row);
    }
    messages.push(...(await insertRecords(db, rows)));
  }
  return messages;
}

/**
 * Inserts the rows (one D1 batch per 100) and returns a message for each new one, and for each
 * row a redelivered event had inserted already and that is not synced yet (the consumer skips a
 * record another message already synced).
 */
async function insertRecords(db: Db, rows: ErpSyncRecordRow[]): Promise<ErpSyncMessage[]> {
  const messages: ErpSyncMessage[] = [];
  const message = (row: Pick<ErpSyncRecordRow, "franchiseId" | "connectionId" | "id">): ErpSyncMessage => ({ franchiseId: row.franchiseId, connectionId: row.connectionId, recordId: row.id });
  for (let i = 0; i < rows.length; i += INSERTS_PER_BATCH) {
    const chunk = rows.slice(i, i + INSERTS_PER_BATCH);
    const inserted = (await runBatch(db, chunk.map((row) => insertSyncRecord(db, row).returning({ id: erpSyncRecords.id })))) as Array<Array<{ id: string }>>;
    for (const [j, row] of chunk.entries()) {
      if (inserted[j]?.length) {
        messages.push(message(row));
        continue;
      }
      const existing = await findSyncRecord(db, row.franchiseId, row.connectionId, row.entityType, row.entityId, row.operation);
      if (existing && existing.state !== "synced") messages.push(message(existing));
    }
  }
  return messages;
}

async function send(env: Env, messages: ErpSyncMessage[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 100) await env.ERP_SYNC.sendBatch(messages.slice(i, i + 100).map((body) => ({ body })));
}

export async function recordForSync(event: DeliveredEvent, env: Env): Promise<ErpSyncMessage[]> {
  const drafts = draftsOf(event);
  if (drafts.length === 0) return [];
  const db = database(franchiseDatabase(env, event.franchiseId));
  const messages = await recordsOf(db, event, drafts, await connectedConnections(db, event.franchiseId));
  await send(env, messages);
  return messages;
}

/**
 * A queue batch's events of one franchise, in order: the connections read once, the records of
 * consecutive events whose drafts hang on nothing (invoices, credit notes without an allocation)
 * inserted together, and one sendBatch per 100 messages. An event with a dependent draft (a
 * payment, a void, an allocation) first flushes what is pending, so the records it looks up exist.
 */
export async function recordBatchForSync(events: DeliveredEvent[], env: Env): Promise<ErpSyncMessage[]> {
  const franchiseId = events[0]?.franchiseId;
  // The domain-events consumer delivers a batch per franchise (Subscriber.handleBatch's contract);
  // anything else is refused, and the consumer then handles each event alone.
  if (events.some((e) => e.franchiseId !== franchiseId)) throw new Error("recordBatchForSync: events of more than one franchise");
  const drafted = events.map((event) => ({ event, drafts: draftsOf(event) })).filter((d) => d.drafts.length > 0);
  if (franchiseId === undefined || drafted.length === 0) return [];
  const db = database(franchiseDatabase(env, franchiseId));
  const connections = await connectedConnections(db, franchiseId);
  if (connections.length === 0) return [];
  const messages: ErpSyncMessage[] = [];
  let pending: ErpSyncRecordRow[] = [];
  const now = new Date().toISOString();
  for (const { event, drafts } of drafted) {
    if (drafts.every((d) => !d.parent)) {
      for (const connection of connections) for (const d of drafts) pending.push(rowOf(event, connection, d, null, now));
      continue;
    }
    messages.push(...(await insertRecords(db, pending)));
    pending = [];
    messages.push(...(await recordsOf(db, event, drafts, connections)));
  }
  messages.push(...(await insertRecords(db, pending)));
  await send(env, messages);
  return messages;
}

registerSubscriber({
  name: ERP_SUBSCRIBER,
  types: ["invoice.issued", "invoice.voided", "credit_note.issued", "payment.recorded", "payment.allocated"],
  handle: async (event, env) => void (await recordForSync(event, env)),
  handleBatch: async (events, env) => void (await recordBatchForSync(events, env)),
});
import "./contact-subscriber.ts"; // customer edits → contact updates
