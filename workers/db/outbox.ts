// Domain events are written in the same batch as the change they describe (transactional
// outbox), then relayed to the domain-events queue (queues/outbox-relay.ts): at once by the
// request that wrote them, and by the per-minute sweep for whatever that missed.
import { sql } from "drizzle-orm";
import { canonicalJson } from "../domain/canonical-json.ts";
import type { Db } from "./client.ts";
import type { Statement } from "./batch.ts";
import { outboxEvents } from "./schema.ts";
import { newId } from "./ids.ts";

export type DomainEventType =
  | "customer.created"
  | "customer.updated"
  | "invoice.drafted"
  | "invoice.issued"
  | "invoice.voided"
  | "credit_note.issued"
  | "payment.recorded"
  | "payment.allocated"
  | "credit.applied"
  | "refund.recorded"
  | "staff.created"
  | "staff.updated"
  | "staff.deactivated"
  // dunning (docs/events.md)
  | "dispute.opened"
  | "dispute.resolved"
  | "promise_to_pay.recorded"
  | "escalation.assigned"
  | "escalation.acknowledged"
  | "escalation.resolved"
  // audit and records (issue 10, docs/events.md)
  | "tax_rate.changed"
  | "archive.purged"
  | "legal_hold.set"
  | "legal_hold.lifted"
  | "retention.snapshot"
  | "audit_witness.configured"
  | "audit_witness.cleared";

export interface DomainEvent {
  franchiseId: string;
  type: DomainEventType;
  aggregateType: "customer" | "invoice" | "credit_note" | "payment" | "refund" | "staff_user" | "dispute" | "promise_to_pay" | "escalation" | "tax_rate" | "legal_hold" | "retention" | "audit_witness";
  aggregateId: string;
  /** The aggregate's version after this change (1 for immutable documents). */
  aggregateVersion: number;
  /** See BillingContext.actor. */
  actor: string;
  /** Everything a consumer needs (see workers/events/payloads.ts), stored as canonical JSON. */
  payload: Record<string, unknown>;
  occurredAt: string;
}

export function outboxInsert(db: Db, event: DomainEvent): Statement {
  return db.insert(outboxEvents).values({
    id: newId("evt"),
    franchiseId: event.franchiseId,
    type: event.type,
    aggregateType: event.aggregateType,
    aggregateId: event.aggregateId,
    aggregateVersion: event.aggregateVersion,
    actor: event.actor,
    payload: canonicalJson(event.payload),
    occurredAt: event.occurredAt,
    // The franchise's next position, computed inside the batch: D1 runs a batch serially, so two
    // concurrent writers cannot take the same number, and a batch that aborts takes none.
    seq: sql`(SELECT COALESCE(MAX(${outboxEvents.seq}), 0) + 1 FROM ${outboxEvents} WHERE ${outboxEvents.franchiseId} = ${event.franchiseId})`,
  });
}
