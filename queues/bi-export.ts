// Consumer of the bi-export queue: one day's export per message (max_batch_size 1). A failure
// retries the message with backoff; after max_retries it lands in bi-export-dlq.
import type { Logger } from "../workers/observability/logger.ts";
import { runBiExport, type BiExportMessage } from "../workers/bi/export.ts";
import { retryDelaySeconds } from "../workers/domain/retry-backoff.ts";

const isMessage = (b: unknown): b is BiExportMessage =>
  typeof b === "object" && b !== null && typeof (b as BiExportMessage).exportId === "string" && typeof (b as BiExportMessage).franchiseId === "string" && /^\d{4}-\d{2}-\d{2}$/.test(String((b as BiExportMessage).date));

export async function consumeBiExports(batch: MessageBatch<unknown>, env: Env, logger: Logger): Promise<void> {
  for (const message of batch.messages) {
    if (!isMessage(message.body)) {
      logger.warn("bi-export: not an export message; dropped", { messageId: message.id });
      message.ack();
      continue;
    }
    try {
      await runBiExport(env, message.body);
      message.ack();
    } catch (error) {
      logger.warn("bi-export failed", { exportId: message.body.exportId, attempt: message.attempts, error: error instanceof Error ? error.message : String(error) });
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts, Math.random()) });
    }
  }
}
