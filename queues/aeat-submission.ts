// Consumer of the aeat-submission queue (e-invoicing, issue 9). A message names one Spanish
// issuer of one franchise; a batch asks each issuer once, whatever the number of its messages
// (redeliveries and duplicates included: records are sent by chain position under a lease, so
// nothing is sent twice). Messages are acked and the issuer re-asked with its own delay (the
// AEAT's TiempoEsperaEnvio, or backoff with jitter after a failed send) as a new message, so
// waiting never uses up max_retries; an unexpected error retries the message, and after
// max_retries it lands in aeat-submission-dlq (kept in dead_letters).
import { AEAT_SUBMISSION_QUEUE, submitIssuer, type AeatSubmissionMessage } from "../workers/compliance/aeat-submission.ts";
import type { Logger } from "../workers/observability/logger.ts";
import { recordDeadLetter } from "./dead-letter-sink.ts";

export { AEAT_SUBMISSION_QUEUE };

/** Queues accept delays up to 12 hours. */
const MAX_DELAY_SECONDS = 43_200;

function parse(body: unknown): AeatSubmissionMessage | null {
  const b = body as Partial<AeatSubmissionMessage> | null;
  return b && typeof b.franchiseId === "string" && typeof b.nif === "string" ? { franchiseId: b.franchiseId, nif: b.nif } : null;
}

export async function consumeAeatSubmissions(batch: MessageBatch<unknown>, env: Env, logger: Logger): Promise<void> {
  const issuers = new Map<string, { body: AeatSubmissionMessage; messages: Message<unknown>[] }>();
  for (const message of batch.messages) {
    const body = parse(message.body);
    if (!body) {
      await recordDeadLetter(env, { queue: AEAT_SUBMISSION_QUEUE, messageId: message.id, body: message.body, attempts: message.attempts, lastError: "not an aeat-submission message" });
      message.ack();
      continue;
    }
    const key = `${body.franchiseId}/${body.nif}`;
    const entry = issuers.get(key) ?? { body, messages: [] };
    entry.messages.push(message);
    issuers.set(key, entry);
  }
  for (const { body, messages } of issuers.values()) {
    try {
      const result = await submitIssuer(env, body, Date.now(), Math.random);
      if (result.sent > 0) logger.info("verifactu records submitted", { nif: body.nif, records: result.sent });
      if (result.again !== null) await env.AEAT_SUBMISSION.send(body, { delaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, result.again)) });
      for (const m of messages) m.ack();
    } catch (error) {
      logger.error("verifactu submission failed", { nif: body.nif, error: error instanceof Error ? error.message : String(error) });
      for (const m of messages) m.retry({ delaySeconds: 90 });
    }
  }
}
