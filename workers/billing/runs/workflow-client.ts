// Starting and restarting a billing run's workflow instance. The instance id IS the run id, so
// starting a run twice (a retried submit, the sweeper racing a live instance) cannot create a
// second instance; and every step is idempotent, so a restart from the first step is harmless.
import { createLogger } from "../../observability/logger.ts";

export interface BillingRunParams {
  runId: string;
  franchiseId: string;
}

export async function startRunWorkflow(env: Env, params: BillingRunParams): Promise<void> {
  try {
    await env.BILLING_RUN.create({ id: params.runId, params });
  } catch (error) {
    // Already started (or the engine is briefly unavailable): the sweeper restarts runs that stall.
    createLogger(env.LOG_LEVEL, { runId: params.runId }).warn("billing run workflow not created", { error: error instanceof Error ? error.message : String(error) });
  }
}

/** Restarts an instance whose progress stopped moving (e.g. a local dev server was restarted), or creates it if it never started. */
export async function restartRunWorkflow(env: Env, params: BillingRunParams): Promise<"restarted" | "created"> {
  let instance: WorkflowInstance | null = null;
  try {
    instance = await env.BILLING_RUN.get(params.runId);
    // A local engine answers "unknown" for an id it never started.
    if ((await instance.status()).status === "unknown") instance = null;
  } catch {
    instance = null; // no such instance: the submit's create never happened
  }
  if (instance) {
    await instance.restart();
    return "restarted";
  }
  await env.BILLING_RUN.create({ id: params.runId, params });
  return "created";
}
