// Keeps the rollup current from the domain-event stream. Each event's delta is a pure function
// of immutable facts (an issued invoice's lines and dates, a credit note, an allocation), so
// deltas commute and the order of delivery does not matter. Idempotent per franchise seq: the
// delta is written in one batch with an analytics_applied_events row, whose primary key aborts
// a second application; events a rebuild already covers are skipped (and asserted in the batch).
import { sql } from "drizzle-orm";
import { database, type Db } from "../db/client.ts";
import { franchiseDatabase } from "../db/resolver.ts";
import { isBatchAssertionFailure } from "../db/batch.ts";
import { addCellsStatements, isDuplicateApply, markAppliedStatement, rawAssert, rollupState, runRawBatch } from "../db/analytics-rollups.ts";
import { loadInvoices } from "../db/analytics-sources.ts";
import type { DomainEventType } from "../db/outbox.ts";
import { CellAccumulator, type Contribution } from "../domain/analytics/cells.ts";
import { creditNoteContributions, invoiceContributions, settlementContributions, type RecognitionInvoice } from "../domain/analytics/recognition.ts";
import type { DeliveredEvent, Subscriber } from "../events/subscribers.ts";
import { payloadCarries } from "../events/payload-shape.ts";
import { createLogger } from "../observability/logger.ts";

export const ANALYTICS_SUBSCRIBER = "analytics-rollup";

export const ANALYTICS_EVENT_TYPES = ["invoice.issued", "invoice.voided", "credit_note.issued", "payment.recorded", "payment.allocated", "credit.applied"] as const satisfies readonly DomainEventType[];

type InvoicePayload = { invoice: { issuedAt: string | null; branchId: string; currency: string; issueDate: string; dueDate: string | null; total: number; lines: RecognitionInvoice["lines"] } };
type Allocation = { invoiceId: string; amount: number };

const fromPayload = (p: InvoicePayload["invoice"]): RecognitionInvoice => ({ branchId: p.branchId, currency: p.currency, issueDate: p.issueDate, dueDate: p.dueDate, total: p.total, lines: p.lines });

async function issuedInvoice(db: Db, franchiseId: string, id: string): Promise<RecognitionInvoice> {
  const inv = (await loadInvoices(db, franchiseId, [id])).get(id);
  if (!inv?.issueDate) throw new Error(`analytics: invoice ${id} of ${franchiseId} is not there yet`);
  return inv;
}

async function cashContributions(db: Db, franchiseId: string, receivedAt: string, allocations: readonly Allocation[]): Promise<Contribution[]> {
  if (allocations.length === 0) return [];
  const invoices = await loadInvoices(db, franchiseId, allocations.map((a) => a.invoiceId));
  return allocations.flatMap((a) => {
    const inv = invoices.get(a.invoiceId);
    if (!inv) throw new Error(`analytics: invoice ${a.invoiceId} of ${franchiseId} is not there yet`);
    return settlementContributions(inv, { date: receivedAt.slice(0, 10), amount: a.amount, kind: "cash" });
  });
}

/** The rollup change one event stands for (empty for events that change nothing here). */
export async function eventContributions(db: Db, event: DeliveredEvent): Promise<Contribution[]> {
  const f = event.franchiseId;
  switch (event.type) {
    case "invoice.issued":
      return invoiceContributions(fromPayload((event.payload as InvoicePayload).invoice));
    case "invoice.voided": {
      // Only an issued invoice was ever in the rollup; voiding a draft changes nothing.
      const inv = (event.payload as InvoicePayload).invoice;
      return inv.issuedAt ? [...new CellAccumulator().add(invoiceContributions(fromPayload(inv)), -1).cells.values()] : [];
    }
    case "credit_note.issued": {
      const cn = (event.payload as { creditNote: { invoiceId: string; issueDate: string; subtotal: number; total: number } }).creditNote;
      return creditNoteContributions(await issuedInvoice(db, f, cn.invoiceId), cn);
    }
    case "payment.recorded": {
      const p = (event.payload as { payment: { receivedAt: string; allocations: Allocation[] } }).payment;
      return cashContributions(db, f, p.receivedAt, p.allocations);
    }
    case "payment.allocated": {
      const p = event.payload as { payment: { receivedAt: string }; newAllocations: Allocation[] };
      return cashContributions(db, f, p.payment.receivedAt, p.newAllocations);
    }
    case "credit.applied": {
      const c = event.payload as { invoiceId: string; amount: number };
      return settlementContributions(await issuedInvoice(db, f, c.invoiceId), { date: event.occurredAt.slice(0, 10), amount: c.amount, kind: "credit" });
    }
    default:
      return [];
  }
}

/** The payload field each handled event type must carry. */
const PAYLOAD_KEY: Record<string, string> = {
  "invoice.issued": "invoice",
  "invoice.voided": "invoice",
  "credit_note.issued": "creditNote",
  "payment.recorded": "payment",
  "payment.allocated": "payment",
  "credit.applied": "invoiceId",
};

export type ApplyOutcome = "applied" | "duplicate" | "covered_by_rebuild";

export async function applyEvent(db: Db, event: DeliveredEvent, now: Date): Promise<ApplyOutcome> {
  const state = await rollupState(db, event.franchiseId);
  if (state && event.seq <= state.rebuiltThroughSeq) return "covered_by_rebuild";
  const cells = new CellAccumulator().add(await eventContributions(db, event)).nonZero();
  try {
    await runRawBatch(db, [
      rawAssert(db, "analytics_event_rebuilt", sql`COALESCE((SELECT rebuilt_through_seq FROM analytics_state WHERE franchise_id = ${event.franchiseId}), 0) < ${event.seq}`),
      markAppliedStatement(event.franchiseId, event.seq, now.toISOString()),
      ...addCellsStatements(event.franchiseId, cells),
    ]);
    return "applied";
  } catch (error) {
    if (isDuplicateApply(error)) return "duplicate";
    if (isBatchAssertionFailure(error)) return "covered_by_rebuild";
    throw error;
  }
}

export const analyticsSubscriber: Subscriber = {
  name: ANALYTICS_SUBSCRIBER,
  types: ANALYTICS_EVENT_TYPES,
  async handle(event: DeliveredEvent, env: Env) {
    const expected = PAYLOAD_KEY[event.type];
    if (expected && !payloadCarries(event, expected)) {
      createLogger(env.LOG_LEVEL).warn("analytics: event without its payload skipped", { eventId: event.eventId, type: event.type, expected });
      return;
    }
    await applyEvent(database(franchiseDatabase(env, event.franchiseId)), event, new Date());
  },
};
