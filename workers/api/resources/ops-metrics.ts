// GET /v1/ops/metrics: request latency, errors and throttling over the last hour, and queue depth.
import { z } from "zod";

const Ms = z.number().nullable().describe("ms, upper bound of the histogram bucket; null without requests");

export const RouteMetrics = z
  .object({
    route: z.string().describe('method and route pattern, e.g. "GET /v1/invoices/:id"'),
    requests: z.number().int(),
    errors: z.number().int().describe("5xx answers"),
    throttled: z.number().int().describe("429 answers"),
    p50Ms: Ms,
    p95Ms: Ms,
    p99Ms: Ms,
  })
  .meta({ id: "RouteMetrics" });

export const OpsMetrics = z
  .object({
    windowMinutes: z.number().int(),
    since: z.string().describe("start of the window (UTC)"),
    requests: z.number().int(),
    errorRate: z.number().min(0).max(1).describe("share of requests answered 5xx"),
    throttled: z.number().int().describe("requests refused by rate, cap or concurrency limits (429)"),
    latencyMs: z.object({ p50: Ms, p95: Ms, p99: Ms }),
    routes: z.array(RouteMetrics),
    queues: z.object({
      domainEvents: z.object({
        backlog: z.number().int().describe("events not yet accepted by the domain-events queue"),
        oldestPendingSeconds: z.number().int(),
        deadLetters: z.number().int(),
      }),
    }),
  })
  .meta({ id: "OpsMetrics" });
