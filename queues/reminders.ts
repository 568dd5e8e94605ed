// Consumer of the reminders queue: re-checks each planned send against fresh state (a payment,
// dispute or opt-out since it was planned cancels it, recorded with the reason), sends through
// the channel's provider, and records the outcome. Idempotent on customer + step + date: a
// redelivered message finds the "sent" record and does nothing. A permanent failure marks the
// channel unreachable and falls through to the step's next channel; a transient one retries
// with exponential backoff (after max_retries the message lands in reminders-dlq).
import { inputsFromSnapshot, loadDunningInputs, loadDunningSnapshots } from "../workers/billing/dunning/customer-state.ts";
import { contentHash } from "../workers/billing/dunning/records.ts";
import { runBatch } from "../workers/db/batch.ts";
import { database } from "../workers/db/client.ts";
import { communicationInsert, markUnreachable, sentKeys, wasSent } from "../workers/db/dunning.ts";
import type { DunningSnapshot } from "../workers/db/dunning-snapshot.ts";
import { franchiseDatabase } from "../workers/db/resolver.ts";
import { plan } from "../workers/domain/dunning/planner.ts";
import { retryDelaySeconds } from "../workers/domain/retry-backoff.ts";
import { DUNNING_ACTOR } from "../workers/dunning/wake.ts";
import { parseReminderMessage, type ReminderMessage } from "../workers/dunning/reminder-message.ts";
import { parseWakeMessage, type WakeMessage } from "../workers/dunning/wake-message.ts";
import { senderFor, twilioStatusCallbackUrl, unsubscribeKey } from "../workers/integrations/messaging/senders.ts";
import { signUnsubscribe } from "../workers/integrations/messaging/signatures.ts";
import type { Logger } from "../workers/observability/logger.ts";
import { noteOutcome } from "../workers/observability/batch-tally.ts";
import { recordDeadLetter } from "./dead-letter-sink.ts";
import { consumeWakes } from "./dunning-wakes.ts";

export type ReminderResult = { kind: "sent" | "duplicate" | "suppressed"; detail?: string } | { kind: "retry"; delaySeconds: number; error: string };

/** Customers of a batch handled at once; one customer's messages stay in order (the cap and gap re-check sees the previous send). */
const CUSTOMER_CONCURRENCY = 100;

/** Read in bulk for a whole batch: whether the send was already recorded, and the customer's inputs. */
export interface Preloaded {
  alreadySent: boolean;
  snapshot: DunningSnapshot | undefined;
}

export async function consumeReminders(batch: MessageBatch<unknown>, env: Env, logger: Logger, now: () => Date = () => new Date()): Promise<void> {
  // Each send waits on D1 and a provider: sequentially, a 50-message batch took 50 round trips
  // back to back. Different customers are independent, so they go in parallel; and the batch's
  // "already sent?" checks and customer inputs are read in a few chunked queries, not 2 per message.
  const wakes: Array<{ message: Message<unknown>; body: WakeMessage }> = [];
  const sends: Array<Message<unknown>> = [];
  for (const message of batch.messages) {
    const wake = parseWakeMessage(message.body);
    if (wake) wakes.push({ message, body: wake });
    else sends.push(message);
  }
  // Wakes now have their own queue (dunning-wakes); one still arrives here when it was queued
  // before that, or replayed from reminders-dlq (where the wake queue's dead letters also go).
  await consumeWakes(wakes, env, logger, now());
  const byCustomer = new Map<string, Array<Message<unknown>>>();
  for (const message of sends) {
    const body = parseReminderMessage(message.body);
    const customer = body ? `${body.franchiseId}:${body.customerId}` : "";
    byCustomer.set(customer, [...(byCustomer.get(customer) ?? []), message]);
  }
  const preloaded = await preload(env, sends, now(), logger);
  const groups = [...byCustomer.values()];
  for (let i = 0; i < groups.length; i += CUSTOMER_CONCURRENCY) {
    await Promise.all(groups.slice(i, i + CUSTOMER_CONCURRENCY).map((messages) => consumeInOrder(messages, batch.queue, env, logger, now, preloaded)));
  }
}

/** Bulk reads for the batch, keyed by message id; a failed read just leaves the per-message path. */
async function preload(env: Env, messages: ReadonlyArray<Message<unknown>>, now: Date, logger: Logger): Promise<Map<string, Preloaded>> {
  const out = new Map<string, Preloaded>();
  const byFranchise = new Map<string, Array<{ id: string; body: ReminderMessage }>>();
  for (const message of messages) {
    const body = parseReminderMessage(message.body);
    if (body) byFranchise.set(body.franchiseId, [...(byFranchise.get(body.franchiseId) ?? []), { id: message.id, body }]);
  }
  for (const [franchiseId, items] of byFranchise) {
    try {
      const db = database(franchiseDatabase(env, franchiseId));
      const sent = await sentKeys(db, franchiseId, items.map((x) => x.body.key));
      const snapshots = await loadDunningSnapshots(db, franchiseId, items.map((x) => x.body.customerId), now);
      for (const x of items) out.set(x.id, { alreadySent: sent.has(x.body.key), snapshot: snapshots.get(x.body.customerId) });
    } catch (error) {
      logger.warn("reminder batch preload failed", { franchiseId, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return out;
}

async function consumeInOrder(messages: Array<Message<unknown>>, queue: string, env: Env, logger: Logger, now: () => Date, preloaded: Map<string, Preloaded>): Promise<void> {
  for (const [i, message] of messages.entries()) {
    const body = parseReminderMessage(message.body);
    if (!body) {
      await recordDeadLetter(env, { queue, messageId: message.id, body: message.body, attempts: message.attempts, lastError: "not a reminder message" });
      message.ack();
      continue;
    }
    try {
      // Only a customer's first message may use the bulk read: the next one must see this send.
      const result = await deliverReminder(env, body, now(), message.attempts, i === 0 ? preloaded.get(message.id) : undefined);
      if (result.kind === "retry") {
        logger.warn("reminder send will be retried", { key: body.key, attempt: message.attempts, error: result.error });
        message.retry({ delaySeconds: result.delaySeconds });
      } else {
        if (result.kind === "sent") noteOutcome(env, body.franchiseId, "dunningSends"); // ops metrics: a send a provider accepted
        message.ack();
      }
    } catch (error) {
      logger.warn("reminder failed", { key: body.key, attempt: message.attempts, error: error instanceof Error ? error.message : String(error) });
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts, Math.random()) });
    }
  }
}

/**
 * One planned send, at `now`. Exposed for the simulated-clock tests and the bench. `preloaded`:
 * the batch's bulk read of this message's state (fresh: read at the start of this delivery).
 */
export async function deliverReminder(env: Env, m: ReminderMessage, now: Date, attempts = 1, preloaded?: Preloaded): Promise<ReminderResult> {
  const db = database(franchiseDatabase(env, m.franchiseId));
  if (preloaded ? preloaded.alreadySent : await wasSent(db, m.franchiseId, m.key)) return { kind: "duplicate" };
  const nowIso = now.toISOString();
  const pinned = { cadenceId: m.cadenceId, version: m.cadenceVersion };
  // At most one fall-through per channel of the step; a fall-through re-reads (the channel is now unreachable).
  for (let hop = 0; hop < 3; hop++) {
    const inputs = hop === 0 && preloaded?.snapshot ? await inputsFromSnapshot(db, m.franchiseId, m.customerId, preloaded.snapshot, { pinned }) : await loadDunningInputs(db, m.franchiseId, m.customerId, now, { pinned });
    if (!inputs?.cadence) return { kind: "suppressed", detail: "no cadence" };
    const day = plan(inputs.state, inputs.cadence, inputs.calendar, m.localDate, m.localDate, inputs.buckets).messages.filter((x) => x.stepId === m.stepId);
    const send = day.find((x) => x.status === "send");
    if (!send) {
      const why = day.find((x) => x.status === "suppressed");
      // Not owed any more (paid, credited, disputed...): the planned send is cancelled, with its reason.
      await runBatch(db, [
        communicationInsert(db, m.franchiseId, { customerId: m.customerId, kind: "suppressed", channel: why?.channel ?? null, stepId: m.stepId, cadenceId: m.cadenceId, cadenceVersion: m.cadenceVersion, invoiceIds: why?.invoiceIds ?? [], reason: why?.reason ?? "invoice_paid", idempotencyKey: `${m.key}:at-send`, actor: DUNNING_ACTOR, occurredAt: nowIso }),
      ]);
      return { kind: "suppressed", detail: why?.reason ?? "invoice_paid" };
    }
    const signingKey = send.channel === "email" ? unsubscribeKey(env) : null;
    const unsubscribeUrl = signingKey ? `${env.PUBLIC_BASE_URL}/unsubscribe/email?token=${await signUnsubscribe(signingKey, { franchiseId: m.franchiseId, customerId: m.customerId, channel: "email" })}` : undefined;
    // Twilio posts this message's delivery statuses to our signed webhook (absolute, public URL).
    const statusCallbackUrl = send.channel === "sms" ? twilioStatusCallbackUrl(env) : undefined;
    const outcome = await senderFor(env, send.channel).send({ to: send.address ?? "", subject: send.subject, body: send.body ?? "", idempotencyKey: `${m.key}:${send.channel}`, unsubscribeUrl, statusCallbackUrl });
    const record = { customerId: m.customerId, channel: send.channel, stepId: m.stepId, cadenceId: m.cadenceId, cadenceVersion: m.cadenceVersion, invoiceIds: send.invoiceIds, address: send.address ?? null, subject: send.subject ?? null, body: send.body ?? null, contentHash: await contentHash(`${send.subject ?? ""}\n${send.body ?? ""}`), actor: DUNNING_ACTOR, occurredAt: nowIso };
    if (outcome.kind === "sent") {
      await runBatch(db, [communicationInsert(db, m.franchiseId, { ...record, kind: "sent", providerMessageId: outcome.providerMessageId, idempotencyKey: m.key })]);
      return { kind: "sent", detail: send.channel };
    }
    await runBatch(db, [
      communicationInsert(db, m.franchiseId, { ...record, kind: "failed", reason: `${outcome.kind}: ${outcome.error}` }),
      ...(outcome.kind === "permanent" ? [markUnreachable(db, m.franchiseId, m.customerId, send.channel, nowIso)] : []),
    ]);
    if (outcome.kind === "retry") return { kind: "retry", delaySeconds: outcome.retryAfterSeconds ?? retryDelaySeconds(attempts, Math.random()), error: outcome.error };
  }
  return { kind: "suppressed", detail: "no reachable channel" };
}
