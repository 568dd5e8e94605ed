// Idempotency-Key on POST (24 h). Runs after authentication and route-level authorization, so a
// replay is never served to someone who could not make the request. The fingerprint is the
// principal + method + path + canonical JSON of the body (key order and whitespace do not matter).
//
// Lifecycle (storage in workers/db/idempotency.ts):
// 1. reserve the key with a 30 s lease; the lease rides on BillingContext.idempotency;
// 2. the change marks the key committed in its own D1 batch (only the lease holder can);
// 3. after the handler, by the response:
//    - transient refusals free the key for a retry, or just end the lease if the change committed
//      (then a replay rebuilds the response from the resource): 5xx, 408, 425, 429, and every 409
//      (over_settlement, invoice_changed, idempotency_in_progress, ...: "the current state refuses
//      this", which a retry may find otherwise);
//    - a response that shows a secret (responseHoldsSecret) is never stored: replays rebuild it
//      without the secret;
//    - anything else (success, deterministic 4xx validation) is stored and replayed as is.
// Same key, same principal, other request: 422 idempotency_key_reused. Same key from another
// principal of the franchise: 422 idempotency_key_other_principal (nothing of the first is shown).
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env.ts";
import { actorOf } from "../../auth/principal.ts";
import { sha256Hex } from "../../auth/secrets.ts";
import { canonicalJson } from "../../domain/canonical-json.ts";
import { loadKey, releaseKey, reserveKey, settleCommitted, storeResponse, type IdempotencyClaim, type IdempotencyRecord } from "../../db/idempotency.ts";
import { franchiseDatabase } from "../../db/resolver.ts";
import { renderCommitted } from "../idempotency/replay.ts";
import { HttpProblem } from "../problem.ts";
import type { AppContext } from "../routes/route-context.ts";

const KEY_RE = /^[\x21-\x7e]{1,255}$/;
const REPLAYED_HEADERS = ["content-type", "location", "etag"];

export function isTransientRefusal(status: number): boolean {
  return status >= 500 || status === 408 || status === 409 || status === 425 || status === 429;
}

async function fingerprint(c: AppContext, principal: string): Promise<string> {
  const url = new URL(c.req.url);
  const body = c.get("bodyJson");
  return sha256Hex(`${principal}\n${c.req.method} ${url.pathname}${url.search}\n${body === undefined ? "" : canonicalJson(body)}`);
}

function replayed(res: Response): Response {
  const headers = new Headers(res.headers);
  headers.set("idempotent-replayed", "true");
  return new Response(res.body, { status: res.status, headers });
}

async function answerFromRecord(c: AppContext, stored: IdempotencyRecord | null, principal: string, requestHash: string): Promise<Response> {
  if (!stored) throw new HttpProblem(409, "idempotency_conflict", "the Idempotency-Key changed state; retry the request");
  if (stored.principal !== principal) {
    throw new HttpProblem(422, "idempotency_key_other_principal", "this Idempotency-Key was used by another API key or user of the franchise; use a key of your own");
  }
  if (stored.requestHash !== requestHash) throw new HttpProblem(422, "idempotency_key_reused", "this Idempotency-Key was already used with a different request");
  if (stored.state === "pending") {
    const seconds = Math.max(1, Math.ceil((Date.parse(stored.leaseUntil ?? "") - Date.now()) / 1000) || 1);
    throw new HttpProblem(409, "idempotency_in_progress", "a request with this Idempotency-Key is still being processed", { headers: { "retry-after": String(seconds) } });
  }
  if (stored.state === "committed" || stored.responseBody === null) {
    const rebuilt = stored.resourceType && stored.resourceId ? await renderCommitted(c, stored.resourceType, stored.resourceId) : null;
    if (!rebuilt) throw new HttpProblem(409, "idempotency_conflict", "the change made under this Idempotency-Key can no longer be shown");
    return replayed(rebuilt);
  }
  const headers = new Headers(JSON.parse(stored.responseHeaders ?? "{}") as Record<string, string>);
  const status = stored.statusCode ?? 200;
  return replayed(new Response(status === 204 || status === 304 ? null : stored.responseBody, { status, headers }));
}

async function settle(d1: D1Database, claim: IdempotencyClaim, c: AppContext): Promise<void> {
  const res = c.res;
  if (isTransientRefusal(res.status) || c.get("responseHoldsSecret")) {
    // releaseKey only removes a still-pending key; settleCommitted only touches a committed one.
    await releaseKey(d1, claim);
    await settleCommitted(d1, claim);
    return;
  }
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = res.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  await storeResponse(d1, claim, { status: res.status, body: await res.clone().text(), headers });
}

export const idempotency: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (c.req.method !== "POST" || key === undefined) return next();
  if (!KEY_RE.test(key)) throw new HttpProblem(400, "invalid_idempotency_key", "Idempotency-Key must be 1–255 visible ASCII characters");

  const principal = c.get("principal");
  const who = actorOf(principal);
  const d1 = franchiseDatabase(c.env, principal.franchiseId);
  const requestHash = await fingerprint(c, who);
  const claim: IdempotencyClaim = { franchiseId: principal.franchiseId, key, leaseToken: crypto.randomUUID() };

  if (!(await reserveKey(d1, { ...claim, principal: who, requestHash, nowMs: Date.now() }))) {
    return answerFromRecord(c, await loadKey(d1, principal.franchiseId, key), who, requestHash);
  }
  c.set("idempotencyClaim", claim);
  await next();
  await settle(d1, claim, c);
};
