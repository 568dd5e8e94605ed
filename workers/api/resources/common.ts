// Shared pieces of the API's contract: ids, pagination, list envelopes, problem responses.
import { z } from "zod";
import { fromBase64url, base64url } from "../../auth/secrets.ts";
import { isCurrencyCode } from "../../domain/currency.ts";
import { HttpProblem } from "../problem.ts";

export const Id = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[0-9a-z]{26}$`), `must be a ${prefix}_… id`);
export const IsoDate = z.iso.date();
export const Amount = z.number().int().min(0).max(1e15).describe("integer amount in the currency's minor unit (cents)");
export const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as EUR")
  .refine(isCurrencyCode, "is not an active ISO 4217 currency code")
  .describe("active ISO 4217 currency code; amounts are in its minor unit (EUR 2 decimals, JPY 0, KWD 3)");

export const IdParams = (prefix: string) => z.object({ id: Id(prefix) });

export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe("nextCursor from the previous page"),
};

/** A page envelope, registered as the component `id` (e.g. "InvoiceList"). */
export const listOf = <T extends z.ZodType>(item: T, id: string) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable().describe("pass as cursor for the next page; null on the last") }).meta({ id });

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const id = new TextDecoder().decode(fromBase64url(cursor));
    if (/^[a-z]+_[0-9a-z]{26}$/.test(id)) return id;
  } catch {
    // fall through
  }
  throw new HttpProblem(400, "invalid_cursor", "cursor is not a value this API returned", { issues: [{ field: "cursor", message: "unrecognised cursor" }] });
}

/** Lists fetch limit + 1 rows; the extra row only says there is a next page. */
export function page<R extends { id: string }, T>(rows: R[], limit: number, toResource: (row: R) => T): { data: T[]; nextCursor: string | null } {
  const visible = rows.slice(0, limit);
  const last = visible[visible.length - 1];
  return {
    data: visible.map(toResource),
    nextCursor: rows.length > limit && last ? base64url(new TextEncoder().encode(last.id)) : null,
  };
}

// OpenAPI conventions (follow them in every route so /openapi.json stays truthful):
// - A resource schema is a named component: `z.object({...}).meta({ id: "Invoice" })`; its list is
//   `listOf(Invoice, "InvoiceList")`. Never inline the problem schema: use `problemResponses`.
// - A success response is `jsonResponse(Schema, "what", "ETag", "Location", ...)`: it documents the
//   JSON body and the headers the route sets (X-Request-Id is always added).
// - Errors: `problemResponses(...AUTHENTICATED, ...WITH_BODY, 404, 409)`: every status the route,
//   its use case AND the middleware in front of it can send, plus a `default` problem response.
//   Domain state conflicts are 409, business-rule refusals 422 (workers/api/problem.ts DOMAIN_STATUS).
// - A required body is `jsonRequestBody(Schema)` (marks `required: true`); header parameters are
//   typed strings (IdempotencyHeader, IfMatchHeader); state the validation the server enforces
//   (ranges, patterns, multipleOf, max lengths) in the zod schema itself.
// test/worker/openapi-contract.ts checks every response the API tests receive against this document.

export const HEADER_DOCS = {
  "X-Request-Id": "The request's id (the caller's if it sent a sane one); quote it when reporting a problem",
  ETag: "Version tag of the resource; send it back in If-Match to update, or If-None-Match to revalidate",
  Location: "URL of the created resource",
  "Idempotent-Replayed": "\"true\" when this is the stored response of an earlier request with the same Idempotency-Key",
  "WWW-Authenticate": "The authentication scheme to use (Bearer)",
  "Retry-After": "Seconds to wait before retrying",
  "RateLimit-Policy": "API keys only: the quotas that apply, as IETF RateLimit-Policy (\"key\";q=<burst>;w=<seconds to refill>, \"franchise\";q=…;w=…)",
  RateLimit: "API keys only: what is left of each quota, as IETF RateLimit (\"key\";r=<remaining>;t=<seconds until full>, \"franchise\";r=…;t=…)",
  Allow: "The methods the path supports",
  "Set-Cookie": "The dashboard's session cookie (ll_session: HttpOnly, SameSite=Strict, Secure over https), or its removal",
} as const;
export type DocumentedHeader = keyof typeof HEADER_DOCS;

const headerObjects = (names: readonly DocumentedHeader[]) =>
  Object.fromEntries(["X-Request-Id", "RateLimit-Policy", "RateLimit", ...names.filter((n) => n !== "RateLimit-Policy" && n !== "RateLimit")].map((n) => [n, { description: HEADER_DOCS[n as DocumentedHeader] as string, schema: { type: "string" as const } }]));

/** An OpenAPI response entry with a JSON body and the headers the route sets. */
export const jsonResponse = (schema: z.ZodType, description: string, ...headers: DocumentedHeader[]) => ({
  description,
  headers: headerObjects(headers),
  content: { "application/json": { schema } },
});

/** A response without a body (204). */
export const emptyResponse = (description: string, ...headers: DocumentedHeader[]) => ({ description, headers: headerObjects(headers) });

/** A JSON request body the operation requires. */
export const jsonRequestBody = <T extends z.ZodType>(schema: T) => ({ required: true, content: { "application/json": { schema } } });

export const Problem = z
  .object({
    type: z.string().describe("urn:ledgerline:problem:<code>"),
    title: z.string(),
    status: z.number().int().min(100).max(599),
    detail: z.string(),
    code: z.string().describe("stable machine-readable error code"),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional().describe("the offending fields"),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details" });

const problemContent = { "application/problem+json": { schema: Problem } };

/** Statuses every authenticated /v1 operation can answer (middleware and validation). */
export const AUTHENTICATED = [400, 401, 403, 429] as const;
/** What a /v1 POST/PATCH can also answer: Idempotency-Key in progress (409) or reused (422), body too large (413), not JSON (415). */
export const WITH_BODY = [409, 413, 415, 422] as const;

const PROBLEM_HEADERS: Record<number, DocumentedHeader[]> = { 401: ["WWW-Authenticate"], 409: ["Retry-After"], 429: ["Retry-After", "RateLimit-Policy", "RateLimit"], 503: ["Retry-After"] };

export const problemResponses = (...statuses: number[]) => ({
  ...Object.fromEntries(
    statuses.map((s) => [String(s), { description: PROBLEM_DESCRIPTIONS[s] ?? "error", headers: headerObjects(PROBLEM_HEADERS[s] ?? []), content: problemContent }]),
  ),
  default: { description: "Any other error (e.g. 429, 500), as problem+json", headers: headerObjects([]), content: problemContent },
});

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed request: bad JSON or a field failing the schema",
  401: "Missing or invalid credentials",
  403: "The credentials lack the needed scope or role",
  404: "No such resource in this franchise",
  409: "The current state does not allow this (or the same Idempotency-Key is still in progress)",
  412: "If-Match does not match the current ETag",
  413: "The body is too large",
  415: "The body is not application/json",
  422: "The request breaks a business rule, or reuses an Idempotency-Key with another body",
  428: "If-Match is required",
  429: "Too many requests: the API key's or franchise's rate limit (rate_limited, franchise_rate_limited) or concurrency limit (concurrency_limited); see Retry-After and RateLimit",
};

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** An optional header typed `string` in the document (chanfana hands a missing header over as null). */
const optionalHeader = <T extends z.ZodType>(schema: T, documented: { pattern?: string } = {}) =>
  z.preprocess((v) => (v === null ? undefined : v), schema.optional()).meta({ type: "string", ...documented });

export const IdempotencyHeader = z.object({
  "idempotency-key": optionalHeader(z.string().regex(IDEMPOTENCY_KEY_PATTERN), { pattern: IDEMPOTENCY_KEY_PATTERN.source }).describe(
    "1–255 visible ASCII characters, kept 24 h per franchise. A retry by the same caller with the same request (JSON compared canonically: key order and whitespace do not matter) replays the first response with `Idempotent-Replayed: true`. 409 `idempotency_in_progress` (with Retry-After) while the first is running (a dead request frees the key after 30 s); 422 `idempotency_key_reused` for another request; 422 `idempotency_key_other_principal` when another key or user of the franchise used it. Transient refusals (409, 429, 5xx) are not kept: a retry runs again.",
  ),
});

/** For updates that need the ETag read (428 without it, 412 when stale). */
export const IfMatchHeader = z.object({ "if-match": z.string().min(1).describe("the ETag from GET, or *") });
/** For conditional reads (304 when it matches the current ETag). */
export const IfNoneMatchHeader = z.object({ "if-none-match": optionalHeader(z.string()).describe("an ETag you hold: 304 Not Modified when it is still current") });
