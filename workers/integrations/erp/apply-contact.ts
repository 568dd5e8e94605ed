// Applying an edit of a contact made in the ERP (name, email, tax number) to the customer it
// mirrors, for any provider: compared with the contact's last synced details and with the
// customer now (workers/domain/erp/contact-changes.ts), then applied through the customer use case
// as `system:erp-sync` (so the change is versioned, audited and emits customer.updated), ignored
// with its reason, or sent to the review queue. A duplicate delivery finds the snapshot already
// equal to the ERP's details and does nothing.
import { and, eq } from "drizzle-orm";
import { billingContext, type BillingContext } from "../../billing/context.ts";
import { updateCustomer } from "../../billing/customers.ts";
import { runBatch } from "../../db/batch.ts";
import { database } from "../../db/client.ts";
import { getCustomer } from "../../db/customers.ts";
import { updateSyncRecord, type ErpConnectionRow, type ErpSyncRecordRow } from "../../db/erp.ts";
import { insertInboundChange, recordByRemoteId } from "../../db/erp-flow.ts";
import { franchiseDatabase } from "../../db/resolver.ts";
import { erpMappings } from "../../db/schema/erp.ts";
import { systemClock } from "../../domain/clock.ts";
import { CONTACT_FIELDS, normalContact, planRemoteContact, type ContactField, type ContactView } from "../../domain/erp/contact-changes.ts";
import { DomainError, notFound } from "../../domain/errors.ts";
import { contactOwnerOf, conflictStatements, ERP_SYNC_ACTOR, hasOpenConflict, inbound, type ApplyOutcome } from "./apply.ts";
import { CONTACT_ENTITY, contactPayload, contactViewOf, syncedContactRecord } from "./contact-records.ts";

/** A contact as the ERP has it now, in Ledgerline's words. */
export interface RemoteContact {
  remoteId: string;
  /** The ERP's modification stamp of this state (Xero UpdatedDateUTC, QBO SyncToken, …). */
  version: string;
  view: ContactView;
  /** The fields this ERP holds for a contact (all three unless said). */
  carried?: readonly ContactField[];
}

const group = "contact" as const;

export async function applyRemoteContact(env: Env, connection: ErpConnectionRow, remote: RemoteContact): Promise<ApplyOutcome[]> {
  const db = database(franchiseDatabase(env, connection.franchiseId));
  const at = new Date().toISOString();
  let record = await recordByRemoteId(db, connection.franchiseId, connection.id, CONTACT_ENTITY, remote.remoteId);
  let linked: Awaited<ReturnType<typeof getCustomer>>;
  if (!record) {
    // A contact linked before its details were kept: the mapping names the customer, and
    // Ledgerline's details now are the base (an edit made only here since then reads as the ERP's).
    const mapping = await db
      .select({ customerId: erpMappings.localKey })
      .from(erpMappings)
      .where(and(eq(erpMappings.franchiseId, connection.franchiseId), eq(erpMappings.connectionId, connection.id), eq(erpMappings.kind, "contact"), eq(erpMappings.remoteCode, remote.remoteId)))
      .get();
    const customer = mapping ? await getCustomer(db, connection.franchiseId, mapping.customerId) : undefined;
    if (!customer) return [{ group, decision: "skipped", detail: "not a contact Ledgerline created or linked" }];
    linked = customer;
    await runBatch(db, [syncedContactRecord(db, connection, contactPayload(customer.customer), remote.remoteId, at)]);
    record = await recordByRemoteId(db, connection.franchiseId, connection.id, CONTACT_ENTITY, remote.remoteId);
    if (!record) return [];
  }
  // The customer read to create the record is still current: no second read.
  const current = linked ?? (await getCustomer(db, connection.franchiseId, record.entityId));
  if (!current) return [{ group, decision: "skipped", detail: `customer ${record.entityId} no longer exists` }];
  const ours = normalContact(current.customer);
  const base = contactViewOf(record.syncedSnapshot) ?? ours;
  const carried = remote.carried ?? CONTACT_FIELDS;
  // What the ERP does not carry stays as the base had it: the agreed state after this change.
  const theirs: ContactView = { ...base, ...Object.fromEntries(carried.map((f) => [f, remote.view[f]])) };
  const action = planRemoteContact(base, ours, theirs, contactOwnerOf(connection), carried);
  const note = (decision: string, detail: string) => insertInboundChange(db, inbound(connection, "contact", remote.remoteId, remote.version, group, decision, current.customer.id, detail, at));

  switch (action.kind) {
    case "none":
      // Both sides agree (perhaps both made the same edit): that is the new base.
      if (JSON.stringify(base) !== JSON.stringify(theirs)) await runBatch(db, [updateSyncRecord(db, record.franchiseId, record.id, { syncedSnapshot: JSON.stringify(theirs), updatedAt: at })]);
      return [{ group, decision: "skipped", detail: "no change to apply" }];
    case "outbound":
      return [{ group, decision: "skipped", detail: `changed only in Ledgerline (${action.fields.join(", ")}): the outbound sync sends it` }];
    case "ignore":
      await runBatch(db, [note("ignored", action.reason)]);
      return [{ group, decision: "ignored", detail: action.reason }];
    case "conflict": {
      if (await hasOpenConflict(db, record, group)) return [{ group, decision: "skipped", detail: "a conflict is already waiting for review" }];
      await runBatch(db, [...conflictStatements(db, record, group, { ours: action.ours, theirs: action.theirs, base: action.base }, action.reason, at), note("conflict", action.reason)]);
      return [{ group, decision: "conflict", detail: action.reason }];
    }
    case "apply": {
      const ctx = billingContext(env, connection.franchiseId, systemClock, ERP_SYNC_ACTOR);
      try {
        await updateCustomer(ctx, current, current.customer.version, action.changes, {});
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        // Changed here meanwhile, or a value Ledgerline refuses: a person looks at it.
        const reason = `edited in ${connection.provider}, but Ledgerline refused it: ${error.message}`;
        await runBatch(db, [...conflictStatements(db, record, group, { ours, theirs, base }, reason, at), note("conflict", reason)]);
        return [{ group, decision: "conflict", detail: reason }];
      }
      const detail = `${action.fields.join(", ")} edited in ${connection.provider}; updated here as ${ERP_SYNC_ACTOR}`;
      await runBatch(db, [
        updateSyncRecord(db, record.franchiseId, record.id, { syncedSnapshot: JSON.stringify(theirs), payload: JSON.stringify({ ...contactPayload({ ...current.customer, ...action.changes, name: action.changes.name ?? current.customer.name }) }), updatedAt: at }),
        note("applied", detail),
      ]);
      return [{ group, decision: "applied", detail }];
    }
  }
}

/**
 * A contact conflict decided by a person: the fields chosen "theirs" update the customer (as that
 * person); the record's payload becomes the customer's details after that, which is what a
 * "ours" choice sends back to the ERP. Returns the record changes to store with the decision.
 */
export async function applyContactChoices(ctx: BillingContext, record: ErpSyncRecordRow, theirs: Partial<ContactView>, choices: Readonly<Record<string, "ours" | "theirs">>): Promise<Partial<ErpSyncRecordRow>> {
  const current = await getCustomer(ctx.db, ctx.franchiseId, record.entityId);
  if (!current) throw notFound("customer", record.entityId);
  const changes: Partial<ContactView> = {};
  for (const field of CONTACT_FIELDS) {
    if (choices[field] !== "theirs" || !(field in theirs)) continue;
    const value = theirs[field] ?? null;
    if ((normalContact(current.customer)[field] ?? null) !== value) Object.assign(changes, { [field]: value });
  }
  if (Object.keys(changes).length > 0) await updateCustomer(ctx, current, current.customer.version, changes, {});
  return { payload: JSON.stringify(contactPayload({ ...current.customer, ...changes, name: changes.name ?? current.customer.name })) };
}
