// Counts every authenticated /v1 request per route (workers/observability/route-metrics.ts):
// latency, 5xx, 429. Runs outermost on /v1 so throttled and failed requests are counted too.
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../../env.ts";
import { flushDue, flushRouteMetrics, recordRouteSample } from "../../observability/route-metrics.ts";

export const routeMetrics: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = performance.now();
  await next();
  const principal = c.get("principal");
  if (!principal) return; // unauthenticated: no franchise to count it for
  const now = Date.now();
  recordRouteSample(c.env, { franchiseId: principal.franchiseId, route: `${c.req.method} ${routeOf(c)}`, status: c.res.status, latencyMs: performance.now() - started, atMs: now });
  if (!flushDue(now)) return;
  try {
    c.executionCtx.waitUntil(flushRouteMetrics(c.env, now).catch((e: unknown) => c.get("logger").warn("route metrics flush failed", { error: String(e) })));
  } catch {
    // no execution context (app.request in a script): the next request flushes
  }
};

/** The operation's route pattern, also when middleware answered before the handler ran (401, 429). */
function routeOf(c: Context<AppEnv>): string {
  const handler = matchedRoutes(c).filter((r) => r.method !== "ALL").at(-1);
  return handler?.path ?? c.req.routePath;
}
