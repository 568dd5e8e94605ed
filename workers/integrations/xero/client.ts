// One call to the Xero Accounting API, the way every call must be made: a permit from the
// connection's ErpConnection (so our own budget, not a 429, keeps us within Xero's limits), a
// token from it (refreshed single-flight there), the tenant header, and the answer classified.
// A 401 TokenExpired is retried once after telling the DO; a short wait for a permit is waited
// here, a long one is handed back so the queue message can be delayed instead.
import type { ErpConnection } from "../../../durable-objects/erp-connection.ts";
import { classifyXeroResponse, networkFailure, type SyncFailure } from "../../domain/erp/xero-errors.ts";
import { xeroEndpoints } from "./endpoints.ts";

export type XeroResult = { ok: true; status: number; body: Record<string, unknown> } | { ok: false; failure: SyncFailure };

/**
 * Waits for the next slot in the rolling minute (or a call in flight to finish) are slept here,
 * up to a little more than one Xero minute: handing a full batch back to the queue instead would
 * re-deliver its records scattered over the next seconds and leave slots unused meanwhile. Longer
 * waits (the daily limit, a Retry-After pause) are handed back so the message is delayed instead.
 */
const MAX_INLINE_WAIT_MS = 2_500;
const inlineWaitLimitMs = (env: Env) => {
  const minuteMs = Number(env.XERO_MINUTE_MS);
  return Math.max(MAX_INLINE_WAIT_MS, (Number.isFinite(minuteMs) && minuteMs > 0 ? minuteMs : 60_000) + 5_000);
};

export interface XeroClient {
  call(method: "GET" | "POST" | "PUT", path: string, options?: { body?: unknown; idempotencyKey?: string; ifModifiedSince?: string }): Promise<XeroResult>;
}

export function connectionStub(env: Env, connectionId: string): DurableObjectStub<ErpConnection> {
  return env.ERP_CONNECTION.get(env.ERP_CONNECTION.idFromName(connectionId)) as DurableObjectStub<ErpConnection>;
}

export function xeroClient(env: Env, connectionId: string, tenantId: string): XeroClient {
  const stub = connectionStub(env, connectionId);
  const api = xeroEndpoints(env.XERO_BASE_URL).api;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const inlineWaitLimit = inlineWaitLimitMs(env);
  return {
    async call(method, path, options = {}) {
      let refreshed = false;
      // Time spent waiting for slots, bounded so one call never holds its records past their claim.
      let waited = 0;
      for (let tries = 0; tries < 20; ) {
        const permit = await stub.acquire();
        if (!permit.granted) {
          const inline = permit.reason === "minute" || permit.reason === "concurrent" ? inlineWaitLimit : MAX_INLINE_WAIT_MS;
          if (permit.waitMs <= inline && waited + permit.waitMs <= 2 * inlineWaitLimit) {
            // A call in flight usually ends long before its lease would: look again soon.
            const ms = permit.reason === "concurrent" ? Math.min(permit.waitMs, 100) : permit.waitMs;
            waited += ms;
            await sleep(ms);
            continue;
          }
          return { ok: false, failure: { class: permit.reason === "day" ? "daily_limit" : "rate_limited", message: `held back to stay within Xero's ${permit.reason} limit`, fix: "Nothing to do: syncing resumes when the limit window reopens.", retryAfterSeconds: Math.ceil(permit.waitMs / 1000) } };
        }
        tries++;
        let status = 0;
        let text = "";
        let headers: Headers = new Headers();
        let token: string | undefined;
        let sentAt: number | undefined;
        try {
          const t = await stub.accessToken();
          if (!t.ok) {
            await stub.release(permit.lease, { status: 0 });
            return { ok: false, failure: t.reason === "refresh_failed" ? { class: "transient", message: t.message, fix: "Nothing to do: retried with backoff." } : { class: "reconnect_required", message: t.message, fix: "Reconnect Xero under Integrations." } };
          }
          token = t.accessToken;
          sentAt = Date.now();
          const response = await fetch(`${api}${path}`, {
            method,
            headers: {
              authorization: `Bearer ${token}`,
              "xero-tenant-id": tenantId,
              accept: "application/json",
              ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
              ...(options.idempotencyKey ? { "idempotency-key": options.idempotencyKey } : {}),
              ...(options.ifModifiedSince ? { "if-modified-since": options.ifModifiedSince } : {}),
            },
            body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
          });
          status = response.status;
          headers = response.headers;
          text = await response.text();
        } catch (error) {
          await stub.release(permit.lease, { status: 0, sentAt });
          return { ok: false, failure: networkFailure(error) };
        }
        const retryAfter = Number(headers.get("retry-after"));
        await stub.release(permit.lease, { status, retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined, problem: headers.get("x-rate-limit-problem"), sentAt });
        // If-Modified-Since and nothing changed: an empty answer, not a failure.
        if (status === 304) return { ok: true, status, body: {} };
        if (status >= 200 && status < 300) {
          try {
            return { ok: true, status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
          } catch {
            return { ok: false, failure: { class: "transient", message: "Xero answered with a body that is not JSON", fix: "Nothing to do: retried with backoff.", httpStatus: status } };
          }
        }
        const failure = classifyXeroResponse(status, headers, text);
        if (failure.class === "token_expired" && !refreshed && token) {
          refreshed = true;
          await stub.tokenRejected(token);
          continue;
        }
        if (failure.class === "rate_limited" && headers.get("x-rate-limit-problem") === "concurrent") {
          await sleep(250);
          continue;
        }
        // A minute 429 that reopens within the inline wait (our budget and Xero's windows a few
        // hundred ms apart): the release above paused the budget until Retry-After, so the next
        // permit waits it out here. Handed back instead, the whole batch would go behind the
        // queue's backlog (a minute or more later, in a bench of 10,000). A 429 commits nothing,
        // so sending the same request (same Idempotency-Key) again is safe.
        if (failure.class === "rate_limited" && (failure.retryAfterSeconds ?? Number.POSITIVE_INFINITY) * 1000 <= MAX_INLINE_WAIT_MS) continue;
        return { ok: false, failure };
      }
      return { ok: false, failure: { class: "rate_limited", message: "could not get a Xero call slot", fix: "Nothing to do: retried shortly.", retryAfterSeconds: 5 } };
    },
  };
}
