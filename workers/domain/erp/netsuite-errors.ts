// What an answer from NetSuite means for the record being synced, and what a person should do.
// NetSuite errors are `{type, title, status, "o:errorDetails": [{detail, "o:errorCode",
// "o:errorPath"}]}` (NOTES.md §3.5, N1–N9). NetSuite limits concurrency, not request rates: a 429
// means the account's pool (shared with its other integrations) is full, so it is retried soon,
// never counted against the record. A 401 is first treated as an expired token; if it comes back
// with a fresh token it is the "invalid login" NetSuite gives under over-concurrency and is retried
// with backoff before anyone is asked to reconnect (N2, Lago's experience).
import type { SyncFailure } from "./xero-errors.ts";

export interface NetSuiteErrorDetail {
  detail: string;
  code: string;
  path: string | null;
}

export function errorDetails(body: string): NetSuiteErrorDetail[] {
  try {
    const parsed = JSON.parse(body) as { "o:errorDetails"?: Array<Record<string, unknown>>; title?: string };
    const details = parsed["o:errorDetails"] ?? [];
    return details.map((d) => ({ detail: String(d.detail ?? ""), code: String(d["o:errorCode"] ?? ""), path: typeof d["o:errorPath"] === "string" ? d["o:errorPath"] : null }));
  } catch {
    return [];
  }
}

/** The line (1-based) an errorPath like "item.items[2].taxCode" points at. */
const lineOf = (path: string) => {
  const m = /items\[(\d+)\]/.exec(path);
  return m ? Number(m[1]) + 1 : null;
};

/** A fix text for NetSuite's errors that we recognise. */
export function fixForNetSuiteError(d: NetSuiteErrorDetail): string {
  const path = d.path ?? "";
  const line = lineOf(path);
  const onLine = line ? ` (line ${line})` : "";
  if (/\.taxCode$/.test(path)) return `NetSuite does not accept the tax code${onLine}: correct the tax mapping under Integrations → Tax, then replay.`;
  if (/\.tax1Amt$/.test(path)) return `NetSuite computes a different tax${onLine}: the mapped tax code's rate differs from ours; map the tax rate to the NetSuite code with the same rate under Integrations → Tax, then replay.`;
  if (/\.item$/.test(path)) return `NetSuite does not know the item${onLine}: choose an item for the service type under Integrations → Accounts, then replay.`;
  if (path === "currency") return "The currency is not set up in NetSuite: add it there (Lists → Accounting → Currencies) or map it under Integrations → Currencies, then replay.";
  if (path === "entity" || path === "customer") return "The customer is not in NetSuite (deleted or inactive?): link it under Integrations → Contacts, then replay.";
  if (path === "account") return "NetSuite does not accept the payments account: choose a bank account under Integrations → Accounts (key \"payments\"), then replay.";
  if (/locked by a user defined workflow/i.test(d.detail)) return "A NetSuite workflow locks this record: unlock it (or change the workflow) in NetSuite, then replay.";
  if (/total can not be negative/i.test(d.detail)) return "NetSuite computed a negative total, which usually means a tax or item mapping is wrong: check the mappings under Integrations, then replay.";
  if (/exceeds the amount due/i.test(d.detail)) return "The invoice is already (partly) paid in NetSuite: review its payments there, then resolve the conflict.";
  if (/payments have been applied/i.test(d.detail)) return "NetSuite will not void an invoice with payments applied: review it in NetSuite.";
  if (/voided transaction/i.test(d.detail)) return "The transaction is voided in NetSuite: review it there.";
  if (/Company Name/i.test(d.detail)) return "The customer has no name NetSuite accepts: give it a name in Ledgerline, then replay.";
  if (d.code === "INSUFFICIENT_PERMISSION" || /permission/i.test(d.detail)) return "The NetSuite role of this integration lacks a permission: grant it (Setup → Users/Roles → Manage Roles), then replay.";
  return "Correct the data named in NetSuite's message, then replay the record.";
}

const describe = (details: NetSuiteErrorDetail[], status: number) => details.map((d) => `${d.code || status}${d.path ? ` at ${d.path}` : ""}: ${d.detail}`).join("; ").slice(0, 1000) || `NetSuite answered ${status}`;

export function classifyNetSuiteResponse(status: number, headers: { get(name: string): string | null }, body: string): SyncFailure {
  const details = errorDetails(body);
  const message = describe(details, status);
  const retryAfter = Number(headers.get("retry-after") ?? "");
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
  if (status === 429 || details.some((d) => d.code === "CONCURRENCY_LIMIT_EXCEEDED" || d.code === "SSS_REQUEST_LIMIT_EXCEEDED")) {
    return { class: "rate_limited", httpStatus: status, message, fix: "Nothing to do: the account's concurrency pool (shared with its other integrations) was full; retried shortly.", retryAfterSeconds: retryAfterSeconds ?? 2 };
  }
  if (status === 401) return { class: "token_expired", httpStatus: 401, message, fix: "Nothing to do: a new token is requested and the call retried." };
  if (status === 403) return { class: "reconnect_required", httpStatus: 403, message, fix: fixForNetSuiteError(details[0] ?? { detail: "permission", code: "INSUFFICIENT_PERMISSION", path: null }) };
  if (status >= 500 || status === 408) return { class: "transient", httpStatus: status, message, fix: "Nothing to do: retried with backoff.", ...(retryAfterSeconds ? { retryAfterSeconds } : {}) };
  if (details.some((d) => d.code === "IDEMPOTENCY_ERROR")) return { class: "duplicate", httpStatus: status, message, fix: "Nothing to do: the earlier request is looked up and linked." };
  return { class: "data_fix_required", httpStatus: status, message, fix: fixForNetSuiteError(details[0] ?? { detail: message, code: "", path: null }) };
}

/** A 401 that survived a fresh token: NetSuite's over-concurrency in disguise until it persists (N2). */
export function repeatedLoginFailure(failure: SyncFailure): SyncFailure {
  return { ...failure, class: "transient", fix: "Nothing to do yet: NetSuite refused the login even with a new token, which it also does when the account is over its concurrency limit; retried with backoff. If it persists, check the integration record and role in NetSuite." };
}

/** The token endpoint refused our client-credentials assertion (N9): only a person can fix the setup. */
export function assertionRefused(status: number, body: string, setup: { certificateId: string; clientId: string }): { message: string; fix: string } {
  let error = "";
  let description = "";
  try {
    const parsed = JSON.parse(body) as { error?: string; error_description?: string };
    error = parsed.error ?? "";
    description = parsed.error_description ?? "";
  } catch {
    description = body.slice(0, 200);
  }
  const message = `NetSuite refused the client-credentials assertion (${status} ${error || "error"}${description ? `: ${description}` : ""})`;
  const fix =
    error === "invalid_client"
      ? `NetSuite does not know client id ${setup.clientId} for certificate ${setup.certificateId}: check the integration record's client id in NetSuite (Setup → Integration → Manage Integrations), then reconnect under Integrations.`
      : error === "invalid_scope"
        ? "The integration record does not allow REST web services: enable the rest_webservices scope on it in NetSuite, then reconnect under Integrations."
        : `Certificate ${setup.certificateId} is not mapped to this integration in NetSuite, or its public key does not match our private key: upload the public key of NETSUITE_PRIVATE_KEY under Setup → Integration → OAuth 2.0 Client Credentials (M2M) Setup, then reconnect under Integrations.`;
  return { message, fix };
}

export function netsuiteNetworkFailure(error: unknown): SyncFailure {
  const timeout = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
  return { class: "transient", message: (timeout ? "NetSuite did not answer in time" : `could not reach NetSuite: ${error instanceof Error ? error.message : String(error)}`).slice(0, 300), fix: "Nothing to do: retried with backoff (an upsert by external id makes the retry safe)." };
}
