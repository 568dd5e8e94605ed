// RFC 9457 problem details: the one shape every error response takes.
import { DomainError, type FieldIssue } from "../domain/errors.ts";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  requestId?: string;
  errors?: FieldIssue[];
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  428: "Precondition Required",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** An error that already knows its HTTP shape (auth, preconditions, throttling). */
export class HttpProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: FieldIssue[];
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, detail: string, opts: { issues?: FieldIssue[]; headers?: Record<string, string> } = {}) {
    super(detail);
    this.status = status;
    this.code = code;
    this.issues = opts.issues ?? [];
    this.headers = opts.headers ?? {};
  }
}

const DOMAIN_STATUS: Record<DomainError["kind"], number> = { validation: 422, not_found: 404, conflict: 409, precondition: 412, forbidden: 403 };

export function problemOf(error: DomainError | HttpProblem): { status: number; code: string; detail: string; issues: FieldIssue[]; headers: Record<string, string> } {
  if (error instanceof DomainError) return { status: DOMAIN_STATUS[error.kind], code: error.code, detail: error.message, issues: error.issues, headers: {} };
  return { status: error.status, code: error.code, detail: error.message, issues: error.issues, headers: error.headers };
}

export function problemResponse(
  p: { status: number; code: string; detail: string; issues?: FieldIssue[]; headers?: Record<string, string> },
  ctx: { instance?: string; requestId?: string } = {},
): Response {
  const body: ProblemBody = {
    type: `urn:ledgerline:problem:${p.code}`,
    title: TITLES[p.status] ?? "Error",
    status: p.status,
    detail: p.detail,
    code: p.code,
    ...(ctx.instance !== undefined ? { instance: ctx.instance } : {}),
    ...(ctx.requestId !== undefined ? { requestId: ctx.requestId } : {}),
    ...(p.issues && p.issues.length > 0 ? { errors: p.issues } : {}),
  };
  return new Response(JSON.stringify(body), { status: p.status, headers: { "content-type": PROBLEM_CONTENT_TYPE, ...p.headers } });
}
