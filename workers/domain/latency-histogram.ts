// A fixed-bucket latency histogram: small enough to store one row per route and minute, and
// mergeable by adding counts, so p50/p95/p99 over any window come from summed buckets. A
// percentile is interpolated inside the bucket it falls in and capped by the slowest sample.

/** Upper bounds in ms of each bucket; the last bucket holds everything slower. */
export const BUCKET_BOUNDS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] as const;
export const BUCKET_COUNT = BUCKET_BOUNDS_MS.length + 1;

export function bucketOf(latencyMs: number): number {
  for (let i = 0; i < BUCKET_BOUNDS_MS.length; i++) if (latencyMs <= BUCKET_BOUNDS_MS[i]!) return i;
  return BUCKET_BOUNDS_MS.length;
}

export function emptyBuckets(): number[] {
  return new Array<number>(BUCKET_COUNT).fill(0);
}

export function mergeBuckets(into: number[], from: readonly number[]): number[] {
  for (let i = 0; i < BUCKET_COUNT; i++) into[i] = (into[i] ?? 0) + (from[i] ?? 0);
  return into;
}

/**
 * The p-th percentile (0 < p <= 100) in ms, or null with no samples. The bucket holding the
 * rank is found as before, then the value is interpolated linearly inside it (samples assumed
 * spread evenly between the bucket's bounds), so a quiet route does not read as the bucket's
 * upper bound. `maxMs`, the slowest sample seen, caps the answer (a histogram alone cannot know
 * that every sample of the top bucket was near its bottom) and bounds the open last bucket,
 * which otherwise reads as the last bound ×2.
 */
export function percentileOf(buckets: readonly number[], p: number, maxMs?: number | null): number | null {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = (p / 100) * total;
  const last = BUCKET_BOUNDS_MS[BUCKET_BOUNDS_MS.length - 1]!;
  const hasMax = typeof maxMs === "number" && Number.isFinite(maxMs);
  let before = 0;
  for (let i = 0; i < BUCKET_COUNT; i++) {
    const n = buckets[i] ?? 0;
    if (n > 0 && before + n >= Math.ceil(rank)) {
      const lower = i === 0 ? 0 : BUCKET_BOUNDS_MS[i - 1]!;
      const upper = i < BUCKET_BOUNDS_MS.length ? BUCKET_BOUNDS_MS[i]! : hasMax ? Math.max(maxMs, last) : last * 2;
      // (rank - before) is in (0, n]: the value stays inside (lower, upper], i.e. in this bucket.
      const value = lower + ((rank - before) / n) * (upper - lower);
      // maxMs > lower whenever it is consistent with the buckets; a stale one must not leave the bucket.
      return hasMax && (maxMs > lower || (i === 0 && maxMs >= 0)) ? Math.min(value, maxMs) : value;
    }
    before += n;
  }
  return null;
}
