// Writes a dead letter. Called by the consumer of every "<queue>-dlq" queue, and by a consumer
// that knows at once that no retry can help (a malformed body).
import { canonicalJson } from "../workers/domain/canonical-json.ts";
import { database } from "../workers/db/client.ts";
import { insertDeadLetter } from "../workers/db/dead-letters.ts";
import { newId } from "../workers/db/ids.ts";
import { failureOf } from "../workers/db/processed-events.ts";
import { directoryDatabase, franchiseDatabase } from "../workers/db/resolver.ts";
import type { Logger } from "../workers/observability/logger.ts";
import { tallyOf } from "../workers/observability/batch-tally.ts";

export interface DeadLetterInput {
  /** The queue the message was meant for. */
  queue: string;
  messageId: string;
  body: unknown;
  attempts: number;
  lastError: string | null;
}

const FRANCHISE_ID = /^fr_[0-9a-z]{26}$/;

function franchiseOf(body: unknown): string | null {
  const id = typeof body === "object" && body !== null ? (body as { franchiseId?: unknown }).franchiseId : undefined;
  return typeof id === "string" && FRANCHISE_ID.test(id) ? id : null;
}

function canonicalBody(body: unknown): string {
  try {
    return canonicalJson(body);
  } catch {
    return JSON.stringify(String(body));
  }
}

export async function recordDeadLetter(env: Env, input: DeadLetterInput): Promise<void> {
  const franchiseId = franchiseOf(input.body);
  const db = database(franchiseId ? franchiseDatabase(env, franchiseId) : directoryDatabase(env));
  await insertDeadLetter(db, {
    id: newId("dlq"),
    franchiseId,
    queue: input.queue,
    messageId: input.messageId,
    body: canonicalBody(input.body),
    attempts: input.attempts,
    lastError: input.lastError,
    createdAt: new Date().toISOString(),
    replayedAt: null,
  });
  tallyOf(env)?.deadLetter(input.queue); // per-queue metrics: counted with the batch being consumed
}

/** Consumer of any "<queue>-dlq": one dead_letters row per message, then ack. */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env, logger: Logger): Promise<void> {
  const queue = batch.queue.replace(/-dlq$/, "");
  for (const message of batch.messages) {
    try {
      const failure = await failureReported(env, queue, message.body);
      await recordDeadLetter(env, { queue, messageId: message.id, body: message.body, attempts: failure?.attempts ?? message.attempts, lastError: failure?.lastError ?? null });
      logger.error("message dead-lettered", { queue, messageId: message.id, attempts: message.attempts });
      message.ack();
    } catch (error) {
      logger.error("could not record a dead letter", { queue, messageId: message.id, error: error instanceof Error ? error.message : String(error) });
      message.retry({ delaySeconds: 30 });
    }
  }
}

/**
 * What the main consumer recorded about this message where it keeps such a record (its own
 * attempt count: the DLQ delivery counts its attempts afresh).
 */
async function failureReported(env: Env, queue: string, body: unknown): Promise<{ lastError: string; attempts: number } | null> {
  const franchiseId = franchiseOf(body);
  const eventId = (body as { eventId?: unknown } | null)?.eventId;
  if (queue !== "domain-events" || !franchiseId || typeof eventId !== "string") return null;
  return failureOf(database(franchiseDatabase(env, franchiseId)), franchiseId, eventId);
}
