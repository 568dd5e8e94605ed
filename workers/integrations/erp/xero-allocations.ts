// Xero: a credit note allocated to its invoice, `PUT /CreditNotes/{CreditNoteID}/Allocations`,
// once both documents are in Xero. Idempotent twice over, like the creates: an Idempotency-Key
// per record and attempt, and for a record tried before (its answer may have been lost) a read of
// the credit note first, linking an allocation to that invoice that is already there.
import type { ErpSyncRecordRow } from "../../db/erp.ts";
import { fromXeroAmount, toXeroAmount } from "../../domain/erp/xero-documents.ts";
import { fixForXeroMessage } from "../../domain/erp/xero-errors.ts";
import type { XeroClient } from "../xero/client.ts";
import { allocationOf } from "./allocation-records.ts";
import { fail, synced, type OutcomeLog } from "./record-outcomes.ts";

export function xeroAllocationBody(a: { amount: number; currency: string; date: string; remoteInvoiceId: string }) {
  return { Allocations: [{ Invoice: { InvoiceID: a.remoteInvoiceId }, Amount: toXeroAmount(a.amount, a.currency), Date: a.date }] };
}

export async function allocateXeroCreditNote(log: OutcomeLog, client: XeroClient, record: ErpSyncRecordRow, creditNote: ErpSyncRecordRow, invoice: ErpSyncRecordRow): Promise<void> {
  const a = allocationOf(record);
  const path = `/CreditNotes/${creditNote.remoteId}`;
  if (record.attempts > 0) {
    const current = await client.call("GET", path);
    if (!current.ok) return fail(log, record, current.failure);
    const note = ((current.body.CreditNotes as Array<Record<string, unknown>> | undefined) ?? [])[0];
    const existing = ((note?.Allocations as Array<Record<string, unknown>> | undefined) ?? []).find(
      (x) => (x.Invoice as Record<string, unknown> | undefined)?.InvoiceID === invoice.remoteId && fromXeroAmount(Number(x.Amount), a.currency) === a.amount,
    );
    if (existing) return synced(log, record, { remoteId: String(existing.AllocationID ?? creditNote.remoteId) }, "linked");
  }
  const result = await client.call("PUT", `${path}/Allocations`, { body: xeroAllocationBody({ ...a, remoteInvoiceId: invoice.remoteId! }), idempotencyKey: `ll-alloc-${record.id}-${record.attempts}` });
  if (!result.ok) return fail(log, record, result.failure);
  const answer = ((result.body.Allocations as Array<Record<string, unknown>> | undefined) ?? [])[0];
  const errors = ((answer?.ValidationErrors as Array<{ Message?: string }> | undefined) ?? []).map((v) => String(v.Message ?? ""));
  if (!answer || errors.length > 0)
    return fail(log, record, { class: "data_fix_required", message: errors.join("; ") || "Xero refused the allocation", fix: fixForXeroMessage(errors[0] ?? ""), httpStatus: 200 });
  synced(log, record, { remoteId: String(answer.AllocationID ?? creditNote.remoteId) }, "synced");
}
