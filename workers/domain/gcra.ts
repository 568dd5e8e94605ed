// The Generic Cell Rate Algorithm: a token bucket kept as one number, the "theoretical arrival
// time" (TAT). A limit is a burst (how many requests may arrive at once) and a sustained rate
// (one request earned back every `intervalUs`). Times are integer microseconds so the
// arithmetic is exact: N requests at the same instant on a fresh bucket give exactly `burst`
// successes, and a request is earned back exactly every interval.

export interface GcraLimit {
  /** Requests allowed at once on a full bucket (>= 1). */
  burst: number;
  /** Microseconds to earn one request back (>= 1): 60e6 / requests per minute. */
  intervalUs: number;
}

export interface GcraDecision {
  allowed: boolean;
  /** The TAT to store: advanced when allowed, unchanged when refused. */
  tat: number;
  /** Requests still allowed right now after this one. */
  remaining: number;
  /** Microseconds until the bucket is full again. */
  resetUs: number;
  /** Refused only: microseconds until one request is allowed again (0 when allowed). */
  retryAfterUs: number;
}

/** Requests per minute → the interval of a GcraLimit (rounded to whole microseconds). */
export function limitOf(burst: number, perMinute: number): GcraLimit {
  if (!Number.isInteger(burst) || burst < 1) throw new RangeError("burst must be a positive integer");
  if (!(perMinute > 0)) throw new RangeError("perMinute must be positive");
  return { burst, intervalUs: Math.max(1, Math.round(60_000_000 / perMinute)) };
}

/** Decides one request of `cost` at `nowUs` against a bucket whose stored TAT is `tat` (0 = never used). */
export function gcraDecide(tat: number, nowUs: number, limit: GcraLimit, cost = 1): GcraDecision {
  const capacityUs = limit.burst * limit.intervalUs;
  const base = Math.max(tat, nowUs);
  const next = base + cost * limit.intervalUs;
  if (next - nowUs > capacityUs) {
    return {
      allowed: false,
      tat,
      remaining: Math.max(0, Math.floor((capacityUs - (base - nowUs)) / limit.intervalUs)),
      resetUs: base - nowUs,
      retryAfterUs: next - nowUs - capacityUs,
    };
  }
  return { allowed: true, tat: next, remaining: Math.floor((capacityUs - (next - nowUs)) / limit.intervalUs), resetUs: next - nowUs, retryAfterUs: 0 };
}
