// The body of a `reminders` queue message: one planned send, named by its idempotency key
// (customer + step + local date). The consumer re-checks it against fresh state before sending.
export interface ReminderMessage {
  kind: "send";
  franchiseId: string;
  customerId: string;
  key: string;
  stepId: string;
  localDate: string;
  cadenceId: string;
  cadenceVersion: number;
}

export function parseReminderMessage(body: unknown): ReminderMessage | undefined {
  if (body === null || typeof body !== "object") return undefined;
  const b = body as Record<string, unknown>;
  const strings = ["franchiseId", "customerId", "key", "stepId", "localDate", "cadenceId"];
  if (b.kind !== "send" || !strings.every((k) => typeof b[k] === "string") || typeof b.cadenceVersion !== "number") return undefined;
  return b as unknown as ReminderMessage;
}
