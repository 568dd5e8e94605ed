// The restart sweeper for billing runs. Under `wrangler dev` an instance that was running when
// the server stopped never resumes (toolchain addendum, "Workflows under wrangler dev"); in
// production the engine resumes it. Either way the run's progress lives in D1, so a run whose
// row has not moved for STALL_MS is restarted from its first step, which is safe because every
// step is idempotent (planned items only, billing keys as primary keys).
import { staleRuns } from "../../db/billing-runs.ts";
import { database } from "../../db/client.ts";
import { tenantDatabases } from "../../db/resolver.ts";
import type { Logger } from "../../observability/logger.ts";
import { restartRunWorkflow } from "./workflow-client.ts";

/** Runs every minute with the outbox sweep (workers/index.ts scheduled()). */
export const BILLING_RUN_SWEEP_CRON = "* * * * *";
/** A chunk takes well under a second; five minutes without progress means the instance is gone. */
export const STALL_MS = 5 * 60_000;

export async function restartStalledRuns(env: Env, logger: Logger, now: Date = new Date()): Promise<number> {
  let restarted = 0;
  for (const d1 of tenantDatabases(env)) {
    const runs = await staleRuns(database(d1), new Date(now.getTime() - STALL_MS).toISOString(), 20);
    for (const run of runs) {
      try {
        const how = await restartRunWorkflow(env, { runId: run.id, franchiseId: run.franchiseId });
        restarted++;
        logger.warn("billing run stalled; workflow restarted", { runId: run.id, status: run.status, updatedAt: run.updatedAt, how });
      } catch (error) {
        logger.error("billing run restart failed", { runId: run.id, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  return restarted;
}
