// A subscriber that reads an event's payload first checks it carries the aggregate it expects:
// an envelope without it (a probe, a hand-made replay, a foreign producer) can never be applied,
// so retrying it until the dead-letter queue would only hide the real failures.
import type { DeliveredEvent } from "./subscribers.ts";

/** True when the payload is an object whose `key` is present and not null. */
export function payloadCarries(event: DeliveredEvent, key: string): boolean {
  const payload = event.payload;
  return typeof payload === "object" && payload !== null && (payload as Record<string, unknown>)[key] != null;
}
