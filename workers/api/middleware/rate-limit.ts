// Partner rate limiting (docs/rate-limits.md): every /v1 request made with an API key takes one
// request from its key bucket and its franchise's cap in the franchise's RateLimiter DO; a
// refusal is a 429 problem with Retry-After and the RateLimit fields, and every allowed response
// carries the remaining budget. Expensive endpoints also need one of the franchise's
// concurrency slots. Staff sessions (the dashboard) are not partner traffic and are not limited
// here: they are few, authenticated people, and login itself is throttled (login-throttle.ts).
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env.ts";
import { rateLimitHeaders, retryAfterSeconds } from "../../ratelimit/headers.ts";
import { HttpProblem } from "../problem.ts";
import type { RateDecision } from "../../../durable-objects/rate-limiter.ts";
import { mayReadAhead, noteHeadroom } from "../../ratelimit/read-ahead.ts";

/** Endpoints that hold real work (runs, exports, analytics): limited in concurrency per franchise. */
const EXPENSIVE: ReadonlyArray<{ method: string; prefix: string }> = [
  { method: "POST", prefix: "/v1/billing-runs" },
  { method: "GET", prefix: "/v1/analytics/" },
  { method: "POST", prefix: "/v1/exports" },
];
/** A slot is given back when the request ends; a crashed request's slot expires after this. */
const LEASE_TTL_MS = 120_000;

export function isExpensive(method: string, path: string): boolean {
  return EXPENSIVE.some((e) => e.method === method && path.startsWith(e.prefix));
}

export const partnerRateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const principal = c.get("principal");
  if (principal.kind !== "api_key") return next();
  const started = performance.now();
  const limiter = c.env.RATE_LIMITER.getByName(principal.franchiseId);
  // One DO round trip decides the rate AND, for an expensive endpoint, its concurrency slot.
  const lease = isExpensive(c.req.method, c.req.path) ? { id: crypto.randomUUID(), ttlMs: LEASE_TTL_MS } : undefined;
  const taking = limiter.take(principal.franchiseId, principal.id, lease);
  if (lease === undefined && mayReadAhead(c.req.method, c.req.path, principal.id)) {
    // A plain read by a key with headroom runs while the limiter decides: the decision is the
    // same one, and a refusal still answers 429 (the read, which wrote nothing, is dropped), but
    // the limiter's round trip is off the request's critical path (docs/rate-limits.md).
    const [decided, handled] = await Promise.allSettled([taking.then((d) => ({ d, ms: performance.now() - started })), next()]);
    if (decided.status === "rejected") throw decided.reason;
    if (handled.status === "rejected") throw handled.reason;
    noteHeadroom(principal.id, decided.value.d);
    return finish(c, decided.value.d, decided.value.ms, true);
  }
  const decision = await taking;
  noteHeadroom(principal.id, decision);
  if (!decision.allowed) return finish(c, decision, performance.now() - started, false);
  const spentMs = performance.now() - started;
  try {
    await next();
  } finally {
    if (lease !== undefined) await limiter.release(lease.id);
  }
  return finish(c, decision, spentMs, false);
};

/** Refuses (throws the 429 problem) or stamps the allowed response with the budget left. */
function finish(c: Context<AppEnv>, decision: RateDecision, spentMs: number, readAhead: boolean): void {
  const { limits } = decision;
  const headers = rateLimitHeaders(limits, decision);
  if (!decision.allowed) {
    if (decision.refusedBy === "concurrency") {
      throw new HttpProblem(429, "concurrency_limited", `the franchise already has ${limits.expensiveConcurrency} expensive requests in flight; retry when one ends`, {
        headers: { ...headers, "retry-after": "1" },
      });
    }
    const retryAfter = String(retryAfterSeconds(decision));
    const principal = c.get("principal");
    c.get("logger").info("rate limited", { apiKeyId: principal.id, refusedBy: decision.refusedBy, readAhead });
    const detail =
      decision.refusedBy === "key"
        ? `this API key has used its request budget (${limits.key.burst} at once); retry after ${retryAfter} s`
        : `the franchise's keys together have used its request budget (${limits.franchise.burst} at once); retry after ${retryAfter} s`;
    throw new HttpProblem(429, decision.refusedBy === "key" ? "rate_limited" : "franchise_rate_limited", detail, { headers: { ...headers, "retry-after": retryAfter } });
  }
  for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  // What the limiter cost this request (the bench reads it to check the < 2 ms budget), and
  // whether the read ran alongside it.
  c.res.headers.append("server-timing", `ratelimit;dur=${spentMs.toFixed(2)}${readAhead ? ';desc="read-ahead"' : ""}`);
}
