// Moves outbox rows onto the domain-events queue, per franchise and in seq order. Two callers:
// the request that wrote events (fast path, through waitUntil) and the per-minute sweep.
//
// Exactly one relay works on a franchise at a time (a lease row in D1). The holder reads the
// pending rows in seq order, sends them in chunks that respect the queue's limits, and marks each
// chunk published (by seq range: 4 bound parameters whatever the chunk size) after the queue
// accepted it. If anything fails it keeps the lease: nobody re-sends the chunk that may have
// been accepted until the lease expires, and then only that chunk is sent again (consumers
// dedupe by event id). Payloads too large for one message are parked in R2 (claim check).
import type { Logger } from "../workers/observability/logger.ts";
import { franchiseDatabase, tenantDatabases } from "../workers/db/resolver.ts";
import { newId } from "../workers/db/ids.ts";
import { envelopeOf, type EventEnvelope, type OutboxRow } from "../workers/events/envelope.ts";
import { chunkForSendBatch, MAX_BATCH_MESSAGES, MAX_MESSAGE_BYTES, messageBytes } from "./send-limits.ts";

export interface RelayOptions {
  /** Milliseconds since the epoch; injectable so tests can move past a lease. */
  now?: () => number;
  leaseMs?: number;
  /** Stop starting new chunks after this long; what is left waits for the next run. */
  budgetMs?: number;
  /** Defaults to the DOMAIN_EVENTS queue. */
  send?: (messages: MessageSendRequest<EventEnvelope>[]) => Promise<unknown>;
}

export interface RelayResult {
  published: number;
  /** False when the budget ran out, another relay holds the lease, or a step failed. */
  drained: boolean;
}

export const RELAY_LEASE_MS = 30_000;

/** Publishes `franchiseId`'s pending events. Never throws: a failure is logged and left to the lease. */
export async function relayFranchise(env: Env, franchiseId: string, logger: Logger, opts: RelayOptions = {}): Promise<RelayResult> {
  const now = opts.now ?? Date.now;
  const leaseMs = opts.leaseMs ?? RELAY_LEASE_MS;
  const deadline = now() + (opts.budgetMs ?? 20_000);
  const send = opts.send ?? ((messages) => env.DOMAIN_EVENTS.sendBatch(messages));
  const db = franchiseDatabase(env, franchiseId);
  let published = 0;
  try {
    // Re-check after releasing: an event committed while we held the lease, whose own fast path
    // found the lease taken, is picked up here instead of waiting for the sweep.
    while (await hasPending(db, franchiseId)) {
      const token = newId("rly");
      if (!(await acquireLease(db, franchiseId, token, now(), leaseMs))) return { published, drained: false };
      for (;;) {
        if (now() >= deadline) {
          await releaseLease(db, franchiseId, token);
          return { published, drained: false };
        }
        const rows = await pendingRows(db, franchiseId);
        if (rows.length === 0) break;
        const messages = await Promise.all(rows.map((row) => messageFor(env, row)));
        for (const chunk of chunkForSendBatch(messages, (m) => messageBytes(m.body))) {
          await send(chunk);
          const stillHeld = await markPublished(db, franchiseId, token, chunk[0]!.body.seq, chunk[chunk.length - 1]!.body.seq, now(), leaseMs);
          published += chunk.length;
          if (!stillHeld) return { published, drained: false };
        }
      }
      await releaseLease(db, franchiseId, token);
    }
  } catch (error) {
    // The lease (if we took it) stays until it expires: see the header.
    logger.error("outbox relay failed; a later run retries after the lease", { franchiseId, error: error instanceof Error ? error.message : String(error) });
    return { published, drained: false };
  }
  return { published, drained: true };
}

/** The per-minute sweep: every franchise with pending events, until drained or out of time. */
export async function sweepOutbox(env: Env, logger: Logger, opts: RelayOptions = {}): Promise<number> {
  const now = opts.now ?? Date.now;
  const deadline = now() + (opts.budgetMs ?? 50_000);
  let relayed = 0;
  for (const db of tenantDatabases(env)) {
    const { results } = await db.prepare("SELECT DISTINCT franchise_id FROM outbox_events WHERE published_at IS NULL").all<{ franchise_id: string }>();
    for (const { franchise_id } of results) {
      const budgetMs = deadline - now();
      if (budgetMs <= 0) break;
      relayed += (await relayFranchise(env, franchise_id, logger, { ...opts, budgetMs })).published;
    }
  }
  if (relayed > 0) logger.info("outbox relayed", { events: relayed });
  return relayed;
}

async function hasPending(db: D1Database, franchiseId: string): Promise<boolean> {
  return (await db.prepare("SELECT 1 AS one FROM outbox_events WHERE franchise_id = ? AND published_at IS NULL LIMIT 1").bind(franchiseId).first()) !== null;
}

async function acquireLease(db: D1Database, franchiseId: string, token: string, nowMs: number, leaseMs: number): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO outbox_relay_leases (franchise_id, token, leased_until) VALUES (?1, ?2, ?3)
       ON CONFLICT (franchise_id) DO UPDATE SET token = excluded.token, leased_until = excluded.leased_until
       WHERE outbox_relay_leases.leased_until <= ?4`,
    )
    .bind(franchiseId, token, new Date(nowMs + leaseMs).toISOString(), new Date(nowMs).toISOString())
    .run();
  return result.meta.changes === 1;
}

async function releaseLease(db: D1Database, franchiseId: string, token: string): Promise<void> {
  await db.prepare("DELETE FROM outbox_relay_leases WHERE franchise_id = ? AND token = ?").bind(franchiseId, token).run();
}

async function pendingRows(db: D1Database, franchiseId: string): Promise<OutboxRow[]> {
  const { results } = await db
    .prepare(
      `SELECT id, franchise_id, seq, type, aggregate_type, aggregate_id, aggregate_version, actor, payload, occurred_at
       FROM outbox_events WHERE franchise_id = ? AND published_at IS NULL ORDER BY seq LIMIT ?`,
    )
    .bind(franchiseId, MAX_BATCH_MESSAGES)
    .all<OutboxRow>();
  return results;
}

/** Marks [fromSeq, toSeq] published and extends the lease, in one batch; false if the lease was lost. */
async function markPublished(db: D1Database, franchiseId: string, token: string, fromSeq: number, toSeq: number, nowMs: number, leaseMs: number): Promise<boolean> {
  const [, renewed] = await db.batch([
    db
      .prepare("UPDATE outbox_events SET published_at = ? WHERE franchise_id = ? AND seq BETWEEN ? AND ? AND published_at IS NULL")
      .bind(new Date(nowMs).toISOString(), franchiseId, fromSeq, toSeq),
    db.prepare("UPDATE outbox_relay_leases SET leased_until = ? WHERE franchise_id = ? AND token = ?").bind(new Date(nowMs + leaseMs).toISOString(), franchiseId, token),
  ]);
  return renewed!.meta.changes === 1;
}

/** The queue message for a row; a payload too large for one message goes to R2 and travels by reference. */
async function messageFor(env: Env, row: OutboxRow): Promise<MessageSendRequest<EventEnvelope>> {
  const envelope = envelopeOf(row);
  if (messageBytes(envelope) <= MAX_MESSAGE_BYTES) return { body: envelope, contentType: "json" };
  const key = `event-payloads/${row.franchise_id}/${row.id}.json`;
  await env.ARCHIVE.put(key, row.payload, { httpMetadata: { contentType: "application/json" } });
  const { payload: _parked, ...rest } = envelope;
  return { body: { ...rest, payloadRef: { key, bytes: new TextEncoder().encode(row.payload).byteLength } }, contentType: "json" };
}
