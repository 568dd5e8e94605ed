// The single place errors become responses: domain errors, HTTP problems, zod validation errors
// (chanfana runs with passthroughErrors), Hono's HTTPException and database constraint
// violations all map to RFC 9457 problem+json. A 5xx never carries internals.
import { ApiException, InputValidationException, MultiException } from "chanfana";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ZodError } from "zod";
import { DomainError, type FieldIssue } from "../domain/errors.ts";
import type { AppEnv } from "../env.ts";
import { HttpProblem, problemOf, problemResponse } from "./problem.ts";

/** Trigger/constraint names from migrations → what the client is told. */
const CONSTRAINT_PROBLEMS: ReadonlyArray<[needle: string, status: number, code: string, detail: string]> = [
  ["invoice_not_open", 409, "invoice_not_open", "the invoice is no longer open for payments or credits"],
  // 422 like the domain check of the same code (workers/domain/payment-allocation.ts).
  ["payment_over_allocated", 422, "allocations_exceed_payment", "the allocations exceed the payment amount"],
  ["allocation_mismatch", 409, "allocation_mismatch", "the payment and invoice differ in customer or currency"],
  ["invoices_settlement_within_total", 409, "over_settlement", "the invoice was settled concurrently; this would exceed its total"],
  ["invoice_immutable", 409, "invoice_immutable", "issued invoices cannot be changed; issue a credit note instead"],
  ["credit_note_immutable", 409, "credit_note_immutable", "credit notes cannot be changed"],
  ["idempotency_lease_lost", 409, "idempotency_lease_lost", "this request held its Idempotency-Key too long and a retry took it over; nothing was written by this request"],
  ["credit_exceeds_tax_group", 422, "credit_exceeds_tax_group", "another credit note credited this invoice meanwhile; a tax group would be credited beyond what was invoiced in it"],
  ["customer_credit_exhausted", 409, "customer_credit_exhausted", "the customer's credit in this currency was used concurrently; read the balance again"],
  ["refund_immutable", 409, "refund_immutable", "refunds cannot be changed"],
  ["UNIQUE constraint failed", 409, "duplicate", "a record with the same unique key already exists"],
];

/** chanfana prefixes paths with the request part ("body", "query", "params"); the client wants the field. */
function fieldOf(path: string[]): string {
  const field = ["body", "query", "params", "headers"].includes(path[0] ?? "") ? path.slice(1) : path;
  return field.join(".") || path[0] || "(root)";
}

function zodIssues(error: ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ field: fieldOf(issue.path.map(String)), message: issue.message }));
}

/** chanfana reports schema failures as InputValidationExceptions (one per issue). */
function chanfanaIssues(error: ApiException): FieldIssue[] {
  const all = error instanceof MultiException ? error.errors : [error];
  return all.map((e) => {
    const path = e instanceof InputValidationException && Array.isArray((e as { path?: unknown }).path) ? (e as unknown as { path: string[] }).path : [];
    return { field: fieldOf(path), message: e.message };
  });
}

export function toProblemResponse(err: unknown, c: Context<AppEnv>): Response {
  const ctx = { instance: new URL(c.req.url).pathname, requestId: c.get("requestId") };
  if (err instanceof DomainError || err instanceof HttpProblem) return problemResponse(problemOf(err), ctx);
  if (err instanceof ZodError) {
    const issues = zodIssues(err);
    const detail = issues.map((i) => `${i.field}: ${i.message}`).join("; ");
    return problemResponse({ status: 400, code: "invalid_request", detail, issues }, ctx);
  }
  if (err instanceof ApiException && (err.status === 400 || err instanceof MultiException || err instanceof InputValidationException)) {
    const issues = chanfanaIssues(err);
    const detail = issues.map((i) => `${i.field}: ${i.message}`).join("; ");
    return problemResponse({ status: 400, code: "invalid_request", detail, issues }, ctx);
  }
  if (err instanceof HTTPException) {
    return problemResponse({ status: err.status, code: `http_${err.status}`, detail: err.message || "request failed" }, ctx);
  }
  const message = err instanceof Error ? err.message : String(err);
  for (const [needle, status, code, detail] of CONSTRAINT_PROBLEMS) {
    if (message.includes(needle)) return problemResponse({ status, code, detail }, ctx);
  }
  c.get("logger")?.error("unhandled error", { error: message, stack: err instanceof Error ? (err.stack ?? null) : null });
  return problemResponse({ status: 500, code: "internal_error", detail: "an unexpected error occurred; quote the requestId when reporting it" }, ctx);
}
