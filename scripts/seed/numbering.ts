// Gapless per-branch document series: seq 1..N in chronological order, as the InvoiceSequence
// Durable Object hands them out. Invoices of one branch and day are issued in one billing run
// starting 09:00 local time, one every 20 seconds, so issue instants are strictly increasing
// within a branch and time-sortable ids follow the numbers.
import { formatDocumentNumber } from "../../workers/domain/document-number.ts";
import type { InvoicePlan } from "./invoices.ts";
import { localTimeToUtcMs } from "./time.ts";

const BILLING_RUN_START_MINUTE = 9 * 60;
const BILLING_RUN_STEP_MS = 20_000;

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Sets seq, number and issuedMs on every invoice; returns them in global issue order. */
export function numberInvoices(invoices: InvoicePlan[]): InvoicePlan[] {
  for (const branchInvoices of groupBy(invoices, (inv) => inv.customer.branch.row.id).values()) {
    branchInvoices.sort((a, b) => (a.issueDate < b.issueDate ? -1 : a.issueDate > b.issueDate ? 1 : a.customer.ordinal - b.customer.ordinal));
    let runDate = "";
    let runStartMs = 0;
    let k = 0;
    branchInvoices.forEach((inv, i) => {
      if (inv.issueDate !== runDate) {
        runDate = inv.issueDate;
        runStartMs = localTimeToUtcMs(runDate, BILLING_RUN_START_MINUTE, inv.customer.branch.spec.timezone);
        k = 0;
      }
      inv.seq = i + 1;
      inv.number = formatDocumentNumber(inv.customer.branch.row.code, "invoice", inv.seq);
      inv.issuedMs = runStartMs + k++ * BILLING_RUN_STEP_MS;
    });
  }
  return [...invoices].sort((a, b) => a.issuedMs - b.issuedMs || a.customer.branch.row.code.localeCompare(b.customer.branch.row.code) || a.customer.franchise.index - b.customer.franchise.index);
}

/** Per-branch seq for documents already in chronological order within each branch. */
export function numberInBranchOrder<T>(items: readonly T[], branchOf: (item: T) => string, setSeq: (item: T, seq: number) => void): void {
  for (const group of groupBy(items, branchOf).values()) group.forEach((item, i) => setSeq(item, i + 1));
}
