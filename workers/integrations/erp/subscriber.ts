// The erp-sync subscriber of the domain events: each document event becomes one sync record per
// connected ERP (inserted once per entity and operation, so a redelivered event adds nothing)
// and a message on the erp-sync queue. Payment allocations become one record each, depending on
// their invoice's record, so a payment never reaches the ERP before its invoice. A credit note
// becomes its create record and, for the part that settled its invoice, an `allocate` record
// depending on it (the connector also waits for the invoice's record).
import { database } from "../../db/client.ts";
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

export async function recordForSync(event: DeliveredEvent, env: Env): Promise<ErpSyncMessage[]> {
  const drafts = draftsOf(event);
  if (drafts.length === 0) return [];
  const db = database(franchiseDatabase(env, event.franchiseId));
  const connections = await connectedConnections(db, event.franchiseId);
  const messages: ErpSyncMessage[] = [];
  const now = new Date().toISOString();
  // Drafts a later draft of the same event hangs on (a credit note's create, for its allocation).
  const parentsInEvent = new Set(drafts.flatMap((d) => (d.parent ? [`${d.parent.entityType}:${d.parent.entityId}:create`] : [])));
  for (const connection of connections) {
    const statements = [];
    const rows: ErpSyncRecordRow[] = [];
    // A parent drafted from the same event (a credit note's allocation) is inserted in the same batch.
    const drafted = new Map<string, ErpSyncRecordRow>();
    for (const d of drafts) {
      const sameEvent = d.parent ? drafted.get(`${d.parent.entityType}:${d.parent.entityId}:create`) : undefined;
      const parent = d.parent ? (sameEvent ?? (await findSyncRecord(db, event.franchiseId, connection.id, d.parent.entityType, d.parent.entityId, "create"))) : undefined;
      if (d.parent && !parent) continue; // its document predates the connection: nothing to attach it to
      if (d.operation === "allocate" && !(await findSyncRecord(db, event.franchiseId, connection.id, "invoice", (JSON.parse(d.payload) as { invoiceId: string }).invoiceId, "create"))) continue; // its invoice predates the connection
      const row: ErpSyncRecordRow = {
        id: newId("esr"), franchiseId: event.franchiseId, connectionId: connection.id, entityType: d.entityType, entityId: d.entityId, operation: d.operation, entityNumber: d.entityNumber, dependsOn: parent?.id ?? null,
        state: "pending", attempts: 0, payload: d.payload, syncedSnapshot: null, remoteId: null, sourceAt: event.occurredAt, syncedAt: null, nextAttemptAt: null, claimedUntil: null, lastErrorClass: null, lastError: null, lastFix: null, createdAt: now, updatedAt: now,
      };
      const key = `${d.entityType}:${d.entityId}:${d.operation}`;
      // Only a draft something else hangs on needs its existing record (a redelivery) looked up first.
      drafted.set(key, parentsInEvent.has(key) ? ((await findSyncRecord(db, event.franchiseId, connection.id, d.entityType, d.entityId, d.operation)) ?? row) : row);
      statements.push(insertSyncRecord(db, row).returning({ id: erpSyncRecords.id }));
      rows.push(row);
    }
    const inserted = (await runBatch(db, statements)) as Array<Array<{ id: string }>>;
    rows.forEach((row, i) => {
      if (inserted[i]?.length) messages.push({ franchiseId: event.franchiseId, connectionId: connection.id, recordId: row.id });
    });
    // A redelivered event inserted nothing: message the record that exists (the consumer skips a synced one).
    for (const row of rows.filter((_, i) => !inserted[i]?.length)) {
      const existing = await findSyncRecord(db, event.franchiseId, connection.id, row.entityType, row.entityId, row.operation);
      if (existing && existing.state !== "synced") messages.push({ franchiseId: event.franchiseId, connectionId: connection.id, recordId: existing.id });
    }
    void (connection satisfies ErpConnectionRow);
  }
  for (let i = 0; i < messages.length; i += 100) await env.ERP_SYNC.sendBatch(messages.slice(i, i + 100).map((body) => ({ body })));
  return messages;
}

registerSubscriber({
  name: ERP_SUBSCRIBER,
  types: ["invoice.issued", "invoice.voided", "credit_note.issued", "payment.recorded", "payment.allocated"],
  handle: async (event, env) => void (await recordForSync(event, env)),
});
import "./contact-subscriber.ts"; // customer edits → contact updates
