// One error vocabulary for the whole product. Domain code throws DomainError with a stable
// code; the API maps it to an RFC 9457 problem response (workers/api/problem.ts).

export type DomainErrorKind =
  | "validation" // the input is malformed or breaks a rule: 422
  | "not_found" // 404
  | "conflict" // the current state forbids it: 409
  | "precondition" // the caller's version of the resource is stale: 412
  | "forbidden"; // 403

export interface FieldIssue {
  /** JSON pointer-ish path of the offending field, e.g. "lines.0.quantity". */
  field: string;
  message: string;
}

export class DomainError extends Error {
  readonly code: string;
  readonly kind: DomainErrorKind;
  readonly issues: FieldIssue[];

  constructor(kind: DomainErrorKind, code: string, message: string, issues: FieldIssue[] = []) {
    super(message);
    this.name = "DomainError";
    this.kind = kind;
    this.code = code;
    this.issues = issues;
  }
}

export const invalid = (code: string, field: string, message: string) =>
  new DomainError("validation", code, message, [{ field, message }]);

export const notFound = (what: string, id: string) => new DomainError("not_found", `${what}_not_found`, `${what.replace(/_/g, " ")} ${id} was not found`);

export const stale = (what: string) => new DomainError("precondition", "etag_mismatch", `the ${what} changed since it was read`);

export const conflict = (code: string, message: string) => new DomainError("conflict", code, message);
