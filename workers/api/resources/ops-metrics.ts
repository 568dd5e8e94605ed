// GET /v1/ops/metrics: request latency, errors and throttling over the last hour, and queue depth.
import { z } from "zod";
import { ALL_QUEUES } from "../../domain/queue-metrics.ts";

const Ms = z.number().nullable().describe("ms, interpolated inside the latency histogram's bucket and never above the slowest request; null without requests");

const Count = z.number().int().min(0);

export const QueueMetrics = z
  .object({
    backlog: Count.describe("messages sent and not yet acked or moved to the dead-letter queue (counted by producers and consumers: a queue's depth cannot be read)"),
    oldestAgeSeconds: Count.describe("estimated age of the oldest pending message; 0 when nothing is pending"),
    retries: Count.describe("deliveries retried in the last hour"),
    deadLetters: Count.describe("messages kept as dead letters in the last hour"),
    processedLastHour: Count.describe("messages acked in the last hour"),
    runtime: z
      .object({ backlog: Count, oldestAgeSeconds: Count })
      .nullable()
      .describe("the runtime's own depth reading (Queue.metrics()) beside the counted one; null for a dead-letter queue or when the runtime gives none"),
  })
  .meta({ id: "QueueMetrics" });

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
      // Platform-wide counts per queue and per dead-letter queue ("<name>-dlq"): the platform operator's only.
      ...Object.fromEntries(ALL_QUEUES.map((q) => [q, QueueMetrics.optional()])),
    }),
    outcomes: z
      .object({
        dunningSends: Count.describe("reminders a provider accepted in the last hour"),
        erpSyncFailures: Count.describe("ERP sync attempts that ended retrying or failed in the last hour"),
      })
      .describe("the franchise's own business outcomes over the last hour"),
  })
  .meta({ id: "OpsMetrics" });
