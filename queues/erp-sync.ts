// Consumer of the erp-sync queue. Each message names one sync record; a batch is grouped by
// connection, its records claimed (so a redelivered message never sends a record twice at once)
// and synced together (Xero takes documents in batches). Messages are acked one by one: a record
// to retry later is re-sent with its own delay (backoff with jitter, Retry-After, or the next
// daily window) as a new message, so rate-limit waits never use up the queue's max_retries; a
// record out of attempts is kept as a dead letter and shown as failed.
import { database } from "../workers/db/client.ts";
import { claimSyncRecords, getConnection } from "../workers/db/erp.ts";
import { franchiseDatabase } from "../workers/db/resolver.ts";
import type { ErpSyncMessage } from "../workers/integrations/erp/subscriber.ts";
import { connectorFor, type RecordOutcome } from "../workers/integrations/erp/connectors.ts";
import type { Logger } from "../workers/observability/logger.ts";
import { noteOutcome } from "../workers/observability/batch-tally.ts";
import { recordDeadLetter } from "./dead-letter-sink.ts";

/**
 * A claim longer than any batch of calls takes (the client may wait up to about two Xero minutes
 * for rate slots across a pass); a consumer that died frees its records after it.
 */
const CLAIM_MS = 300_000;

function parse(body: unknown): ErpSyncMessage | null {
  const b = body as Partial<ErpSyncMessage> | null;
  return b && typeof b.franchiseId === "string" && typeof b.connectionId === "string" && typeof b.recordId === "string" ? (b as ErpSyncMessage) : null;
}

export async function consumeErpSync(batch: MessageBatch<unknown>, env: Env, logger: Logger): Promise<void> {
  const groups = new Map<string, Array<{ message: Message<unknown>; body: ErpSyncMessage }>>();
  for (const message of batch.messages) {
    const body = parse(message.body);
    if (!body) {
      await recordDeadLetter(env, { queue: "erp-sync", messageId: message.id, body: message.body, attempts: message.attempts, lastError: "not an erp-sync message" });
      message.ack();
      continue;
    }
    const key = `${body.franchiseId}/${body.connectionId}`;
    groups.set(key, [...(groups.get(key) ?? []), { message, body }]);
  }
  for (const items of groups.values()) {
    try {
      await syncGroup(env, items, logger);
    } catch (error) {
      logger.error("erp sync failed", { connectionId: items[0]!.body.connectionId, error: error instanceof Error ? error.message : String(error) });
      noteOutcome(env, items[0]!.body.franchiseId, "erpSyncFailures", items.length); // ops metrics
      for (const { message } of items) message.retry({ delaySeconds: 30 });
    }
  }
}

async function syncGroup(env: Env, items: Array<{ message: Message<unknown>; body: ErpSyncMessage }>, logger: Logger): Promise<void> {
  const { franchiseId, connectionId } = items[0]!.body;
  const db = database(franchiseDatabase(env, franchiseId));
  const connection = await getConnection(db, franchiseId, connectionId);
  if (connection?.status !== "connected" || !connection.remoteTenantId) {
    // Disconnected: the records stay pending and are re-driven by replay after a reconnect.
    for (const { message } of items) message.ack();
    return;
  }
  const connector = connectorFor(connection.provider);
  if (!connector) {
    // A provider this deployment has no connector for: leave the records pending, loudly.
    logger.error("erp connector missing", { connectionId, provider: connection.provider });
    for (const { message } of items) message.ack();
    return;
  }
  const now = Date.now();
  const ids = [...new Set(items.map((i) => i.body.recordId))];
  const claimed = await claimSyncRecords(db, franchiseId, ids, new Date(now).toISOString(), new Date(now + CLAIM_MS).toISOString());
  const outcomes = new Map<string, RecordOutcome>();
  if (claimed.length > 0) {
    for (const o of await connector.sync(env, db, connection, claimed)) outcomes.set(o.recordId, o);
  }
  const resend: Array<{ body: ErpSyncMessage; delaySeconds: number }> = [];
  const seen = new Set<string>();
  for (const { message, body } of items) {
    const outcome = outcomes.get(body.recordId);
    // Not claimed: synced already, failed, or another consumer holds it. Nothing to do here.
    if (!outcome || seen.has(body.recordId)) {
      message.ack();
      continue;
    }
    seen.add(body.recordId);
    // ops metrics: an attempt that did not end synced (deferred to retry, or failed for good)
    if (!outcome.done || outcome.deadLetter || outcome.error) noteOutcome(env, franchiseId, "erpSyncFailures");
    if (outcome.done) {
      if (outcome.deadLetter) await recordDeadLetter(env, { queue: "erp-sync", messageId: `${body.recordId}:exhausted`, body, attempts: message.attempts, lastError: outcome.error ?? null });
    } else {
      resend.push({ body, delaySeconds: Math.min(outcome.delaySeconds, 86_400) });
    }
    message.ack();
  }
  if (resend.length > 0) {
    for (let i = 0; i < resend.length; i += 100) await env.ERP_SYNC.sendBatch(resend.slice(i, i + 100));
    logger.info("erp records deferred", { connectionId, count: resend.length });
  }
}
