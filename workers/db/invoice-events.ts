// An invoice's history from the outbox: its own events, its credit notes' and those of payments
// allocated to it, in the franchise's event order. Three lookups on (franchise_id, aggregate_id),
// no payload scan; every part is scoped by franchise.
import { and, asc, eq, gt, inArray, or, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { creditNotes, outboxEvents, paymentAllocations } from "./schema.ts";

export type InvoiceEventRow = Pick<typeof outboxEvents.$inferSelect, "id" | "seq" | "type" | "aggregateType" | "aggregateId" | "aggregateVersion" | "actor" | "occurredAt" | "payload">;

export interface InvoiceEventPage {
  /** Event id of the last row of the previous page: rows after it in seq order. */
  after?: string | undefined;
  limit: number;
}

/** Call only after the invoice itself was found in the caller's scope (the route answers 404 otherwise). */
export async function listInvoiceEvents(db: Db, franchiseId: string, invoiceId: string, p: InvoiceEventPage): Promise<InvoiceEventRow[]> {
  const creditNotesOfInvoice = db.select({ id: creditNotes.id }).from(creditNotes).where(and(eq(creditNotes.franchiseId, franchiseId), eq(creditNotes.invoiceId, invoiceId)));
  const paymentsOfInvoice = db
    .select({ id: paymentAllocations.paymentId })
    .from(paymentAllocations)
    .where(and(eq(paymentAllocations.franchiseId, franchiseId), eq(paymentAllocations.invoiceId, invoiceId)));
  const afterSeq = p.after
    ? sql`(SELECT ${outboxEvents.seq} FROM ${outboxEvents} WHERE ${outboxEvents.franchiseId} = ${franchiseId} AND ${outboxEvents.id} = ${p.after})`
    : undefined;
  return db
    .select({
      id: outboxEvents.id,
      seq: outboxEvents.seq,
      type: outboxEvents.type,
      aggregateType: outboxEvents.aggregateType,
      aggregateId: outboxEvents.aggregateId,
      aggregateVersion: outboxEvents.aggregateVersion,
      actor: outboxEvents.actor,
      occurredAt: outboxEvents.occurredAt,
      payload: outboxEvents.payload,
    })
    .from(outboxEvents)
    .where(
      and(
        eq(outboxEvents.franchiseId, franchiseId),
        or(eq(outboxEvents.aggregateId, invoiceId), inArray(outboxEvents.aggregateId, creditNotesOfInvoice), inArray(outboxEvents.aggregateId, paymentsOfInvoice)),
        afterSeq ? gt(outboxEvents.seq, afterSeq) : undefined,
      ),
    )
    .orderBy(asc(outboxEvents.seq))
    .limit(p.limit + 1)
    .all();
}
