// Per-route request metrics. Each isolate sums requests per (franchise, minute, route) in
// memory and flushes the sums to the franchise's OpsMetrics DO at most every FLUSH_EVERY_MS (off
// the request path via waitUntil), so the hot path pays no storage write and D1 none at all. In production each request
// is also one Workers Analytics Engine data point (binding METRICS), which is where the
// long-range dashboards and alerts query; locally AE is a no-op, so the DO is the store that
// GET /v1/ops/metrics reads.
import { bucketOf, emptyBuckets } from "../domain/latency-histogram.ts";

export interface RouteSample {
  franchiseId: string;
  route: string;
  status: number;
  latencyMs: number;
  atMs: number;
}

interface Sum {
  franchiseId: string;
  minute: string;
  route: string;
  count: number;
  errors: number;
  throttled: number;
  buckets: number[];
  maxMs: number;
}

const FLUSH_EVERY_MS = 5_000;
const MAX_PENDING = 5_000;
const RETENTION_MS = 24 * 3600_000;
let pending = new Map<string, Sum>();
let lastFlushMs = 0;

export const minuteOf = (ms: number) => new Date(ms).toISOString().slice(0, 16);

export function recordRouteSample(env: Env, s: RouteSample): void {
  const minute = minuteOf(s.atMs);
  const key = `${s.franchiseId}|${minute}|${s.route}`;
  let sum = pending.get(key);
  if (!sum) {
    if (pending.size >= MAX_PENDING) return; // a flood of distinct routes must not grow memory
    sum = { franchiseId: s.franchiseId, minute, route: s.route, count: 0, errors: 0, throttled: 0, buckets: emptyBuckets(), maxMs: 0 };
    pending.set(key, sum);
  }
  sum.count++;
  if (s.status >= 500) sum.errors++;
  if (s.status === 429) sum.throttled++;
  sum.buckets[bucketOf(s.latencyMs)]!++;
  sum.maxMs = Math.max(sum.maxMs, s.latencyMs); // percentiles never read above the slowest request
  env.METRICS?.writeDataPoint({ indexes: [s.franchiseId], blobs: [s.route, String(s.status)], doubles: [s.latencyMs, s.status >= 500 ? 1 : 0, s.status === 429 ? 1 : 0] });
}

export function flushDue(nowMs: number): boolean {
  return pending.size > 0 && nowMs - lastFlushMs >= FLUSH_EVERY_MS;
}

/** Sends what this isolate has summed so far to each franchise's OpsMetrics DO. */
export async function flushRouteMetrics(env: Env, nowMs: number): Promise<void> {
  const sums = [...pending.values()];
  pending = new Map();
  lastFlushMs = nowMs;
  const byFranchise = new Map<string, Sum[]>();
  for (const s of sums) byFranchise.set(s.franchiseId, [...(byFranchise.get(s.franchiseId) ?? []), s]);
  const dropBefore = minuteOf(nowMs - RETENTION_MS);
  await Promise.all(
    [...byFranchise].map(([franchiseId, list]) =>
      env.OPS_METRICS.getByName(franchiseId).add(
        list.map(({ minute, route, count, errors, throttled, buckets, maxMs }) => ({ minute, route, count, errors, throttled, buckets, maxMs })),
        dropBefore,
      ),
    ),
  );
}
