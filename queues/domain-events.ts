// Consumer of the domain-events queue: fans each event out to the subscribers registered for its
// type (workers/events/subscribers.ts). Each subscriber is isolated: its success is recorded in
// processed_events, so a redelivered event skips the subscribers that already handled it and
// only the failing one runs again. A failure retries that message with exponential backoff and
// jitter and, after max_retries, it lands in domain-events-dlq.
//
// A batch is delivered per franchise, and per subscriber rather than per event: one read of
// processed_events for all its events, the subscribers running side by side (each one still
// sees its events one after another, in the batch's order; none depends on another's work),
// a subscriber with `handleBatch` getting all its events in one call, and every outcome written
// in one D1 batch. Done serially per event, the same work cost about five D1 round trips and a
// queue send per event, which starved the erp-sync queue (bench/erp.bench.ts).
import type { Logger } from "../workers/observability/logger.ts";
import { database, type Db } from "../workers/db/client.ts";
import { runBatch } from "../workers/db/batch.ts";
import { franchiseDatabase } from "../workers/db/resolver.ts";
import { deliveryStatement, doneSubscribersOf } from "../workers/db/processed-events.ts";
import { parseEnvelope, type EventEnvelope } from "../workers/events/envelope.ts";
import { subscribersFor, type DeliveredEvent, type Subscriber } from "../workers/events/subscribers.ts";
import { retryDelaySeconds } from "../workers/domain/retry-backoff.ts";
import { recordDeadLetter } from "./dead-letter-sink.ts";

interface Item {
  message: Message<unknown>;
  event: DeliveredEvent;
}

interface Outcome {
  item: Item;
  subscriber: string;
  error?: string;
}

/** Delivery outcomes per D1 batch: well within a batch's limits, each statement binding 8 parameters. */
const DELIVERIES_PER_BATCH = 100;

export async function consumeDomainEvents(batch: MessageBatch<unknown>, env: Env, logger: Logger): Promise<void> {
  const parsed: Array<{ message: Message<unknown>; envelope: EventEnvelope }> = [];
  for (const message of batch.messages) {
    const envelope = parseEnvelope(message.body);
    if (!envelope) {
      // No retry can fix a malformed body: keep it as a dead letter now.
      await recordDeadLetter(env, { queue: batch.queue, messageId: message.id, body: message.body, attempts: message.attempts, lastError: "not a domain event envelope" });
      message.ack();
      continue;
    }
    parsed.push({ message, envelope });
  }
  const items: Item[] = [];
  await Promise.all(
    parsed.map(async ({ message, envelope }, index) => {
      try {
        items[index] = { message, event: await withPayload(env, envelope) };
      } catch (error) {
        logger.warn("domain event delivery failed", { eventId: envelope.eventId, type: envelope.type, attempt: message.attempts, error: errorText(error) });
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts, Math.random()) });
      }
    }),
  );
  // Per franchise (its processed_events live in its database), batch order kept within each.
  const byFranchise = new Map<string, Item[]>();
  for (const item of items) {
    if (!item) continue;
    const group = byFranchise.get(item.event.franchiseId);
    if (group) group.push(item);
    else byFranchise.set(item.event.franchiseId, [item]);
  }
  await Promise.all([...byFranchise.values()].map((group) => deliverFranchise(env, group, logger)));
}

/** Delivers one franchise's events of the batch and acks or retries each message. */
async function deliverFranchise(env: Env, items: Item[], logger: Logger): Promise<void> {
  const franchiseId = items[0]!.event.franchiseId;
  const db = database(franchiseDatabase(env, franchiseId));
  let outcomes: Outcome[];
  try {
    outcomes = await runSubscribers(db, env, franchiseId, items, logger);
    const now = new Date().toISOString();
    const statements = outcomes.map((o) => deliveryStatement(db, franchiseId, o.subscriber, o.item.event.eventId, o.error === undefined ? {} : { error: o.error }, now));
    for (let i = 0; i < statements.length; i += DELIVERIES_PER_BATCH) await runBatch(db, statements.slice(i, i + DELIVERIES_PER_BATCH));
  } catch (error) {
    // Reading or recording the deliveries failed: every message retries; subscribers are
    // idempotent per event, and the ones recorded done are skipped next time.
    for (const { message, event } of items) {
      logger.warn("domain event delivery failed", { eventId: event.eventId, type: event.type, attempt: message.attempts, error: errorText(error) });
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts, Math.random()) });
    }
    return;
  }
  const failedBy = new Map<Item, string[]>();
  for (const o of outcomes) if (o.error !== undefined) failedBy.set(o.item, [...(failedBy.get(o.item) ?? []), o.subscriber]);
  for (const item of items) {
    const failed = failedBy.get(item);
    if (!failed) {
      item.message.ack();
      continue;
    }
    logger.warn("domain event subscribers failed", { eventId: item.event.eventId, type: item.event.type, attempt: item.message.attempts, subscribers: failed.join(",") });
    item.message.retry({ delaySeconds: retryDelaySeconds(item.message.attempts, Math.random()) });
  }
}

/** Runs each subscriber over the events it has not handled yet, the subscribers concurrently. */
async function runSubscribers(db: Db, env: Env, franchiseId: string, items: Item[], logger: Logger): Promise<Outcome[]> {
  const done = await doneSubscribersOf(db, franchiseId, items.map((i) => i.event.eventId));
  const work = new Map<Subscriber, Item[]>();
  for (const item of items) {
    for (const subscriber of subscribersFor(item.event.type)) {
      if (done.get(item.event.eventId)?.has(subscriber.name)) continue;
      const list = work.get(subscriber);
      if (list) list.push(item);
      else work.set(subscriber, [item]);
    }
  }
  const took: string[] = [];
  const results = await Promise.all(
    [...work].map(async ([subscriber, list]) => {
      const t0 = Date.now();
      const outcomes = await runSubscriber(env, subscriber, list, logger);
      took.push(`${subscriber.name}:${list.length}/${Date.now() - t0}ms`);
      return outcomes;
    }),
  );
  // Which subscriber holds a batch back (the batch is acked when its slowest one is done).
  logger.debug("domain events delivered", { franchiseId, events: items.length, subscribers: took.join(",") });
  return results.flat();
}

/** One subscriber over its events, in order: all at once if it can, else (or if that threw) one by one. */
async function runSubscriber(env: Env, subscriber: Subscriber, items: Item[], logger: Logger): Promise<Outcome[]> {
  if (subscriber.handleBatch && items.length > 1) {
    try {
      await subscriber.handleBatch(items.map((i) => i.event), env);
      return items.map((item) => ({ item, subscriber: subscriber.name }));
    } catch (error) {
      // Which event broke it is unknown: each is tried alone, so only the ones that fail retry.
      logger.warn("domain event subscriber batch failed; handling its events one by one", { subscriber: subscriber.name, events: items.length, error: errorText(error) });
    }
  }
  const outcomes: Outcome[] = [];
  for (const item of items) {
    try {
      await subscriber.handle(item.event, env);
      outcomes.push({ item, subscriber: subscriber.name });
    } catch (error) {
      outcomes.push({ item, subscriber: subscriber.name, error: errorText(error).slice(0, 1000) });
    }
  }
  return outcomes;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Restores a payload the relay parked in R2 because it was too large for one message. */
async function withPayload(env: Env, envelope: EventEnvelope): Promise<DeliveredEvent> {
  if (!envelope.payloadRef) return envelope as DeliveredEvent;
  const object = await env.ARCHIVE.get(envelope.payloadRef.key);
  if (!object) throw new Error(`parked payload ${envelope.payloadRef.key} is missing`);
  const { payloadRef: _ref, ...rest } = envelope;
  return { ...rest, payload: JSON.parse(await object.text()) };
}
