// Idempotency records (table idempotency_keys). A request first reserves its key with a lease;
// the change it makes marks the key committed IN THE SAME D1 BATCH (idempotencyCommit), so a
// change that committed is known to have committed even if the worker died before the response
// was stored; afterwards the response may be stored for an exact replay. Only the lease holder
// can commit, store or release: a retry that took over an expired lease fences the old holder.
import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { Db } from "./client.ts";
import type { Statement } from "./batch.ts";

export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/** How long a reservation blocks retries: a request that died frees its key after this. */
export const IDEMPOTENCY_LEASE_MS = 30_000;

/** What a change under an Idempotency-Key carries down to its batch (BillingContext.idempotency). */
export interface IdempotencyClaim {
  franchiseId: string;
  key: string;
  leaseToken: string;
}

export interface IdempotencyRecord {
  principal: string;
  requestHash: string;
  state: "pending" | "committed" | "done";
  leaseUntil: string | null;
  resourceType: string | null;
  resourceId: string | null;
  statusCode: number | null;
  responseBody: string | null;
  responseHeaders: string | null;
}

// The view from migration 0005; its trigger commits the key or aborts the batch with
// 'idempotency_lease_lost'. Described here (not in schema.ts) so drizzle-kit makes no table.
const idempotencyCommits = sqliteTable("idempotency_commits", {
  franchiseId: text("franchise_id").notNull(),
  key: text("key").notNull(),
  leaseToken: text("lease_token").notNull(),
  resourceType: text("resource_type").notNull(),
  resourceId: text("resource_id").notNull(),
});

/**
 * The statement a use case appends to its batch: nothing without a claim, else one insert that
 * marks the key committed with what the change made (e.g. "invoice.issued", invoice id).
 */
export function idempotencyCommit(db: Db, claim: IdempotencyClaim | undefined, resourceType: string, resourceId: string): Statement[] {
  if (!claim) return [];
  return [db.insert(idempotencyCommits).values({ franchiseId: claim.franchiseId, key: claim.key, leaseToken: claim.leaseToken, resourceType, resourceId })];
}

export function isLeaseLost(error: unknown): boolean {
  return error instanceof Error && error.message.includes("idempotency_lease_lost");
}

/**
 * Reserves (franchise, key) for this request. Takes the key when it is new, expired, or pending
 * with a lapsed lease for the same principal and request (a retry of a request that died).
 */
export async function reserveKey(
  d1: D1Database,
  r: { franchiseId: string; key: string; principal: string; requestHash: string; leaseToken: string; nowMs: number },
): Promise<boolean> {
  const now = new Date(r.nowMs).toISOString();
  const result = await d1
    .prepare(
      `INSERT INTO idempotency_keys (franchise_id, key, principal, request_hash, state, lease_token, lease_until, created_at, expires_at)
       VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?6, ?7, ?8)
       ON CONFLICT (franchise_id, key) DO UPDATE SET
         principal = excluded.principal, request_hash = excluded.request_hash, state = 'pending',
         lease_token = excluded.lease_token, lease_until = excluded.lease_until, resource_type = NULL, resource_id = NULL,
         status_code = NULL, response_body = NULL, response_headers = NULL, created_at = excluded.created_at, expires_at = excluded.expires_at
       WHERE idempotency_keys.expires_at <= ?7
          OR (idempotency_keys.state = 'pending' AND idempotency_keys.lease_until <= ?7
              AND idempotency_keys.principal = excluded.principal AND idempotency_keys.request_hash = excluded.request_hash)`,
    )
    .bind(r.franchiseId, r.key, r.principal, r.requestHash, r.leaseToken, new Date(r.nowMs + IDEMPOTENCY_LEASE_MS).toISOString(), now, new Date(r.nowMs + IDEMPOTENCY_TTL_MS).toISOString())
    .run();
  return result.meta.changes === 1;
}

export async function loadKey(d1: D1Database, franchiseId: string, key: string): Promise<IdempotencyRecord | null> {
  return d1
    .prepare(
      `SELECT principal, request_hash AS requestHash, state, lease_until AS leaseUntil, resource_type AS resourceType, resource_id AS resourceId,
              status_code AS statusCode, response_body AS responseBody, response_headers AS responseHeaders
       FROM idempotency_keys WHERE franchise_id = ? AND key = ?`,
    )
    .bind(franchiseId, key)
    .first<IdempotencyRecord>();
}

/** Stores the final response (never one holding a secret: the caller decides). Lease holder only. */
export async function storeResponse(d1: D1Database, claim: IdempotencyClaim, res: { status: number; body: string; headers: Record<string, string> }): Promise<void> {
  await d1
    .prepare(
      `UPDATE idempotency_keys SET state = 'done', status_code = ?, response_body = ?, response_headers = ?, lease_token = NULL, lease_until = NULL
       WHERE franchise_id = ? AND key = ? AND lease_token = ? AND state IN ('pending', 'committed')`,
    )
    .bind(res.status, res.body, JSON.stringify(res.headers), claim.franchiseId, claim.key, claim.leaseToken)
    .run();
}

/** Ends the lease of a committed change whose response is not stored (replays rebuild it). */
export async function settleCommitted(d1: D1Database, claim: IdempotencyClaim): Promise<void> {
  await d1
    .prepare("UPDATE idempotency_keys SET lease_token = NULL, lease_until = NULL WHERE franchise_id = ? AND key = ? AND lease_token = ? AND state = 'committed'")
    .bind(claim.franchiseId, claim.key, claim.leaseToken)
    .run();
}

/** Frees a reservation whose change did not happen, so a retry runs it. Never undoes a commit. */
export async function releaseKey(d1: D1Database, claim: IdempotencyClaim): Promise<void> {
  await d1.prepare("DELETE FROM idempotency_keys WHERE franchise_id = ? AND key = ? AND lease_token = ? AND state = 'pending'").bind(claim.franchiseId, claim.key, claim.leaseToken).run();
}

/** Deletes expired records (cron), a bounded chunk per statement. Returns how many went. */
export async function purgeExpiredKeys(d1: D1Database, nowIso: string, chunk = 1_000): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await d1
      .prepare("DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE expires_at <= ? LIMIT ?)")
      .bind(nowIso, chunk)
      .run();
    total += result.meta.changes;
    if (result.meta.changes < chunk) return total;
  }
}
