// Routes a queue batch to its consumer by queue name. Dead-letter queues are logged as errors
// (the alerting hook) and acked; a queue without a consumer yet retries, so its messages end in
// its DLQ instead of vanishing.
import { createLogger } from "../workers/observability/logger.ts";
import { consumeDomainEvents } from "./domain-events.ts";
import type { DomainEventMessage } from "./outbox-relay.ts";

export async function dispatchQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const logger = createLogger(env.LOG_LEVEL, { queue: batch.queue });
  if (batch.queue === "domain-events") return consumeDomainEvents(batch as MessageBatch<DomainEventMessage>, env, logger);
  if (batch.queue.endsWith("-dlq")) {
    for (const message of batch.messages) {
      logger.error("message dead-lettered", { messageId: message.id, attempts: message.attempts, body: JSON.stringify(message.body).slice(0, 500) });
      message.ack();
    }
    return;
  }
  logger.warn("no consumer for queue yet; retrying", { messages: batch.messages.length });
  batch.retryAll({ delaySeconds: 60 });
}
