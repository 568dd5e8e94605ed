// The body of an `invoice-batches` queue message: start (or confirm) one billing run's workflow.
// The submit route only records the run and sends this, so its 202 never waits on the engine.
export const INVOICE_BATCHES_QUEUE = "invoice-batches";

export interface StartRunMessage {
  kind: "billing_run.start";
  runId: string;
  franchiseId: string;
}

export function startRunMessage(runId: string, franchiseId: string): StartRunMessage {
  return { kind: "billing_run.start", runId, franchiseId };
}

export function parseStartRunMessage(body: unknown): StartRunMessage | undefined {
  if (body === null || typeof body !== "object") return undefined;
  const b = body as Record<string, unknown>;
  if (b.kind !== "billing_run.start" || typeof b.runId !== "string" || typeof b.franchiseId !== "string") return undefined;
  return b as unknown as StartRunMessage;
}
