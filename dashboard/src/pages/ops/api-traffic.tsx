// The franchise's API traffic over the last hour (GET /v1/ops/metrics): latency percentiles,
// error rate and throttled requests, overall and per route. Refreshes every 30 s (useOpsMetrics,
// shared with the Queues card).
import { useEffect } from "react";
import { api, ok } from "../../api/client.ts";
import type { OpsMetrics, RouteMetrics } from "../../api/types.ts";
import { type Loaded, useApi } from "../../lib/data.ts";
import { formatNumber } from "../../lib/format.ts";
import { Card, Stat } from "../../ui/bits.tsx";
import { Empty, ErrorState, Loading } from "../../ui/states.tsx";
import { type Column, DataTable } from "../../ui/table.tsx";

// The SLO targets of docs/slo.md: shown in red when the last hour misses them.
const P99_TARGET_MS = 50;
const ERROR_RATE_TARGET = 0.001;
const REFRESH_MS = 30_000;

// Interpolated estimates (never above the slowest request), not bucket bounds: no "≤" any more.
const ms = (v: number | null) => (v === null ? "—" : v >= 1000 ? `${formatNumber(Math.round(v / 100) / 10)} s` : `${formatNumber(v < 10 ? Math.round(v * 10) / 10 : Math.round(v))} ms`);
const percent = (share: number) => `${(share * 100).toFixed(share > 0 && share < 0.001 ? 3 : 1)} %`;

const columns: Column<RouteMetrics>[] = [
  { key: "route", header: "Route", sort: (r) => r.route, cell: (r) => <code>{r.route}</code> },
  { key: "requests", header: "Requests", numeric: true, sort: (r) => r.requests, cell: (r) => formatNumber(r.requests) },
  { key: "p50", header: "p50", numeric: true, sort: (r) => r.p50Ms ?? 0, cell: (r) => ms(r.p50Ms), secondary: true },
  { key: "p95", header: "p95", numeric: true, sort: (r) => r.p95Ms ?? 0, cell: (r) => ms(r.p95Ms), secondary: true },
  { key: "p99", header: "p99", numeric: true, sort: (r) => r.p99Ms ?? 0, cell: (r) => ms(r.p99Ms) },
  { key: "errors", header: "5xx", numeric: true, sort: (r) => r.errors, cell: (r) => formatNumber(r.errors), secondary: true },
  { key: "throttled", header: "Throttled", numeric: true, sort: (r) => r.throttled, cell: (r) => formatNumber(r.throttled) },
];

/** GET /v1/ops/metrics, reloaded every 30 s: one request for the API traffic and Queues cards. */
export function useOpsMetrics(): Loaded<OpsMetrics> {
  const metrics = useApi((signal) => ok(api.GET("/v1/ops/metrics", { signal })), []);
  useEffect(() => {
    const timer = setInterval(() => metrics.reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [metrics.reload]);
  return metrics;
}

export function ApiTraffic({ metrics }: { metrics: Loaded<OpsMetrics> }) {
  return (
    <Card title="API traffic, last hour">
      {metrics.error ? (
        <ErrorState error={metrics.error} onRetry={metrics.reload} />
      ) : !metrics.data ? (
        <Loading rows={3} label="Loading API traffic" />
      ) : (
        <TrafficBody m={metrics.data} />
      )}
    </Card>
  );
}

function TrafficBody({ m }: { m: OpsMetrics }) {
  return (
    <>
      <div className="stats" data-testid="api-traffic">
        <Stat label="Requests" value={formatNumber(m.requests)} hint="partner and dashboard calls" />
        <Stat label="p50 / p95" value={`${ms(m.latencyMs.p50)} / ${ms(m.latencyMs.p95)}`} hint="server time" />
        <Stat label="p99" value={ms(m.latencyMs.p99)} hint={`target < ${P99_TARGET_MS} ms`} tone={m.latencyMs.p99 !== null && m.latencyMs.p99 > P99_TARGET_MS ? "bad" : undefined} />
        <Stat label="Error rate" value={percent(m.errorRate)} hint="answered 5xx" tone={m.errorRate > ERROR_RATE_TARGET ? "bad" : "good"} />
        <Stat label="Throttled" value={formatNumber(m.throttled)} hint="refused by rate limits (429)" />
      </div>
      {m.routes.length === 0 ? (
        <Empty title="No API traffic in the last hour" icon="✓">
          Requests show up here within a few seconds.
        </Empty>
      ) : (
        <DataTable caption="Routes" columns={columns} rows={m.routes} rowKey={(r) => r.route} sortParam="rsort" />
      )}
    </>
  );
}
