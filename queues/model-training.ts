// Consumer of the model-training queue: one message = retrain one franchise's forecasting and
// risk models (workers/billing/forecast-training.ts). Acked one by one; a failure retries with
// exponential backoff and jitter and ends in model-training-dlq after max_retries.
import { billingContext } from "../workers/billing/context.ts";
import { trainFranchiseModels } from "../workers/billing/forecast-training.ts";
import { systemClock } from "../workers/domain/clock.ts";
import { retryDelaySeconds } from "../workers/domain/retry-backoff.ts";
import type { Logger } from "../workers/observability/logger.ts";

export const MODEL_TRAINING_QUEUE = "model-training";

export interface ModelTrainingMessage {
  franchiseId: string;
  requestedBy: string;
  requestedAt: string;
  /** Why the cron asked (workers/forecast/retrain-cron.ts); absent for a manual retrain. */
  reason?: string;
}

function isMessage(body: unknown): body is ModelTrainingMessage {
  return typeof body === "object" && body !== null && typeof (body as ModelTrainingMessage).franchiseId === "string";
}

export async function consumeModelTraining(batch: MessageBatch<unknown>, env: Env, logger: Logger): Promise<void> {
  for (const message of batch.messages) {
    if (!isMessage(message.body)) {
      logger.warn("model-training message without a franchiseId; dropped", { messageId: message.id });
      message.ack();
      continue;
    }
    try {
      // The run records who asked (an API key, a staff user or the retraining cron).
      const actor = /^(api_key|staff|system):[A-Za-z0-9_-]+$/.test(message.body.requestedBy ?? "") ? message.body.requestedBy : "system:model-training";
      const ctx = billingContext(env, message.body.franchiseId, systemClock, actor);
      const run = await trainFranchiseModels(ctx);
      logger.info("models retrained", { franchiseId: message.body.franchiseId, runId: run.runId, invoices: run.invoices, customers: run.customersScored, highRiskIn: run.dunningSegments.enter.length, highRiskOut: run.dunningSegments.leave.length });
      message.ack();
    } catch (error) {
      logger.warn("model training failed", {
        franchiseId: message.body.franchiseId,
        attempt: message.attempts,
        error: error instanceof Error ? error.message : String(error),
      });
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts, Math.random()) });
    }
  }
}
