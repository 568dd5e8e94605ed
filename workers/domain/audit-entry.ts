// One audit-log entry: the leaf bytes hashed into the franchise's Merkle tree. It is the canonical
// JSON (RFC 8785 shape) of the event's identity, who did it, when, its position in the
// franchise's event sequence and the SHA-256 of its canonical payload; the payload itself stays
// out, so a purge of personal data never breaks the log. Leaf bytes are stored and served as
// written and never re-encoded.
import { canonicalJson } from "./canonical-json.ts";
import { toHex, utf8Decode, utf8Encode } from "./bytes-codec.ts";
import type { Sha256 } from "./merkle-hash.ts";

export const AUDIT_ENTRY_VERSION = 1;

export interface AuditEntryFields {
  v: number;
  eventId: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  actor: string;
  occurredAt: string;
  seq: number;
  /** Lower-case hex SHA-256 of the payload's canonical JSON. */
  payloadSha256: string;
}

export interface AuditEvent {
  eventId: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  actor: string;
  occurredAt: string;
  seq: number;
  payload: unknown;
}


export function auditEntryFields(sha256: Sha256, event: AuditEvent): AuditEntryFields {
  return {
    v: AUDIT_ENTRY_VERSION,
    eventId: event.eventId,
    type: event.type,
    aggregateType: event.aggregateType,
    aggregateId: event.aggregateId,
    actor: event.actor,
    occurredAt: event.occurredAt,
    seq: event.seq,
    payloadSha256: toHex(sha256(utf8Encode(canonicalJson(event.payload ?? null)))),
  };
}

export function encodeAuditEntry(fields: AuditEntryFields): Uint8Array {
  return utf8Encode(canonicalJson(fields));
}

/** The fields of leaf bytes, or null when they are not a canonical entry of a known version. */
export function decodeAuditEntry(leaf: Uint8Array): AuditEntryFields | null {
  const text = utf8Decode(leaf);
  if (text === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const f = parsed as Record<string, unknown>;
  const strings = ["eventId", "type", "aggregateType", "aggregateId", "actor", "occurredAt", "payloadSha256"];
  if (f.v !== AUDIT_ENTRY_VERSION || !strings.every((k) => typeof f[k] === "string") || !Number.isSafeInteger(f.seq)) return null;
  if (Object.keys(f).length !== strings.length + 2) return null;
  // Canonical means one spelling: bytes that re-encode differently were not written by the log.
  const fields = f as unknown as AuditEntryFields;
  return canonicalJson(fields) === text ? fields : null;
}
