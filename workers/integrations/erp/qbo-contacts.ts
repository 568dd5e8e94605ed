// QuickBooks Online: a customer edited in Ledgerline updates its QBO customer with a sparse
// update. QBO refuses a write without the object's current SyncToken (5010 Stale Object), so the
// customer is read first; the requestid covers the details sent, so a retried request whose answer
// was lost is answered from QBO's replay cache instead of being applied twice.
import { sha256Hex } from "../../auth/secrets.ts";
import type { ErpSyncRecordRow } from "../../db/erp.ts";
import { normalContact } from "../../domain/erp/contact-changes.ts";
import { qboRequestId } from "../../domain/erp/qbo-documents.ts";
import type { QboClient } from "../qbo/client.ts";
import { carriedContactFields, type ContactPayload } from "./contact-records.ts";
import { fail, synced, type OutcomeLog } from "./record-outcomes.ts";

/** The fields of a QBO customer Ledgerline owns a copy of (QBO keeps no tax number on it here). */
export const QBO_CONTACT_FIELDS = carriedContactFields("qbo");

export function qboCustomerUpdateBody(remoteId: string, syncToken: string, c: ContactPayload) {
  return { Id: remoteId, SyncToken: syncToken, sparse: true, DisplayName: c.name.trim().slice(0, 500), PrimaryEmailAddr: { Address: c.email ?? "" } };
}

export async function updateQboCustomers(log: OutcomeLog, client: QboClient, records: ErpSyncRecordRow[]): Promise<void> {
  for (const record of records) {
    if (!record.remoteId) {
      fail(log, record, { class: "data_fix_required", message: `customer ${record.entityId} has no QuickBooks customer yet`, fix: "It is created with the customer's first invoice." });
      continue;
    }
    const payload = JSON.parse(record.payload) as ContactPayload;
    const current = await client.call("GET", `/customer/${record.remoteId}`);
    if (!current.ok) {
      fail(log, record, current.failure);
      continue;
    }
    const syncToken = String((current.body.Customer as Record<string, unknown> | undefined)?.SyncToken ?? "0");
    const body = qboCustomerUpdateBody(record.remoteId, syncToken, payload);
    const result = await client.call("POST", "/customer", { body, requestId: qboRequestId("customer", `${record.entityId.slice(-12)}u`, (await sha256Hex(JSON.stringify(body))).slice(0, 8)) });
    if (!result.ok) {
      fail(log, record, { ...result.failure, message: `Customer ${payload.name}: ${result.failure.message}` });
      continue;
    }
    synced(log, record, { syncedSnapshot: JSON.stringify({ ...normalContact(payload), taxId: null }) }, "synced");
  }
}
