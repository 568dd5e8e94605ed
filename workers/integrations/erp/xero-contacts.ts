// Xero: a customer edited in Ledgerline updates its contact (`POST /Contacts` with the ContactID
// updates in place; up to 50 per request with per-item errors). An empty email is sent as ""
// because Xero keeps a field that is left out. Re-sending the same details is harmless, so the
// Idempotency-Key per record and attempt only guards against a lost answer being doubled.
import type { ErpSyncRecordRow } from "../../db/erp.ts";
import { normalContact } from "../../domain/erp/contact-changes.ts";
import { fixForXeroMessage } from "../../domain/erp/xero-errors.ts";
import type { XeroClient } from "../xero/client.ts";
import type { ContactPayload } from "./contact-records.ts";
import { fail, synced, type OutcomeLog } from "./record-outcomes.ts";

const BATCH = 50;

export function xeroContactUpdateBody(remoteId: string, c: ContactPayload) {
  return { ContactID: remoteId, Name: c.name, EmailAddress: c.email ?? "", TaxNumber: c.taxId ?? "" };
}

export async function updateXeroContacts(log: OutcomeLog, client: XeroClient, records: ErpSyncRecordRow[]): Promise<void> {
  const linked = records.filter((r) => r.remoteId);
  for (const r of records.filter((x) => !x.remoteId)) fail(log, r, { class: "data_fix_required", message: `customer ${r.entityId} has no Xero contact yet`, fix: "It is created with the customer's first invoice." });
  for (let i = 0; i < linked.length; i += BATCH) {
    const chunk = linked.slice(i, i + BATCH);
    const payloads = chunk.map((r) => JSON.parse(r.payload) as ContactPayload);
    const result = await client.call("POST", "/Contacts?summarizeErrors=false", {
      body: { Contacts: chunk.map((r, k) => xeroContactUpdateBody(r.remoteId!, payloads[k]!)) },
      idempotencyKey: `ll-contact-upd-${chunk[0]!.id}-${chunk.length}-${chunk[0]!.attempts}-${chunk[0]!.updatedAt}`.slice(0, 128),
    });
    if (!result.ok) {
      for (const r of chunk) fail(log, r, result.failure);
      continue;
    }
    const answers = (result.body.Contacts as Array<Record<string, unknown>> | undefined) ?? [];
    chunk.forEach((record, k) => {
      const answer = answers[k];
      if (answer && !answer.HasErrors) return synced(log, record, { syncedSnapshot: JSON.stringify(normalContact(payloads[k]!)) }, "synced");
      const message = ((answer?.ValidationErrors as Array<{ Message?: string }> | undefined) ?? []).map((v) => String(v.Message ?? "")).join("; ") || "Xero refused the contact update";
      fail(log, record, { class: "data_fix_required", message: `Contact for customer ${payloads[k]!.name}: ${message}`, fix: fixForXeroMessage(message), httpStatus: 200 });
    });
  }
}
