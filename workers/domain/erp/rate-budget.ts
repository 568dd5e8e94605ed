// A connection's request budget, modelled on the ERP's own limits (Xero per organisation: 5 in
// flight, 60 per rolling minute, 5,000 per rolling day). The ErpConnection Durable Object keeps
// the log and the leases; this decides. `minuteMs` lets benches and tests scale time.
export interface RateLimits {
  concurrent: number;
  perMinute: number;
  perDay: number;
  minuteMs: number;
}

export const XERO_LIMITS: RateLimits = { concurrent: 5, perMinute: 60, perDay: 5_000, minuteMs: 60_000 };
/** QBO per realm: 10 in flight, 500 per minute; no daily limit is published, so the day is the minute's ceiling × 1,440 (it never binds). */
export const QBO_LIMITS: RateLimits = { concurrent: 10, perMinute: 500, perDay: 500 * 1440, minuteMs: 60_000 };

/**
 * NetSuite limits concurrency only: one pool per account shared with the account's other
 * integrations (15 on a shared tier with one SuiteCloud Plus licence). Ours is a slice of it, 3 by
 * default (NOTES.md §3.2, §9); the per-minute/day numbers are not NetSuite's, only a safety ceiling.
 */
export const NETSUITE_LIMITS: RateLimits = { concurrent: 3, perMinute: 600, perDay: 50_000, minuteMs: 60_000 };

/** Our current share of a pool others use too: how many calls at once, and successes since the last change. */
export interface AdaptiveSlice {
  limit: number;
  successes: number;
}

/** Successes in a row that earn one more concurrent call back. */
export const SLICE_GROWTH_AFTER = 20;

/**
 * NetSuite's pool is shared with the account's other integrations, so a 429 means they are busy
 * now: our slice shrinks by one (never below one call), and grows back by one after
 * SLICE_GROWTH_AFTER successes in a row, up to `max` (additive increase, quick decrease).
 */
export function adaptSlice(slice: AdaptiveSlice, max: number, outcome: "ok" | "limited" | "other"): AdaptiveSlice {
  if (outcome === "limited") return { limit: Math.max(1, slice.limit - 1), successes: 0 };
  if (outcome === "other") return slice;
  const successes = slice.successes + 1;
  if (successes >= SLICE_GROWTH_AFTER && slice.limit < max) return { limit: slice.limit + 1, successes: 0 };
  return { limit: Math.min(slice.limit, max), successes: slice.limit >= max ? 0 : successes };
}

export interface BudgetState {
  /** Start times of calls in the last day, oldest first. */
  log: number[];
  /** Calls currently in flight (lease expiry times). */
  leases: number[];
  /** No calls before this time (a daily-limit 429 or Retry-After from the ERP). */
  pausedUntil: number;
}

export type Permit = { granted: true } | { granted: false; waitMs: number; reason: "concurrent" | "minute" | "day" | "paused" };

export function prune(state: BudgetState, now: number, limits: RateLimits): BudgetState {
  return { log: state.log.filter((t) => t > now - 1440 * limits.minuteMs), leases: state.leases.filter((t) => t > now), pausedUntil: state.pausedUntil };
}

/** Decides whether one more call may start now; the caller records it when granted. */
export function askPermit(state: BudgetState, now: number, limits: RateLimits): Permit {
  if (state.pausedUntil > now) return { granted: false, waitMs: state.pausedUntil - now, reason: "paused" };
  if (state.log.length >= limits.perDay) return { granted: false, waitMs: state.log[0]! + 1440 * limits.minuteMs - now, reason: "day" };
  const inMinute = state.log.filter((t) => t > now - limits.minuteMs);
  if (inMinute.length >= limits.perMinute) return { granted: false, waitMs: inMinute[0]! + limits.minuteMs - now + 1, reason: "minute" };
  if (state.leases.length >= limits.concurrent) return { granted: false, waitMs: Math.max(1, Math.min(...state.leases) - now), reason: "concurrent" };
  return { granted: true };
}
