// The subscribers of the domain-events queue. Each has a stable name (its processed_events key:
// renaming one makes it see every event again) and the event types it wants. A capability
// plugs in with one `registerSubscriber` call in a module workers/index.ts imports; tests register
// their own and remove them afterwards.
import type { DomainEventType } from "../db/outbox.ts";
import type { EventEnvelope } from "./envelope.ts";

/** An envelope whose payload has been restored (never a payloadRef). */
export type DeliveredEvent = EventEnvelope & { payload: unknown };

export interface Subscriber {
  name: string;
  /** Event types it handles, or "*" for all. */
  types: readonly DomainEventType[] | "*";
  /** Must be idempotent per event id; throwing retries this subscriber alone. */
  handle(event: DeliveredEvent, env: Env): Promise<void>;
  /**
   * Optional: handles several events of one franchise at once, in the order given (a queue
   * batch's order), so per-event costs (reads, queue sends) are paid once per batch. All or
   * nothing from the pipeline's view: if it throws, each event is handled again alone with
   * `handle`, so only the events that really fail are retried.
   */
  handleBatch?(events: DeliveredEvent[], env: Env): Promise<void>;
}

const registry = new Map<string, Subscriber>();

export function registerSubscriber(subscriber: Subscriber): () => void {
  if (registry.has(subscriber.name)) throw new Error(`subscriber ${subscriber.name} is already registered`);
  registry.set(subscriber.name, subscriber);
  return () => void registry.delete(subscriber.name);
}

export function subscribersFor(type: string): Subscriber[] {
  return [...registry.values()].filter((s) => s.types === "*" || (s.types as readonly string[]).includes(type));
}
