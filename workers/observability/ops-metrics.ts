// GET /v1/ops/metrics: the franchise's last hour from its OpsMetrics DO, summed per route
// (histograms merge by adding buckets), plus the event pipeline's backlog and dead letters.
import type { BillingContext } from "../billing/context.ts";
import { emptyBuckets, mergeBuckets, percentileOf } from "../domain/latency-histogram.ts";
import { pipelineStatus, type PipelineStatus } from "../events/operations.ts";
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
  queues: { domainEvents: PipelineStatus };
}

const WINDOW_MINUTES = 60;

export async function opsMetrics(ctx: BillingContext): Promise<OpsMetrics> {
  const nowMs = ctx.clock.now().getTime();
  // This isolate's own unflushed requests count too (in dev there is usually just one isolate).
  await flushRouteMetrics(ctx.env, nowMs);
  const since = minuteOf(nowMs - (WINDOW_MINUTES - 1) * 60_000);
  const [results, queue] = await Promise.all([ctx.env.OPS_METRICS.getByName(ctx.franchiseId).since(since), pipelineStatus(ctx)]);
  const all = emptyBuckets();
  let requests = 0;
  let errors = 0;
  let throttled = 0;
  const routes = results.map((r): RouteSummary => {
    mergeBuckets(all, r.buckets);
    requests += r.count;
    errors += r.errors;
    throttled += r.throttled;
    return { route: r.route, requests: r.count, errors: r.errors, throttled: r.throttled, p50Ms: percentileOf(r.buckets, 50), p95Ms: percentileOf(r.buckets, 95), p99Ms: percentileOf(r.buckets, 99) };
  });
  return {
    windowMinutes: WINDOW_MINUTES,
    since: `${since}:00.000Z`,
    requests,
    errorRate: requests === 0 ? 0 : errors / requests,
    throttled,
    latencyMs: { p50: percentileOf(all, 50), p95: percentileOf(all, 95), p99: percentileOf(all, 99) },
    routes,
    queues: { domainEvents: queue },
  };
}
