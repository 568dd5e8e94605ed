// Consumer of the domain-events queue: hands each event to the subscribers registered for its
// type (ERP sync, audit, dunning plug in here as they arrive), acking message by message so one
// failing event is retried alone and, after max_retries, lands in the dead-letter queue.
import type { Logger } from "../workers/observability/logger.ts";
import type { DomainEventMessage } from "./outbox-relay.ts";

export type EventSubscriber = (event: DomainEventMessage, env: Env) => Promise<void>;

/** type → subscribers. Empty until the capabilities that react to events are added. */
export const subscribers: Record<string, EventSubscriber[]> = {};

export async function consumeDomainEvents(batch: MessageBatch<DomainEventMessage>, env: Env, logger: Logger): Promise<void> {
  for (const message of batch.messages) {
    const event = message.body;
    try {
      for (const subscriber of subscribers[event.type] ?? []) await subscriber(event, env);
      message.ack();
    } catch (error) {
      logger.warn("domain event failed", { eventId: event.eventId, type: event.type, attempt: message.attempts, error: error instanceof Error ? error.message : String(error) });
      message.retry({ delaySeconds: Math.min(300, 2 ** message.attempts + Math.floor(Math.random() * 5)) });
    }
  }
}
