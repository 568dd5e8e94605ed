// Hourly: sign a checkpoint of every franchise's audit log that grew since its last one (the log
// returns its last checkpoint unchanged when nothing was appended), so the R2 copy and the
// witness never lag more than an hour behind.
import { directoryDatabase } from "../db/resolver.ts";
import type { Logger } from "../observability/logger.ts";
import { auditLog } from "./log-client.ts";
import { pushCheckpoint, retryFailedPushes } from "./witness.ts";

export const AUDIT_CHECKPOINT_CRON = "15 * * * *";

export async function checkpointAllLogs(env: Env, logger: Logger, now = new Date()): Promise<number> {
  const { results } = await directoryDatabase(env).prepare("SELECT id FROM franchises ORDER BY id").all<{ id: string }>();
  let signed = 0;
  for (const { id } of results) {
    try {
      const result = await auditLog(env, id).checkpoint(id, now.toISOString());
      if (!result.ok) logger.error("audit log refused to sign a checkpoint", { franchiseId: id, code: result.code });
      else if (result.value.createdAt === now.toISOString()) {
        signed++;
        await pushCheckpoint(env, id, result.value, now);
      }
      // The franchise's own witness: pushes that failed earlier get another attempt.
      await retryFailedPushes(env, id, (size) => auditLog(env, id).checkpointNote(size), now, logger);
    } catch (error) {
      // One franchise's failure must not stop the others.
      logger.error("audit checkpoint failed", { franchiseId: id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  logger.info("audit checkpoints signed", { signed, franchises: results.length });
  return signed;
}
