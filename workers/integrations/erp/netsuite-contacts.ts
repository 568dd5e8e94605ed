// NetSuite: a customer edited in Ledgerline is upserted again by its external id (`PUT
// /customer/eid:<id>` replaces the fields sent), so re-sending the same details is harmless and
// needs no idempotency key. An email or tax number removed here is sent empty so NetSuite clears it.
import type { ErpSyncRecordRow } from "../../db/erp.ts";
import { normalContact } from "../../domain/erp/contact-changes.ts";
import type { NetSuiteClient } from "../netsuite/client.ts";
import type { ContactPayload } from "./contact-records.ts";
import { fail, synced, type OutcomeLog } from "./record-outcomes.ts";

export function netsuiteCustomerUpdateBody(c: ContactPayload) {
  return { externalId: c.id, companyName: c.name.slice(0, 83), email: c.email ?? "", vatRegNumber: c.taxId ?? "" };
}

export async function updateNetSuiteCustomers(log: OutcomeLog, client: NetSuiteClient, records: ErpSyncRecordRow[]): Promise<void> {
  for (const record of records) {
    const payload = JSON.parse(record.payload) as ContactPayload;
    const result = await client.record("PUT", `/customer/eid:${encodeURIComponent(payload.id)}`, netsuiteCustomerUpdateBody(payload));
    if (!result.ok) {
      fail(log, record, { ...result.failure, message: `Customer ${payload.name}: ${result.failure.message}` });
      continue;
    }
    synced(log, record, { syncedSnapshot: JSON.stringify(normalContact(payload)) }, "synced");
  }
}
