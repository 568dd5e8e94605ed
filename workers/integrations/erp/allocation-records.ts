// Credit-note allocations, provider-neutral part: an `allocate` record (subscriber.ts) depends on
// its credit note's create record and also needs its invoice's; both must be in the ERP before
// the allocation is sent. Here: the payload's shape, and finding the invoice records of a pass.
import type { Db } from "../../db/client.ts";
import { invoiceCreateRecords, type ErpConnectionRow, type ErpSyncRecordRow } from "../../db/erp.ts";
import { waitFor, type OutcomeLog } from "./record-outcomes.ts";

/** What an allocate record carries: the part of the credit note that settled the invoice. */
export interface AllocationPayload {
  id: string;
  creditNoteId: string;
  invoiceId: string;
  amount: number;
  currency: string;
  /** The credit note's issue date (YYYY-MM-DD): the allocation's date in the ERP. */
  date: string;
}

export const allocationOf = (r: ErpSyncRecordRow) => JSON.parse(r.payload) as AllocationPayload;

/** The invoices' create records of the allocations in a pass, by invoice id. */
export function invoiceRecordsOf(db: Db, connection: ErpConnectionRow, allocations: readonly ErpSyncRecordRow[]): Promise<Map<string, ErpSyncRecordRow>> {
  return invoiceCreateRecords(db, connection.franchiseId, connection.id, "entityId", allocations.map((r) => allocationOf(r).invoiceId));
}

/**
 * The invoice's record when the allocation can go now; otherwise the record waits (not an
 * attempt) for whichever document is not in the ERP yet, longer when that one needs a person.
 */
export function readyInvoice(log: OutcomeLog, record: ErpSyncRecordRow, invoices: Map<string, ErpSyncRecordRow>, erpName: string): ErpSyncRecordRow | null {
  const invoice = invoices.get(allocationOf(record).invoiceId);
  if (invoice?.state === "synced" && invoice.remoteId) return invoice;
  const stuck = invoice && (invoice.state === "failed" || invoice.state === "conflict");
  waitFor(log, record, stuck ? 300 : 5, stuck ? `waiting for invoice ${invoice.entityId}, which needs attention first` : `waiting for its invoice to reach ${erpName}`);
  return null;
}
