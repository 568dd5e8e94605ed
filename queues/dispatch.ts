// Routes a queue batch to its consumer by queue name. Every "<queue>-dlq" is kept in the
// dead_letters table (queues/dead-letter-sink.ts); a queue without a consumer yet retries, so
// its messages end in its DLQ instead of vanishing. Every batch is counted for the per-queue
// metrics (acked, retried, arrived on a DLQ, dead letters and outcomes noted while consuming).
import { createLogger } from "../workers/observability/logger.ts";
import { countBatch, type WaitUntil } from "../workers/observability/queue-counting.ts";
import { consumeDeadLetters } from "./dead-letter-sink.ts";
import { consumeDomainEvents } from "./domain-events.ts";
// Accounting integrations (issue 8)
import { consumeErpSync } from "./erp-sync.ts";
// Forecasting and risk (issue 12)
import { consumeModelTraining, MODEL_TRAINING_QUEUE } from "./model-training.ts";
import { consumeBiExports } from "./bi-export.ts"; // analytics (issue 11)
import { consumeReminders } from "./reminders.ts";
import { consumeDunningWakes, DUNNING_WAKES_QUEUE } from "./dunning-wakes.ts";
// Billing runs (issue 13): the submit's start message
import { consumeInvoiceBatches } from "./invoice-batches.ts";
import { INVOICE_BATCHES_QUEUE } from "../workers/billing/runs/start-message.ts";
// E-invoicing (issue 9): VERI*FACTU records to the AEAT
import { AEAT_SUBMISSION_QUEUE, consumeAeatSubmissions } from "./aeat-submission.ts";

export async function dispatchQueue(batch: MessageBatch<unknown>, env: Env, waitUntil?: WaitUntil): Promise<void> {
  return countBatch(batch, env, waitUntil, consume);
}

async function consume(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const logger = createLogger(env.LOG_LEVEL, { queue: batch.queue });
  if (batch.queue === "domain-events") return consumeDomainEvents(batch, env, logger);
  if (batch.queue === "erp-sync") return consumeErpSync(batch, env, logger);
  if (batch.queue === MODEL_TRAINING_QUEUE) return consumeModelTraining(batch, env, logger);
  if (batch.queue === "bi-export") return consumeBiExports(batch, env, logger); // analytics (issue 11)
  if (batch.queue === "reminders") return consumeReminders(batch, env, logger);
  if (batch.queue === DUNNING_WAKES_QUEUE) return consumeDunningWakes(batch, env, logger);
  if (batch.queue === AEAT_SUBMISSION_QUEUE) return consumeAeatSubmissions(batch, env, logger); // e-invoicing (issue 9)
  if (batch.queue === INVOICE_BATCHES_QUEUE) return consumeInvoiceBatches(batch, env, logger); // billing runs (issue 13)
  if (batch.queue.endsWith("-dlq")) return consumeDeadLetters(batch, env, logger);
  logger.warn("no consumer for queue yet; retrying", { messages: batch.messages.length });
  batch.retryAll({ delaySeconds: 60 });
}
