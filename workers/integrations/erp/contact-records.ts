// A contact's last synced details live on a sync record of its own (entity "customer",
// operation "create", remote id = the ERP's contact id): the base of the three-way compare when
// the ERP edits the contact, and the outbound record a Ledgerline edit of the customer re-sends.
import type { Db } from "../../db/client.ts";
import type { Statement } from "../../db/batch.ts";
import { insertSyncRecord, syncedRecordRow, type ErpConnectionRow } from "../../db/erp.ts";
import { newId } from "../../db/ids.ts";
import { CONTACT_FIELDS, normalContact, type ContactField, type ContactView } from "../../domain/erp/contact-changes.ts";

export const CONTACT_ENTITY = "customer";

/** What the outbound sync sends for a customer, and what its snapshot holds once synced. */
export interface ContactPayload extends ContactView {
  id: string;
}

export function contactPayload(customer: { id: string; name: string; email?: string | null; taxId?: string | null }): ContactPayload {
  return { id: customer.id, ...normalContact(customer) };
}

export const contactViewOf = (json: string | null): ContactView | null => (json ? normalContact(JSON.parse(json) as Record<string, unknown>) : null);

/** The record made when the contact is first created (or linked) in the ERP: synced, its snapshot what was sent. */
export function syncedContactRecord(db: Db, connection: ErpConnectionRow, customer: ContactPayload, remoteId: string, at: string): Statement {
  const row = syncedRecordRow(
    {
      id: newId("esr"),
      franchiseId: connection.franchiseId,
      connectionId: connection.id,
      entityType: CONTACT_ENTITY,
      entityId: customer.id,
      operation: "create",
      entityNumber: customer.id,
      payload: JSON.stringify(customer),
      syncedSnapshot: JSON.stringify(normalContact(customer)),
      remoteId,
    },
    at,
  );
  return insertSyncRecord(db, row);
}

/** The contact fields each ERP holds a copy of (QuickBooks keeps no tax number on a customer here). */
export function carriedContactFields(provider: string): readonly ContactField[] {
  return provider === "qbo" ? ["name", "email"] : CONTACT_FIELDS;
}

/** Whether two sets of details differ in a field the ERP carries. */
export function contactDiffers(provider: string, a: ContactView | null, b: ContactView | null): boolean {
  return carriedContactFields(provider).some((f) => (a?.[f] ?? null) !== (b?.[f] ?? null));
}
