// Per-route request metrics. Each isolate sums requests per (franchise, minute, route) in
// memory and flushes the sums to D1 at most every FLUSH_EVERY_MS (one batch of upserts, off the
// request path via waitUntil), so the hot path pays no storage write. In production each request
// is also one Workers Analytics Engine data point (binding METRICS), which is where the
// long-range dashboards and alerts query; locally AE is a no-op, so D1 is the store that
// GET /v1/ops/metrics reads.
import { bucketOf, BUCKET_COUNT, emptyBuckets } from "../domain/latency-histogram.ts";
import { directoryDatabase } from "../db/resolver.ts";

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
    sum = { franchiseId: s.franchiseId, minute, route: s.route, count: 0, errors: 0, throttled: 0, buckets: emptyBuckets() };
    pending.set(key, sum);
  }
  sum.count++;
  if (s.status >= 500) sum.errors++;
  if (s.status === 429) sum.throttled++;
  sum.buckets[bucketOf(s.latencyMs)]!++;
  env.METRICS?.writeDataPoint({ indexes: [s.franchiseId], blobs: [s.route, String(s.status)], doubles: [s.latencyMs, s.status >= 500 ? 1 : 0, s.status === 429 ? 1 : 0] });
}

export function flushDue(nowMs: number): boolean {
  return pending.size > 0 && nowMs - lastFlushMs >= FLUSH_EVERY_MS;
}

const COLUMNS = 6 + BUCKET_COUNT; // 19 parameters per row: 5 rows per statement stay under D1's 100
const ROWS_PER_STATEMENT = Math.floor(100 / COLUMNS);
const BUCKET_COLUMNS = Array.from({ length: BUCKET_COUNT }, (_, i) => `b${i}`);

/** Writes what this isolate has summed so far (and drops rows past retention). */
export async function flushRouteMetrics(env: Env, nowMs: number): Promise<void> {
  const sums = [...pending.values()];
  pending = new Map();
  lastFlushMs = nowMs;
  if (sums.length === 0) return;
  const db = directoryDatabase(env);
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < sums.length; i += ROWS_PER_STATEMENT) {
    const chunk = sums.slice(i, i + ROWS_PER_STATEMENT);
    const placeholders = chunk.map(() => `(${new Array(COLUMNS).fill("?").join(", ")})`).join(", ");
    statements.push(
      db
        .prepare(
          `INSERT INTO route_metrics (franchise_id, minute, route, count, errors, throttled, ${BUCKET_COLUMNS.join(", ")}) VALUES ${placeholders}
           ON CONFLICT (franchise_id, minute, route) DO UPDATE SET count = count + excluded.count, errors = errors + excluded.errors,
             throttled = throttled + excluded.throttled, ${BUCKET_COLUMNS.map((b) => `${b} = ${b} + excluded.${b}`).join(", ")}`,
        )
        .bind(...chunk.flatMap((s) => [s.franchiseId, s.minute, s.route, s.count, s.errors, s.throttled, ...s.buckets])),
    );
  }
  statements.push(db.prepare("DELETE FROM route_metrics WHERE minute < ?").bind(minuteOf(nowMs - RETENTION_MS)));
  await db.batch(statements);
}
