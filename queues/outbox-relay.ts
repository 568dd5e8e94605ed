// Moves outbox rows written by the billing flows onto the domain-events queue. Runs from the
// per-minute cron. A row is marked published only after the queue accepted it, so an event is
// delivered at least once; consumers dedupe by event id.
import type { Logger } from "../workers/observability/logger.ts";
import { tenantDatabases } from "../workers/db/resolver.ts";

export interface DomainEventMessage {
  eventId: string;
  franchiseId: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: unknown;
  occurredAt: string;
}

const BATCH = 100; // a queue sendBatch takes at most 100 messages

export async function relayOutbox(env: Env, logger: Logger, maxBatches = 20): Promise<number> {
  let relayed = 0;
  for (const db of tenantDatabases(env)) relayed += await relayFrom(db, env, maxBatches);
  if (relayed > 0) logger.info("outbox relayed", { events: relayed });
  return relayed;
}

async function relayFrom(db: D1Database, env: Env, maxBatches: number): Promise<number> {
  let relayed = 0;
  for (let i = 0; i < maxBatches; i++) {
    const { results } = await db.prepare(
      "SELECT id, franchise_id, type, aggregate_type, aggregate_id, payload, occurred_at FROM outbox_events WHERE published_at IS NULL ORDER BY id LIMIT ?",
    )
      .bind(BATCH)
      .all<{ id: string; franchise_id: string; type: string; aggregate_type: string; aggregate_id: string; payload: string; occurred_at: string }>();
    if (results.length === 0) break;
    await env.DOMAIN_EVENTS.sendBatch(
      results.map((r) => ({
        body: { eventId: r.id, franchiseId: r.franchise_id, type: r.type, aggregateType: r.aggregate_type, aggregateId: r.aggregate_id, payload: JSON.parse(r.payload), occurredAt: r.occurred_at } satisfies DomainEventMessage,
        contentType: "json" as const,
      })),
    );
    const now = new Date().toISOString();
    const ids = results.map((r) => r.id);
    await db.prepare(`UPDATE outbox_events SET published_at = ? WHERE id IN (${ids.map(() => "?").join(",")})`).bind(now, ...ids).run();
    relayed += results.length;
    if (results.length < BATCH) break;
  }
  return relayed;
}
