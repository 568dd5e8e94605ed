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

export const listOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });

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

/** An OpenAPI response entry with a JSON body. */
export const jsonResponse = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema } } });

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .describe("RFC 9457 problem details");

const problemContent = { "application/problem+json": { schema: Problem } };

export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { description: PROBLEM_DESCRIPTIONS[s] ?? "error", content: problemContent }]));

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed request: bad JSON or a field failing the schema",
  401: "Missing or invalid credentials",
  403: "The key lacks the needed scope",
  404: "No such resource in this franchise",
  409: "The current state does not allow this",
  412: "If-Match does not match the current ETag",
  422: "The request breaks a business rule, or reuses an Idempotency-Key",
  428: "If-Match is required",
};

export const IdempotencyHeader = z.object({
  "idempotency-key": z.string().max(255).nullish().describe("Retries with the same key and body replay the first response"),
});
