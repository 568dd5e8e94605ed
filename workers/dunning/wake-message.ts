// The other body on the `reminders` queue: "run this customer's dunning now". The daily sweep
// fans these out (instead of waking every DO itself inside one cron invocation) so the wakes
// are spread over many small consumer invocations that each read their customers in bulk.
export interface WakeMessage {
  kind: "wake";
  franchiseId: string;
  customerId: string;
}

export function parseWakeMessage(body: unknown): WakeMessage | undefined {
  if (body === null || typeof body !== "object") return undefined;
  const b = body as Record<string, unknown>;
  if (b.kind !== "wake" || typeof b.franchiseId !== "string" || typeof b.customerId !== "string") return undefined;
  return { kind: "wake", franchiseId: b.franchiseId, customerId: b.customerId };
}
