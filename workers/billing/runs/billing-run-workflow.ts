// A billing run as a durable Cloudflare Workflow: plan, read the run's reference data once, then
// one step per chunk of RUN_CHUNK_SIZE invoices (two in flight: a chunk reads and prices while the
// previous one is written; numbering still follows chunk order), then finish. Each step's outcome is persisted by the engine, so a redelivered or
// resumed instance skips finished steps; and each step is idempotent on its own (see
// workers/billing/runs/chunk.ts), because a local restart re-runs an instance from the first
// step (docs/billing-runs.md). Progress lives in D1 (billing_runs), not in the instance.
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowStepConfig } from "cloudflare:workers";
import { billChunk, RUN_CHUNK_SIZE, type ChunkOutcome } from "./chunk.ts";
import { failRun, finishRun } from "./finish.ts";
import { planRun } from "./plan.ts";
import { loadRunContext } from "./run-context.ts";
import type { BillingRunParams } from "./workflow-client.ts";
import { database } from "../../db/client.ts";
import { franchiseDatabase } from "../../db/resolver.ts";
import { relayFranchise } from "../../../queues/outbox-relay.ts";
import { createLogger } from "../../observability/logger.ts";
import { countingEnv } from "../../observability/queue-counting.ts";

const CHUNK_RETRIES: WorkflowStepConfig = { retries: { limit: 5, delay: "1 second", backoff: "exponential" } };
/** Chunks whose steps run at once. The DO serializes the writes; the second one's reads overlap them. */
const CHUNKS_IN_FLIGHT = 2;

export class BillingRunWorkflow extends WorkflowEntrypoint<Env, BillingRunParams> {
  async run(event: WorkflowEvent<BillingRunParams>, step: WorkflowStep): Promise<{ planned: number; issued: number; failed: number }> {
    const { runId, franchiseId } = event.payload;
    const db = database(franchiseDatabase(this.env, franchiseId));
    const logger = createLogger(this.env.LOG_LEVEL, { workflow: "billing-run", runId });
    try {
      const plan = await step.do("plan", CHUNK_RETRIES, () => planRun(db, franchiseId, runId, new Date()));
      const context = await step.do("context", CHUNK_RETRIES, () => loadRunContext(db, franchiseId, runId));
      const actor = context?.actor ?? "system:billing-run";
      let issued = 0;
      let failed = 0;
      const chunks = Math.ceil(plan.planned / RUN_CHUNK_SIZE);
      const inFlight: Array<Promise<ChunkOutcome>> = [];
      let previous: Promise<unknown> = Promise.resolve();
      for (let chunk = 0; chunk < chunks; chunk++) {
        const turn = previous;
        const outcome = step.do(`chunk-${chunk}`, CHUNK_RETRIES, () => billChunk(this.env, db, franchiseId, runId, chunk, new Date(), actor, { context, turn }));
        outcome.catch(() => undefined); // observed below; this keeps a failure from being "unhandled" meanwhile
        previous = outcome;
        inFlight.push(outcome);
        if (inFlight.length >= CHUNKS_IN_FLIGHT) {
          const done = await inFlight.shift()!;
          issued += done.issued;
          failed += done.failed;
        }
      }
      for (const done of await Promise.all(inFlight)) {
        issued += done.issued;
        failed += done.failed;
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
