// Consumer of the invoice-batches queue: starts each submitted billing run's workflow. The
// instance id is the run id, so a redelivered message (or the sweeper racing it) cannot start a
// second instance: an instance that already exists counts as started. A start that fails for
// another reason retries with backoff, then lands in invoice-batches-dlq; the run stays `queued`
// and the billing-run sweeper (workers/billing/runs/sweep.ts) still starts it.
import { ensureRunWorkflow } from "../workers/billing/runs/workflow-client.ts";
import { parseStartRunMessage } from "../workers/billing/runs/start-message.ts";
import { retryDelaySeconds } from "../workers/domain/retry-backoff.ts";
import type { Logger } from "../workers/observability/logger.ts";

export async function consumeInvoiceBatches(batch: MessageBatch<unknown>, env: Env, logger: Logger): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      const body = parseStartRunMessage(message.body);
      if (!body) {
        logger.warn("invoice-batches message is not a billing run start; dropped", { messageId: message.id });
        message.ack();
        return;
      }
      try {
        const received = Date.now();
        const how = await ensureRunWorkflow(env, { runId: body.runId, franchiseId: body.franchiseId });
        // queuedMs: send -> delivery; createMs: how long the engine took to accept the instance.
        logger.info("billing run workflow started", { runId: body.runId, how, queuedMs: received - message.timestamp.getTime(), createMs: Date.now() - received });
        message.ack();
      } catch (error) {
        logger.warn("billing run workflow start failed; retrying", { runId: body.runId, attempt: message.attempts, error: error instanceof Error ? error.message : String(error) });
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts, Math.random(), 60) });
      }
    }),
  );
}
