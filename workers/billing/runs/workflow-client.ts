// Starting and restarting a billing run's workflow instance. The instance id IS the run id, so
// starting a run twice (a redelivered start message, the sweeper racing a live instance) cannot create a
// second instance; and every step is idempotent, so a restart from the first step is harmless.

export interface BillingRunParams {
  runId: string;
  franchiseId: string;
}

/**
 * Creates the run's instance; an instance that already exists (a redelivered start message, the
 * sweeper first) is fine. Throws when the engine refused and no instance exists, so the caller retries.
 */
export async function ensureRunWorkflow(env: Env, params: BillingRunParams): Promise<"created" | "exists"> {
  try {
    await env.BILLING_RUN.create({ id: params.runId, params });
    return "created";
  } catch (error) {
    if (await instanceExists(env, params.runId)) return "exists";
    throw error;
  }
}

async function instanceExists(env: Env, id: string): Promise<boolean> {
  try {
    // A local engine answers "unknown" for an id it never started.
    return (await (await env.BILLING_RUN.get(id)).status()).status !== "unknown";
  } catch {
    return false;
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
