// A billing run as a durable Cloudflare Workflow: plan, then one step per chunk of 100
// invoices, then finish. Each step's outcome is persisted by the engine, so a redelivered or
// resumed instance skips finished steps; and each step is idempotent on its own (see
// workers/billing/runs/chunk.ts), because a local restart re-runs an instance from the first
// step (docs/billing-runs.md). Progress lives in D1 (billing_runs), not in the instance.
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowStepConfig } from "cloudflare:workers";
import { billChunk, RUN_CHUNK_SIZE } from "./chunk.ts";
import { failRun, finishRun } from "./finish.ts";
import { planRun } from "./plan.ts";
import type { BillingRunParams } from "./workflow-client.ts";
import { getRun } from "../../db/billing-runs.ts";
import { database } from "../../db/client.ts";
import { franchiseDatabase } from "../../db/resolver.ts";
import { relayFranchise } from "../../../queues/outbox-relay.ts";
import { createLogger } from "../../observability/logger.ts";
import { countingEnv } from "../../observability/queue-counting.ts";

const CHUNK_RETRIES: WorkflowStepConfig = { retries: { limit: 5, delay: "1 second", backoff: "exponential" } };

export class BillingRunWorkflow extends WorkflowEntrypoint<Env, BillingRunParams> {
  async run(event: WorkflowEvent<BillingRunParams>, step: WorkflowStep): Promise<{ planned: number; issued: number; failed: number }> {
    const { runId, franchiseId } = event.payload;
    const db = database(franchiseDatabase(this.env, franchiseId));
    const logger = createLogger(this.env.LOG_LEVEL, { workflow: "billing-run", runId });
    try {
      const plan = await step.do("plan", CHUNK_RETRIES, () => planRun(db, franchiseId, runId, new Date()));
      const actor = (await getRun(db, franchiseId, runId))?.requestedBy ?? "system:billing-run";
      let issued = 0;
      let failed = 0;
      const chunks = Math.ceil(plan.planned / RUN_CHUNK_SIZE);
      for (let chunk = 0; chunk < chunks; chunk++) {
        const outcome = await step.do(`chunk-${chunk}`, CHUNK_RETRIES, () => billChunk(this.env, db, franchiseId, runId, chunk, new Date(), actor));
        issued += outcome.issued;
        failed += outcome.failed;
      }
      const status = await step.do("finish", CHUNK_RETRIES, () => finishRun(db, franchiseId, runId, new Date()));
      if (status !== "done") throw new Error("items are still planned after every chunk ran");
      // The fast path of the event pipeline, like a write request's, once the invoices are out (not
      // per chunk: relaying must not hold up numbering). The per-minute sweep relays the rest.
      if (issued > 0) await relayFranchise(countingEnv(this.env), franchiseId, logger, { budgetMs: 5_000 }).catch(() => undefined);
      return { planned: plan.planned, issued, failed };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      logger.error("billing run failed", { error: reason });
      await step.do("fail", () => failRun(db, franchiseId, runId, new Date(), reason));
      throw error;
    }
  }
}
