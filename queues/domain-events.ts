// Consumer of the domain-events queue: fans each event out to the subscribers registered for its
// type (workers/events/subscribers.ts). Each subscriber is isolated: its success is recorded in
// processed_events, so a redelivered event skips the subscribers that already handled it and
// only the failing one runs again. Messages are acked one by one; a failure retries that message
// with exponential backoff and jitter and, after max_retries, it lands in domain-events-dlq.
import type { Logger } from "../workers/observability/logger.ts";
import { database } from "../workers/db/client.ts";
import { franchiseDatabase } from "../workers/db/resolver.ts";
import { doneSubscribers, recordDelivery } from "../workers/db/processed-events.ts";
import { parseEnvelope, type EventEnvelope } from "../workers/events/envelope.ts";
import { subscribersFor, type DeliveredEvent } from "../workers/events/subscribers.ts";
import { retryDelaySeconds } from "../workers/domain/retry-backoff.ts";
import { recordDeadLetter } from "./dead-letter-sink.ts";

export async function consumeDomainEvents(batch: MessageBatch<unknown>, env: Env, logger: Logger): Promise<void> {
  for (const message of batch.messages) {
    const envelope = parseEnvelope(message.body);
    if (!envelope) {
      // No retry can fix a malformed body: keep it as a dead letter now.
      await recordDeadLetter(env, { queue: batch.queue, messageId: message.id, body: message.body, attempts: message.attempts, lastError: "not a domain event envelope" });
      message.ack();
      continue;
    }
    try {
      const failures = await deliver(env, await withPayload(env, envelope));
      if (failures.length === 0) {
        message.ack();
        continue;
      }
      logger.warn("domain event subscribers failed", { eventId: envelope.eventId, type: envelope.type, attempt: message.attempts, subscribers: failures.join(",") });
    } catch (error) {
      logger.warn("domain event delivery failed", { eventId: envelope.eventId, type: envelope.type, attempt: message.attempts, error: error instanceof Error ? error.message : String(error) });
    }
    message.retry({ delaySeconds: retryDelaySeconds(message.attempts, Math.random()) });
  }
}

/** Runs every subscriber that has not handled the event yet; returns the names that failed. */
async function deliver(env: Env, event: DeliveredEvent): Promise<string[]> {
  const db = database(franchiseDatabase(env, event.franchiseId));
  const pending = subscribersFor(event.type);
  if (pending.length === 0) return [];
  const done = await doneSubscribers(db, event.franchiseId, event.eventId);
  const failed: string[] = [];
  for (const subscriber of pending) {
    if (done.has(subscriber.name)) continue;
    let error: string | undefined;
    try {
      await subscriber.handle(event, env);
    } catch (e) {
      error = (e instanceof Error ? e.message : String(e)).slice(0, 1000);
      failed.push(subscriber.name);
    }
    await recordDelivery(db, event.franchiseId, subscriber.name, event.eventId, error === undefined ? {} : { error }, new Date().toISOString());
  }
  return failed;
}

/** Restores a payload the relay parked in R2 because it was too large for one message. */
async function withPayload(env: Env, envelope: EventEnvelope): Promise<DeliveredEvent> {
  if (!envelope.payloadRef) return envelope as DeliveredEvent;
  const object = await env.ARCHIVE.get(envelope.payloadRef.key);
  if (!object) throw new Error(`parked payload ${envelope.payloadRef.key} is missing`);
  const { payloadRef: _ref, ...rest } = envelope;
  return { ...rest, payload: JSON.parse(await object.text()) };
}
