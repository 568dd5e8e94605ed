// Domain events are written in the same batch as the change they describe (transactional
// outbox), then relayed to the domain-events queue by the cron (queues/outbox-relay.ts).
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
  | "refund.recorded";

export interface DomainEvent {
  franchiseId: string;
  type: DomainEventType;
  aggregateType: "customer" | "invoice" | "credit_note" | "payment" | "refund";
  aggregateId: string;
  /** The aggregate's version after this change (1 for immutable documents). */
  aggregateVersion: number;
  /** See BillingContext.actor. */
  actor: string;
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
    payload: JSON.stringify(event.payload),
    occurredAt: event.occurredAt,
  });
}
