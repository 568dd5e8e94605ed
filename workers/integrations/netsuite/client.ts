// One call to NetSuite's REST web services, the way every call must be made: a permit from the
// connection's ErpConnection (our slice of the account's concurrency pool), a token from it
// (re-acquired single-flight there), a timeout (NetSuite lets a request run 15 minutes; we do
// not wait that long: an upsert by external id makes the retry safe), and the answer classified.
// A 429 (the pool was full anyway: other integrations share it) is retried here after a short
// jittered pause; a 401 is retried once with a new token, and if it repeats it is treated as
// NetSuite's over-concurrency "invalid login" (transient) rather than a dead connection.
import type { ErpConnection } from "../../../durable-objects/erp-connection.ts";
import { classifyNetSuiteResponse, netsuiteNetworkFailure, repeatedLoginFailure } from "../../domain/erp/netsuite-errors.ts";
import type { SyncFailure } from "../../domain/erp/xero-errors.ts";
import { netsuiteEndpoints } from "./endpoints.ts";

export type NetSuiteResult = { ok: true; status: number; body: Record<string, unknown>; location: string | null } | { ok: false; failure: SyncFailure };

/** Waits longer than this are not slept in the consumer: the message is delayed instead. */
const MAX_INLINE_WAIT_MS = 2_500;
/** A call slower than this is abandoned (and retried later; NetSuite's own limit is 15 minutes). */
export const NETSUITE_CALL_TIMEOUT_MS = 60_000;
/** 429s retried inline before the record is handed back to the queue with a delay. */
const INLINE_429_RETRIES = 4;
/** How long a call waits here, in short jittered steps, for a free slot of our slice of the pool. */
const MAX_SLOT_WAIT_MS = 15_000;

export interface NetSuiteClient {
  /** `path` below /services/rest/record/v1 (e.g. "/invoice/eid:inv_1"). */
  record(method: "GET" | "POST" | "PUT" | "PATCH", path: string, body?: unknown): Promise<NetSuiteResult>;
  /** One page of a SuiteQL query (Prefer: transient). */
  suiteql(q: string, page?: { limit: number; offset: number }): Promise<NetSuiteResult>;
}

export function netsuiteClient(env: Env, connectionId: string, accountId: string, options: { timeoutMs?: number } = {}): NetSuiteClient {
  const stub = env.ERP_CONNECTION.get(env.ERP_CONNECTION.idFromName(connectionId)) as DurableObjectStub<ErpConnection>;
  const endpoints = netsuiteEndpoints(env.NETSUITE_BASE_URL, accountId);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const timeoutMs = options.timeoutMs ?? NETSUITE_CALL_TIMEOUT_MS;

  async function call(method: string, url: string, body: unknown, extraHeaders: Record<string, string>): Promise<NetSuiteResult> {
    let renewed = false;
    let storms = 0;
    let waitedForSlot = 0;
    for (let tries = 0; tries < 20; tries++) {
      const permit = await stub.acquire();
      if (!permit.granted && permit.reason === "concurrent" && waitedForSlot < MAX_SLOT_WAIT_MS) {
        // A slot frees as soon as one of our calls ends (the lease time is only the worst case): poll for it.
        const pause = 40 + Math.random() * 120;
        await sleep(pause);
        waitedForSlot += pause;
        tries--;
        continue;
      }
      if (!permit.granted) {
        if (permit.waitMs <= MAX_INLINE_WAIT_MS) {
          await sleep(permit.waitMs);
          continue;
        }
        return { ok: false, failure: { class: "rate_limited", message: `held back to stay within our slice of the NetSuite account's concurrency pool (${permit.reason})`, fix: "Nothing to do: syncing resumes shortly.", retryAfterSeconds: Math.ceil(permit.waitMs / 1000) } };
      }
      let status = 0;
      let text = "";
      let headers = new Headers();
      let token: string | undefined;
      try {
        const t = await stub.accessToken();
        if (!t.ok) {
          await stub.release(permit.lease, { status: 0 });
          return { ok: false, failure: t.reason === "refresh_failed" ? { class: "transient", message: t.message, fix: t.fix ?? "Nothing to do: retried with backoff." } : { class: "reconnect_required", message: t.message, fix: t.fix ?? "Reconnect NetSuite under Integrations." } };
        }
        token = t.accessToken;
        const response = await fetch(url, {
          method,
          headers: { authorization: `Bearer ${token}`, accept: "application/json", ...(body !== undefined ? { "content-type": "application/json" } : {}), ...extraHeaders },
          body: body !== undefined ? JSON.stringify(body) : undefined,
          signal: AbortSignal.timeout(timeoutMs),
        });
        status = response.status;
        headers = response.headers;
        text = await response.text();
      } catch (error) {
        await stub.release(permit.lease, { status: 0 });
        return { ok: false, failure: netsuiteNetworkFailure(error) };
      }
      // A full pool is not a rate window: the budget is not paused ("concurrent"), the call just waits.
      await stub.release(permit.lease, { status, problem: status === 429 ? "concurrent" : null });
      if (status >= 200 && status < 300) {
        try {
          return { ok: true, status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, location: headers.get("location") };
        } catch {
          return { ok: false, failure: { class: "transient", message: "NetSuite answered with a body that is not JSON", fix: "Nothing to do: retried with backoff.", httpStatus: status } };
        }
      }
      const failure = classifyNetSuiteResponse(status, headers, text);
      if (failure.class === "token_expired") {
        if (!renewed && token) {
          renewed = true;
          await stub.tokenRejected(token);
          continue;
        }
        return { ok: false, failure: repeatedLoginFailure(failure) };
      }
      if (failure.class === "rate_limited" && storms < INLINE_429_RETRIES) {
        storms++;
        // Jittered, growing pauses so callers sharing the pool do not retry in lockstep (Oracle's guidance).
        await sleep(100 * 2 ** storms + Math.random() * 200);
        continue;
      }
      return { ok: false, failure };
    }
    return { ok: false, failure: { class: "rate_limited", message: "could not get a NetSuite call slot", fix: "Nothing to do: retried shortly.", retryAfterSeconds: 5 } };
  }

  return {
    record: (method, path, body) => call(method, `${endpoints.record}${path}`, body, {}),
    suiteql: (q, page = { limit: 1000, offset: 0 }) => call("POST", `${endpoints.suiteql}?limit=${page.limit}&offset=${page.offset}`, { q }, { prefer: "transient" }),
  };
}
