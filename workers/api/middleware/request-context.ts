// Gives every request an id (the caller's X-Request-Id if sane, else a new one), a logger bound
// to it, and one access-log line with route, status, latency and franchise.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env.ts";
import { createLogger } from "../../observability/logger.ts";

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{8,128}$/;

export const requestContext: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = Date.now();
  const incoming = c.req.header("x-request-id");
  const requestId = incoming && REQUEST_ID_RE.test(incoming) ? incoming : crypto.randomUUID();
  const logger = createLogger(c.env.LOG_LEVEL, { requestId });
  c.set("requestId", requestId);
  c.set("logger", logger);
  await next();
  c.res.headers.set("x-request-id", requestId);
  // The access line's fields (a URL parse among them) are only built when the line is written.
  if (!logger.enabled("info")) return;
  const principal = c.get("principal");
  logger.info("request", {
    method: c.req.method,
    route: c.req.routePath,
    path: new URL(c.req.url).pathname,
    status: c.res.status,
    latencyMs: Date.now() - started,
    franchiseId: principal?.franchiseId ?? null,
  });
};
