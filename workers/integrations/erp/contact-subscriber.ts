// A customer edited in Ledgerline: each connection whose ERP holds its contact gets the contact's
// record re-opened with the new details and a message on the erp-sync queue (the connector
// updates the contact). An edit the ERP made itself (actor system:erp-sync) is not sent back,
// and neither is one that changed nothing the contact carries (segment, channels, ...).
import { and, eq } from "drizzle-orm";
import { runBatch } from "../../db/batch.ts";
import { database } from "../../db/client.ts";
import { updateSyncRecord } from "../../db/erp.ts";
import { franchiseDatabase } from "../../db/resolver.ts";
import { erpConnections, erpSyncRecords } from "../../db/schema/erp.ts";
import { registerSubscriber, type DeliveredEvent } from "../../events/subscribers.ts";
import { ERP_SYNC_ACTOR } from "./apply.ts";
import { CONTACT_ENTITY, contactDiffers, contactPayload, contactViewOf } from "./contact-records.ts";
import type { ErpSyncMessage } from "./subscriber.ts";

export const ERP_CONTACTS_SUBSCRIBER = "erp-contacts";

export async function reopenContactRecords(event: DeliveredEvent, env: Env): Promise<ErpSyncMessage[]> {
  if (event.actor === ERP_SYNC_ACTOR) return [];
  const customer = (event.payload as { customer?: { id: string; name: string; email: string | null; taxId: string | null } }).customer;
  if (!customer?.id) return [];
  const db = database(franchiseDatabase(env, event.franchiseId));
  const rows = await db
    .select({ record: erpSyncRecords, provider: erpConnections.provider })
    .from(erpSyncRecords)
    .innerJoin(erpConnections, and(eq(erpConnections.id, erpSyncRecords.connectionId), eq(erpConnections.franchiseId, erpSyncRecords.franchiseId)))
    .where(and(eq(erpSyncRecords.franchiseId, event.franchiseId), eq(erpSyncRecords.entityType, CONTACT_ENTITY), eq(erpSyncRecords.entityId, customer.id), eq(erpConnections.status, "connected")))
    .all();
  const next = contactPayload(customer);
  const at = new Date().toISOString();
  const reopened = rows
    // Compared with what the ERP last got (or is about to get), in the fields it carries: a
    // redelivered event, or an edit of something the contact does not hold, reopens nothing.
    .filter((r) => contactDiffers(r.provider, contactViewOf(r.record.payload), next))
    .map((r) => r.record);
  if (reopened.length === 0) return [];
  await runBatch(
    db,
    reopened.map((r) => updateSyncRecord(db, r.franchiseId, r.id, { payload: JSON.stringify(next), state: "pending", attempts: 0, sourceAt: event.occurredAt, nextAttemptAt: null, lastErrorClass: null, lastError: null, lastFix: null, updatedAt: at })),
  );
  const messages = reopened.map((r) => ({ franchiseId: r.franchiseId, connectionId: r.connectionId, recordId: r.id }));
  await env.ERP_SYNC.sendBatch(messages.map((body) => ({ body })));
  return messages;
}

registerSubscriber({
  name: ERP_CONTACTS_SUBSCRIBER,
  types: ["customer.updated"],
  handle: async (event, env) => void (await reopenContactRecords(event, env)),
});
