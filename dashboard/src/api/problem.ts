// RFC 9457 problem+json as the dashboard sees it: a status, a stable code, a human detail and
// per-field messages that forms show next to the field they name.
export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  requestId?: string;
  errors?: Array<{ field: string; message: string }>;
}

export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | undefined;
  readonly fieldErrors: Record<string, string>;

  constructor(status: number, body: ProblemBody | undefined) {
    super(body?.detail ?? body?.title ?? `request failed with status ${status}`);
    this.status = status;
    this.code = body?.code ?? "http_error";
    this.requestId = body?.requestId;
    this.fieldErrors = {};
    for (const e of body?.errors ?? []) {
      // "body.amount" and "amount" both name the amount field.
      const field = e.field.replace(/^(body|query|params)\./, "");
      this.fieldErrors[field] ??= e.message;
    }
  }
}

export const isProblem = (e: unknown): e is ApiProblem => e instanceof ApiProblem;

export function describeError(e: unknown): string {
  if (isProblem(e)) return e.message;
  if (e instanceof TypeError) return "The server could not be reached. Check your connection and try again.";
  return "Something went wrong.";
}
