// Read-ahead for the partner rate limiter (api/middleware/rate-limit.ts). A plain read by a key
// that had plenty of budget left at its last decision runs in parallel with the limiter's round
// trip instead of after it. The decision itself is unchanged (the RateLimiter DO still decides
// every request, in order), so the limits stay exact: a read the limiter refuses still answers
// 429; only its result, which wrote nothing, is thrown away. A key near or past its budget goes
// back to deciding first, so a flood of refused requests costs no database reads.
import type { RateDecision } from "../../durable-objects/rate-limiter.ts";

/** Reads that only select (no write, no cache fill, no outbound call): invoices and customers. */
const READ_AHEAD_PATH = /^\/v1\/(invoices|customers)(\/(inv|cus)_[0-9a-z]{26})?$/;
/** Headroom = both buckets have at least this share of their burst left (and at least 2). */
const HEADROOM_SHARE = 0.25;
const MAX_TRACKED_KEYS = 10_000;

/** Per API key (in this isolate): did its last decision leave headroom? Unknown = no. */
const headroom = new Map<string, boolean>();

export function mayReadAhead(method: string, path: string, apiKeyId: string): boolean {
  return (method === "GET" || method === "HEAD") && READ_AHEAD_PATH.test(path) && headroom.get(apiKeyId) === true;
}

export function noteHeadroom(apiKeyId: string, d: RateDecision): void {
  const roomy = (remaining: number, burst: number) => remaining >= Math.max(2, Math.ceil(burst * HEADROOM_SHARE));
  const roomNow = d.allowed && roomy(d.key.remaining, d.limits.key.burst) && roomy(d.franchise.remaining, d.limits.franchise.burst);
  if (!headroom.has(apiKeyId) && headroom.size >= MAX_TRACKED_KEYS) headroom.clear();
  headroom.set(apiKeyId, roomNow);
}
