// One call to the QuickBooks Online API, the way every call must be made: a permit from the
// connection's ErpConnection (our budget keeps us under 10 in flight / 500 a minute per realm),
// a token from it (refreshed single-flight there), the realm in the path, minorversion and, for a
// create, the `requestid` that makes QBO answer a retry with its first answer. A 401 is retried
// once after telling the DO; a short wait for a permit is waited here, a long one handed back.
import { classifyQboResponse, qboNetworkFailure, type QboFailure } from "../../domain/erp/qbo-errors.ts";
import { connectionStub } from "../xero/client.ts";
import { QBO_MINOR_VERSION, qboEndpoints } from "./endpoints.ts";

export type QboResult = { ok: true; status: number; body: Record<string, unknown> } | { ok: false; failure: QboFailure };

/** Waits longer than this are not slept in the consumer: the message is delayed instead. */
const MAX_INLINE_WAIT_MS = 2_500;

export interface QboClient {
  /** `path` is below /v3/company/<realmId>, e.g. "/invoice" or "/query"; `params` are added to its query. */
  call(method: "GET" | "POST", path: string, options?: { body?: unknown; requestId?: string; params?: Record<string, string> }): Promise<QboResult>;
  /** Runs a query (select * from …) and answers the rows of `entity`. */
  query(entity: string, statement: string): Promise<{ ok: true; rows: Array<Record<string, unknown>> } | { ok: false; failure: QboFailure }>;
}

export function qboClient(env: Env, connectionId: string, realmId: string): QboClient {
  const stub = connectionStub(env, connectionId);
  const company = `${qboEndpoints(env.QBO_BASE_URL).company}/${realmId}`;
  const minuteSeconds = Math.max(1, Math.round((Number(env.QBO_MINUTE_MS) || 60_000) / 1000));
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const client: QboClient = {
    async call(method, path, options = {}) {
      const url = new URL(`${company}${path}`);
      url.searchParams.set("minorversion", QBO_MINOR_VERSION);
      for (const [k, v] of Object.entries(options.params ?? {})) url.searchParams.set(k, v);
      if (options.requestId) url.searchParams.set("requestid", options.requestId);
      let refreshed = false;
      for (let tries = 0; tries < 20; tries++) {
        const permit = await stub.acquire();
        if (!permit.granted) {
          if (permit.waitMs <= MAX_INLINE_WAIT_MS) {
            await sleep(permit.waitMs);
            continue;
          }
          return { ok: false, failure: { class: "rate_limited", message: `held back to stay within QuickBooks' ${permit.reason} limit`, fix: "Nothing to do: syncing resumes when the limit window reopens.", retryAfterSeconds: Math.ceil(permit.waitMs / 1000) } };
        }
        let status = 0;
        let text = "";
        let headers: Headers = new Headers();
        let token: string | undefined;
        try {
          const t = await stub.accessToken();
          if (!t.ok) {
            await stub.release(permit.lease, { status: 0 });
            return { ok: false, failure: t.reason === "refresh_failed" ? { class: "transient", message: t.message, fix: "Nothing to do: retried with backoff." } : { class: "reconnect_required", message: t.message, fix: "Reconnect QuickBooks under Integrations." } };
          }
          token = t.accessToken;
          const response = await fetch(url, {
            method,
            headers: { authorization: `Bearer ${token}`, accept: "application/json", ...(options.body !== undefined ? { "content-type": "application/json" } : {}) },
            body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
          });
          status = response.status;
          headers = response.headers;
          text = await response.text();
        } catch (error) {
          await stub.release(permit.lease, { status: 0 });
          return { ok: false, failure: qboNetworkFailure(error) };
        }
        const retryAfter = Number(headers.get("retry-after"));
        await stub.release(permit.lease, { status, retryAfterSeconds: status === 429 ? (Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : minuteSeconds) : undefined });
        if (status >= 200 && status < 300) {
          try {
            return { ok: true, status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
          } catch {
            return { ok: false, failure: { class: "transient", message: "QuickBooks answered with a body that is not JSON", fix: "Nothing to do: retried with backoff.", httpStatus: status } };
          }
        }
        const failure = classifyQboResponse(status, headers, text, minuteSeconds);
        if (failure.class === "token_expired" && !refreshed && token) {
          refreshed = true;
          await stub.tokenRejected(token);
          continue;
        }
        return { ok: false, failure };
      }
      return { ok: false, failure: { class: "rate_limited", message: "could not get a QuickBooks call slot", fix: "Nothing to do: retried shortly.", retryAfterSeconds: 5 } };
    },
    async query(entity, statement) {
      const result = await client.call("GET", "/query", { params: { query: statement } });
      if (!result.ok) return result;
      const rows = ((result.body.QueryResponse as Record<string, unknown> | undefined)?.[entity] as Array<Record<string, unknown>> | undefined) ?? [];
      return { ok: true, rows };
    },
  };
  return client;
}
