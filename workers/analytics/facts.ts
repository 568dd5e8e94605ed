// An invoice's full contribution to the rollup, from the facts read out of the billing tables.
import type { Contribution } from "../domain/analytics/cells.ts";
import { creditNoteContributions, invoiceContributions, settlementContributions } from "../domain/analytics/recognition.ts";
import type { InvoiceFacts } from "../db/analytics-sources.ts";

export function* factContributions(f: InvoiceFacts): Generator<Contribution> {
  yield* invoiceContributions(f.invoice);
  for (const cn of f.creditNotes) yield* creditNoteContributions(f.invoice, cn);
  for (const s of f.settlements) yield* settlementContributions(f.invoice, s);
}
