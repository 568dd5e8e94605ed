// Consumer of the dunning-wakes queue: the daily sweep's "run this customer's dunning now"
// messages, a batch at a time (one bulk D1 read, the batch's CustomerDunning DOs woken in
// parallel; each DO puts its due sends on the reminders queue). A separate queue from the
// sends so a send never waits behind the rest of the day's wakes.
import { wakeCustomers } from "../workers/dunning/wake-customers.ts";
import { parseWakeMessage, type WakeMessage } from "../workers/dunning/wake-message.ts";
import { retryDelaySeconds } from "../workers/domain/retry-backoff.ts";
import type { Logger } from "../workers/observability/logger.ts";
import { recordDeadLetter } from "./dead-letter-sink.ts";

export const DUNNING_WAKES_QUEUE = "dunning-wakes";

/** Wakes the customers of `wakes` and acks each message, or retries it with backoff when its DO wake failed. */
export async function consumeWakes(wakes: ReadonlyArray<{ message: Message<unknown>; body: WakeMessage }>, env: Env, logger: Logger, now: Date): Promise<void> {
  if (wakes.length === 0) return;
  const { woken, enqueued, failed } = await wakeCustomers(env, wakes.map((w) => w.body), now, logger);
  // The bench and the ops logs count the day's stages from this line (one per batch).
  logger.info("dunning wakes", { woken, enqueued, failed: failed.length });
  const retry = new Set(failed);
  wakes.forEach((w, i) => (retry.has(i) ? w.message.retry({ delaySeconds: retryDelaySeconds(w.message.attempts, Math.random()) }) : w.message.ack()));
}

export async function consumeDunningWakes(batch: MessageBatch<unknown>, env: Env, logger: Logger, now: () => Date = () => new Date()): Promise<void> {
  const wakes: Array<{ message: Message<unknown>; body: WakeMessage }> = [];
  for (const message of batch.messages) {
    const body = parseWakeMessage(message.body);
    if (body) wakes.push({ message, body });
    else {
      await recordDeadLetter(env, { queue: batch.queue, messageId: message.id, body: message.body, attempts: message.attempts, lastError: "not a dunning wake message" });
      message.ack();
    }
  }
  await consumeWakes(wakes, env, logger, now());
}
