// A fixed-bucket latency histogram: small enough to store one row per route and minute, and
// mergeable by adding counts, so p50/p95/p99 over any window come from summed buckets. A
// percentile is reported as the upper bound of the bucket it falls in (an upper estimate).

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

/** The p-th percentile (0 < p <= 100) in ms, or null with no samples; beyond the last bound reports that bound ×2. */
export function percentileOf(buckets: readonly number[], p: number): number | null {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (let i = 0; i < BUCKET_COUNT; i++) {
    seen += buckets[i] ?? 0;
    if (seen >= rank) return i < BUCKET_BOUNDS_MS.length ? BUCKET_BOUNDS_MS[i]! : BUCKET_BOUNDS_MS[BUCKET_BOUNDS_MS.length - 1]! * 2;
  }
  return null;
}
