// The fast path of the event pipeline: once a write request has succeeded, its batch has
// committed, so the franchise's pending events are relayed at once, after the response is sent
// (waitUntil). Done here rather than in each use case because it covers every write route,
// present and future, and runs only after the change is durable. The per-minute sweep catches
// whatever this misses (a crash, a lease held by another relay).
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env.ts";
import { relayFranchise } from "../../../queues/outbox-relay.ts";

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

export const publishEventsAfterWrite: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (READS.has(c.req.method) || c.res.status >= 400) return;
  const principal = c.get("principal");
  if (!principal) return;
  let ctx: Pick<ExecutionContext, "waitUntil">;
  try {
    ctx = c.executionCtx;
  } catch {
    return; // called without an execution context (app.request in a script): the sweep relays it
  }
  ctx.waitUntil(relayFranchise(c.env, principal.franchiseId, c.get("logger"), { budgetMs: 10_000 }));
};
