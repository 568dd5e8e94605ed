// The message every domain event travels in (documented in docs/events.md). The relay builds it
// from an outbox row; consumers get it from the domain-events queue.
export interface EventEnvelope {
  eventId: string;
  franchiseId: string;
  /** Gapless, increasing per franchise: consumers can order by it and notice what they lack. */
  seq: number;
  type: string;
  aggregateType: string;
  aggregateId: string;
  /** The aggregate's version after this change (1 for immutable documents). */
  aggregateVersion: number;
  /** "api_key:<id>", "staff:<id>" or "system:<job>". */
  actor: string;
  occurredAt: string;
  /** The canonical payload; absent only in transit when it was too large for a queue message (see payloadRef). */
  payload?: unknown;
  /** Where a payload too large for one queue message was parked (R2 ARCHIVE key). The consumer restores `payload`. */
  payloadRef?: { key: string; bytes: number };
}

export interface OutboxRow {
  id: string;
  franchise_id: string;
  seq: number;
  type: string;
  aggregate_type: string;
  aggregate_id: string;
  aggregate_version: number;
  actor: string;
  payload: string;
  occurred_at: string;
}

export function envelopeOf(row: OutboxRow): EventEnvelope {
  return {
    eventId: row.id,
    franchiseId: row.franchise_id,
    seq: row.seq,
    type: row.type,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    aggregateVersion: row.aggregate_version,
    actor: row.actor,
    occurredAt: row.occurred_at,
    payload: JSON.parse(row.payload),
  };
}

/** A parsed envelope, or null when the body is not one (it cannot succeed on any retry). */
export function parseEnvelope(body: unknown): EventEnvelope | null {
  if (typeof body !== "object" || body === null) return null;
  const e = body as Record<string, unknown>;
  const strings = ["eventId", "franchiseId", "type", "aggregateType", "aggregateId", "actor", "occurredAt"];
  if (!strings.every((k) => typeof e[k] === "string")) return null;
  if (typeof e.seq !== "number" || typeof e.aggregateVersion !== "number") return null;
  if (!("payload" in e) && typeof (e.payloadRef as { key?: unknown } | undefined)?.key !== "string") return null;
  return body as EventEnvelope;
}
