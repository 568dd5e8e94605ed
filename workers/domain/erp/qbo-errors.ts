// What an answer from QuickBooks Online means for the record being synced, and what a person
// should do about it. QBO speaks three shapes (NOTES.md §8, Q1–Q13): the `Fault` JSON
// (ValidationFault / SystemFault / AuthorizationFault, each Error with code, Message, Detail and
// the element at fault), Intuit's lower-case `fault` on a 401, and XML for a 429 even to a JSON
// client. Classes are Xero's (sync-state.ts decides retries from them); `qboCode`/`element` let
// the connector act on specific faults (6140 duplicate number, 5010 stale SyncToken).
import type { SyncFailure } from "./xero-errors.ts";

export interface QboFault {
  code: string;
  message: string;
  detail: string;
  element: string;
  type: string;
}

export type QboFailure = SyncFailure & { qboCode?: string; element?: string };

/** The Fault's errors, whatever shape the body came in (JSON either case, or XML). */
export function qboFaults(body: string): QboFault[] {
  const text = body.trim();
  if (text.startsWith("<")) {
    const type = /<Fault[^>]*type="([^"]*)"/.exec(text)?.[1] ?? "";
    return [...text.matchAll(/<Error[^>]*code="([^"]*)"[^>]*>([\s\S]*?)<\/Error>/g)].map((m) => ({
      code: m[1]!,
      message: unxml(/<Message>([\s\S]*?)<\/Message>/.exec(m[2]!)?.[1] ?? ""),
      detail: unxml(/<Detail>([\s\S]*?)<\/Detail>/.exec(m[2]!)?.[1] ?? ""),
      element: /element="([^"]*)"/.exec(m[0])?.[1] ?? "",
      type,
    }));
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return [];
  }
  const fault = (parsed.Fault ?? parsed.fault) as Record<string, unknown> | undefined;
  const errors = (fault?.Error ?? fault?.error) as Array<Record<string, unknown>> | undefined;
  if (!Array.isArray(errors)) return [];
  return errors.map((e) => ({ code: String(e.code ?? ""), message: String(e.Message ?? e.message ?? ""), detail: String(e.Detail ?? e.detail ?? ""), element: String(e.element ?? ""), type: String(fault?.type ?? "") }));
}

const unxml = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

/** The fix for a validation fault we recognise; otherwise a generic one naming QBO's element. */
export function fixForQboFault(f: Pick<QboFault, "code" | "element" | "detail">): string {
  const el = f.element.split(".").pop() ?? "";
  if (f.code === "2500" || f.code === "610") {
    if (el === "TaxCodeRef") return "QuickBooks has no active tax code with the mapped id: correct the tax mapping under Integrations → Tax, then replay.";
    if (el === "ItemRef") return "QuickBooks has no active item with the mapped id: choose another item under Integrations → Accounts, then replay.";
    if (el === "DepositToAccountRef") return "The mapped payments account is not a QuickBooks bank account: choose one under Integrations → Accounts (key \"payments\"), then replay.";
    if (el === "CustomerRef") return "The linked QuickBooks customer no longer exists or is inactive: re-link the customer under Integrations → Contacts, then replay.";
    if (f.code === "610") return "Something this record uses was made inactive in QuickBooks (an account, customer or item): reactivate it there or change the mapping, then replay.";
  }
  if (f.code === "6140") return "Nothing to do: the QuickBooks document with this number is looked up and linked.";
  if (f.code === "6240") return "A different QuickBooks customer already has this name: link the customer to it under Integrations → Contacts, then replay.";
  if (f.code === "6210") return "The accounting period is closed in QuickBooks: reopen it (or change the closing date) in QuickBooks, then replay.";
  if (f.code === "6190") return "The QuickBooks subscription has lapsed: renew it, then reconnect under Integrations.";
  if (f.code === "6070") return "QuickBooks computed a line differently: report this record to support (it is a rounding defect on our side).";
  if (/currency/i.test(f.detail)) return "Enable this currency in QuickBooks (Settings → Advanced → Currency) or link a customer in that currency, then replay.";
  if (/payments applied/i.test(f.detail)) return "The invoice is paid in QuickBooks: review its payments there, then resolve the conflict.";
  if (/tax amount/i.test(f.detail)) return "QuickBooks computed a different tax: check that each tax mapping points at a QuickBooks code with the same rate, then replay.";
  if (/doc_num/i.test(f.detail)) return "QuickBooks allows at most 21 characters in a document number: shorten the numbering series prefix, then replay.";
  return `Correct the data QuickBooks names${f.element ? ` (${f.element})` : ""}, then replay the record.`;
}

/**
 * Classifies a non-2xx answer. `minuteSeconds` is the length of QBO's rate-limit minute (scaled
 * in tests): a 429 without Retry-After waits one such minute.
 */
export function classifyQboResponse(status: number, headers: { get(name: string): string | null }, body: string, minuteSeconds = 60): QboFailure {
  const retryAfter = Number(headers.get("retry-after") ?? "");
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
  const faults = qboFaults(body);
  const first = faults[0];
  const said = first ? `${first.message}${first.detail ? `: ${first.detail}` : ""}`.slice(0, 500) : body.slice(0, 200) || `HTTP ${status}`;
  const base = { httpStatus: status, ...(first ? { qboCode: first.code, element: first.element } : {}) };
  if (status === 429 || (status === 403 && first?.code === "3001")) {
    return { ...base, class: "rate_limited", message: "QuickBooks throttled the request (ThrottleExceeded)", fix: "Nothing to do: retried after QuickBooks' limit window.", retryAfterSeconds: retryAfterSeconds ?? minuteSeconds };
  }
  if (status === 401 && (first?.code === "3200" || /AuthenticationFailed|Token expired|token/i.test(said))) return { ...base, class: "token_expired", message: "QuickBooks access token expired or was refused", fix: "Nothing to do: the token is refreshed and the call retried." };
  if (status === 401 || status === 403 || first?.code === "120" || first?.code === "6190") return { ...base, class: "reconnect_required", message: `QuickBooks refused the connection (${status}: ${said})`, fix: first?.code === "6190" ? fixForQboFault(first) : "Reconnect QuickBooks under Integrations (the company may have removed this app's access)." };
  if (status >= 500 || status === 408 || first?.type === "SystemFault") return { ...base, class: "transient", message: `QuickBooks answered ${status}: ${said}`, fix: "Nothing to do: retried with backoff.", ...(retryAfterSeconds ? { retryAfterSeconds } : {}) };
  if (first?.code === "5010") return { ...base, class: "transient", message: said, fix: "Nothing to do: the document is re-read and the change retried." };
  if (first?.code === "6140") return { ...base, class: "duplicate", message: said, fix: fixForQboFault(first) };
  return { ...base, class: "data_fix_required", message: said, fix: first ? fixForQboFault(first) : "Correct the data QuickBooks names, then replay the record." };
}

export function qboNetworkFailure(error: unknown): QboFailure {
  return { class: "transient", message: `could not reach QuickBooks: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300), fix: "Nothing to do: retried with backoff." };
}
