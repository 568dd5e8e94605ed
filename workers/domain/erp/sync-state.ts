// The life of one record's sync: pending → syncing → synced, or retrying (with the next attempt
// time), failed (needs a person: the fix is shown), conflict (needs a review). After
// `maxAttempts` transient failures the record fails and its message goes to the dead-letter
// queue. Pure: time and randomness come in.
import { retryDelaySeconds } from "../retry-backoff.ts";
import { isPermanent, type SyncFailure } from "./xero-errors.ts";

export const SYNC_STATES = ["pending", "syncing", "synced", "retrying", "failed", "conflict"] as const;
export type SyncState = (typeof SYNC_STATES)[number];

export const MAX_SYNC_ATTEMPTS = 8;

export interface NextStep {
  state: SyncState;
  /** When to try again (retrying only), ISO. */
  nextAttemptAt: string | null;
  /** Seconds to delay the queue message (retrying only). */
  delaySeconds: number;
  /** True when the message should go to the DLQ (exhausted). */
  deadLetter: boolean;
}

export function afterFailure(failure: SyncFailure, attempts: number, nowMs: number, random: number, maxAttempts = MAX_SYNC_ATTEMPTS): NextStep {
  if (isPermanent(failure)) return { state: "failed", nextAttemptAt: null, delaySeconds: 0, deadLetter: false };
  // Rate limits are not the record's fault: they do not use up its attempts.
  const counts = failure.class !== "rate_limited" && failure.class !== "daily_limit";
  if (counts && attempts >= maxAttempts) return { state: "failed", nextAttemptAt: null, delaySeconds: 0, deadLetter: true };
  const backoff = retryDelaySeconds(attempts, random);
  const delaySeconds = Math.max(failure.retryAfterSeconds ?? 0, failure.class === "rate_limited" || failure.class === "daily_limit" ? Math.ceil(random * 2) : backoff, 1);
  return { state: "retrying", nextAttemptAt: new Date(nowMs + delaySeconds * 1000).toISOString(), delaySeconds, deadLetter: false };
}

/** Percentile by nearest rank over seconds; null when there is nothing to measure. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
