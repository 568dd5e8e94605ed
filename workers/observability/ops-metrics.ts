// GET /v1/ops/metrics: the franchise's last hour from its OpsMetrics DO, summed per route
// (histograms merge by adding buckets), plus the event pipeline's backlog and dead letters, the
// platform's per-queue counts and the franchise's outcomes (dunning sends, ERP sync failures).
import type { QueueStats } from "../../durable-objects/ops-metrics.ts";
import type { BillingContext } from "../billing/context.ts";
import { ALL_QUEUES } from "../domain/queue-metrics.ts";
import { emptyBuckets, mergeBuckets, percentileOf } from "../domain/latency-histogram.ts";
import { pipelineStatus, type PipelineStatus } from "../events/operations.ts";
import type { OutcomeCounts } from "./outcome-kinds.ts";
import { QUEUE_METRICS_INSTANCE } from "./queue-counting.ts";
import { type RuntimeDepth, runtimeDepths } from "./queue-depth.ts";
import { flushRouteMetrics, minuteOf } from "./route-metrics.ts";

export interface RouteSummary {
  route: string;
  requests: number;
  errors: number;
  throttled: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface OpsMetrics {
  windowMinutes: number;
  since: string;
  requests: number;
  errorRate: number;
  throttled: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  routes: RouteSummary[];
  /** domainEvents: the outbox before the queue (kept as it was); then one entry per queue and DLQ. */
  queues: { domainEvents: PipelineStatus } & Record<string, (QueueStats & { runtime: RuntimeDepth | null }) | PipelineStatus>;
  outcomes: OutcomeCounts;
}

const WINDOW_MINUTES = 60;

/**
 * `platformWide`: the per-queue counts are the whole platform's (every franchise's messages), so
 * only the platform operator sees them; a franchise sees its own event pipeline and outcomes.
 */
export async function opsMetrics(ctx: BillingContext, platformWide: boolean): Promise<OpsMetrics> {
  const nowMs = ctx.clock.now().getTime();
  // This isolate's own unflushed requests count too (in dev there is usually just one isolate).
  await flushRouteMetrics(ctx.env, nowMs);
  const since = minuteOf(nowMs - (WINDOW_MINUTES - 1) * 60_000);
  const own = ctx.env.OPS_METRICS.getByName(ctx.franchiseId);
  const [results, queue, perQueue, outcomes, depths] = await Promise.all([
    own.since(since),
    pipelineStatus(ctx),
    platformWide ? ctx.env.OPS_METRICS.getByName(QUEUE_METRICS_INSTANCE).queueStats(ALL_QUEUES, since, nowMs) : Promise.resolve({}),
    own.outcomesSince(since),
    platformWide ? runtimeDepths(ctx.env, nowMs) : Promise.resolve({} as Record<string, null>),
  ]);
  const runtime = depths as Record<string, unknown>;
  const queues = Object.fromEntries(Object.entries(perQueue as Record<string, object>).map(([name, stats]) => [name, { ...stats, runtime: runtime[name] ?? null }]));
  const all = emptyBuckets();
  let requests = 0;
  let errors = 0;
  let throttled = 0;
  let maxMs: number | null = null;
  const routes = results.map((r): RouteSummary => {
    mergeBuckets(all, r.buckets);
    requests += r.count;
    errors += r.errors;
    throttled += r.throttled;
    if (r.maxMs !== null) maxMs = Math.max(maxMs ?? 0, r.maxMs);
    const pct = (p: number) => percentileOf(r.buckets, p, r.maxMs);
    return { route: r.route, requests: r.count, errors: r.errors, throttled: r.throttled, p50Ms: pct(50), p95Ms: pct(95), p99Ms: pct(99) };
  });
  return {
    windowMinutes: WINDOW_MINUTES,
    since: `${since}:00.000Z`,
    requests,
    errorRate: requests === 0 ? 0 : errors / requests,
    throttled,
    latencyMs: { p50: percentileOf(all, 50, maxMs), p95: percentileOf(all, 95, maxMs), p99: percentileOf(all, 99, maxMs) },
    routes,
    queues: { domainEvents: queue, ...queues },
    outcomes: { dunningSends: outcomes.dunningSends, erpSyncFailures: outcomes.erpSyncFailures },
  };
}
