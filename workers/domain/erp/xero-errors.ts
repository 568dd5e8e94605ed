// What an answer from Xero means for the record being synced, and what a person should do about
// it. The classes drive retries (transient ones back off; a daily-limit hit waits for the next
// window; permanent ones stop and are shown with their fix). Shapes: NOTES.md §8, X1–X12.
export type FailureClass =
  | "rate_limited" // 429 minute/concurrent/app: wait Retry-After
  | "daily_limit" // 429 day: defer to the next window, don't hammer
  | "transient" // 5xx, network, timeout: back off with jitter
  | "token_expired" // 401 TokenExpired: refresh once, then retry
  | "reconnect_required" // 403 / invalid_grant: a person must reconnect
  | "duplicate" // number already used: look it up and link it
  | "data_fix_required"; // validation: someone fixes data or mapping, then replays

export interface SyncFailure {
  class: FailureClass;
  /** The ERP's own message, verbatim (shown beside the fix). */
  message: string;
  /** What to do, in words staff understand. */
  fix: string;
  retryAfterSeconds?: number;
  httpStatus?: number;
}

export const isPermanent = (f: SyncFailure) => f.class === "data_fix_required" || f.class === "reconnect_required";

/** A fix text for Xero's validation messages that we recognise. */
export function fixForXeroMessage(message: string): string {
  if (/Tax type '([^']*)' is not valid/.test(message)) return `Xero has no tax code ${/'([^']*)'/.exec(message)![1]}: correct the tax mapping under Integrations → Tax, then replay.`;
  if (/Account code '([^']*)'/.test(message)) return `Xero rejects account ${/'([^']*)'/.exec(message)![1]}: choose a revenue account under Integrations → Accounts, then replay.`;
  if (/currency .* is not enabled/i.test(message)) return "Enable this currency in Xero (Settings → Currencies), then replay.";
  if (/contact name is already assigned/i.test(message)) return "A different Xero contact has this customer's name: link the customer to it under Integrations → Contacts, then replay.";
  if (/total does not equal the sum of the lines/i.test(message)) return "Xero computed different totals: report this record to support (it is a rounding defect on our side).";
  if (/not of valid status for modification/i.test(message)) return "Xero will not change this document in its current state (e.g. it is paid there): review it in Xero.";
  if (/Payment amount exceeds/i.test(message)) return "The invoice is already (partly) paid in Xero: review its payments in Xero, then resolve the conflict.";
  if (/authorised invoice/i.test(message)) return "The invoice is not approved in Xero yet: it syncs first, then this payment is retried.";
  return "Correct the data named in Xero's message, then replay the record.";
}

export function classifyXeroResponse(status: number, headers: { get(name: string): string | null }, body: string): SyncFailure {
  const retryAfter = Number(headers.get("retry-after") ?? "");
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
  if (status === 429) {
    const problem = (headers.get("x-rate-limit-problem") ?? "minute").toLowerCase();
    if (problem === "day") return { class: "daily_limit", httpStatus: 429, message: "Xero daily API limit reached", fix: "Nothing to do: syncing resumes when Xero's daily window reopens.", retryAfterSeconds: retryAfterSeconds ?? 3600 };
    return { class: "rate_limited", httpStatus: 429, message: `Xero rate limit (${problem})`, fix: "Nothing to do: retried after Xero's Retry-After.", retryAfterSeconds: retryAfterSeconds ?? 60 };
  }
  if (status === 401 && /TokenExpired/i.test(body)) return { class: "token_expired", httpStatus: 401, message: "Xero access token expired", fix: "Nothing to do: the token is refreshed and the call retried." };
  if (status === 401 || status === 403) return { class: "reconnect_required", httpStatus: status, message: `Xero refused the connection (${status}: ${extractDetail(body)})`, fix: "Reconnect Xero under Integrations (the organisation may have revoked access)." };
  if (status >= 500 || status === 408) return { class: "transient", httpStatus: status, message: `Xero answered ${status}: ${extractDetail(body)}`, fix: "Nothing to do: retried with backoff.", ...(retryAfterSeconds ? { retryAfterSeconds } : {}) };
  const messages = validationMessages(body);
  const message = messages.join("; ") || `Xero answered ${status}`;
  if (messages.some((m) => /must be unique/i.test(m))) return { class: "duplicate", httpStatus: status, message, fix: "Nothing to do: the existing Xero document is looked up and linked." };
  return { class: "data_fix_required", httpStatus: status, message, fix: fixForXeroMessage(messages[0] ?? message) };
}

/** Messages of a ValidationException (or of one batch element with HasErrors). */
export function validationMessages(body: string | Record<string, unknown>): string[] {
  let parsed: Record<string, unknown>;
  try {
    parsed = typeof body === "string" ? (JSON.parse(body) as Record<string, unknown>) : body;
  } catch {
    return [];
  }
  const elements = Array.isArray(parsed.Elements) ? (parsed.Elements as Record<string, unknown>[]) : [parsed];
  const out = elements.flatMap((e) => (Array.isArray(e.ValidationErrors) ? (e.ValidationErrors as Array<{ Message?: string }>).map((v) => String(v.Message ?? "")) : []));
  if (out.length === 0 && typeof parsed.Message === "string" && parsed.Type === "ValidationException") out.push(parsed.Message);
  return out;
}

function extractDetail(body: string): string {
  try {
    const parsed = JSON.parse(body) as { Detail?: string; Title?: string };
    return (parsed.Detail ?? parsed.Title ?? "no detail").slice(0, 200);
  } catch {
    return body.slice(0, 200) || "no detail";
  }
}

export function networkFailure(error: unknown): SyncFailure {
  return { class: "transient", message: `could not reach Xero: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300), fix: "Nothing to do: retried with backoff." };
}
