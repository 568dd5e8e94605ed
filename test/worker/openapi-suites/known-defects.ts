// Hostile-input families whose failures are KNOWN defects that another helper is fixing in
// their own scope. Their cases still run and every failure is printed (console.warn), but does
// not fail the run; a family listed here that no longer fails DOES fail the run, so the list is
// emptied as soon as the fix is merged. Lead: empty this after merging the fixes named below.
import type { Family } from "./hostile.ts";

export const KNOWN_DEFECTS_FIXED_ELSEWHERE: Partial<Record<Family, string>> = {
  "query-limit-high": "lists with limit >= 99 answer 500: the child-row query binds more than D1's 100 parameters (workers/db/*.ts list functions)",
  "body-field-surrogate-nul": "strings with lone surrogates or NUL are accepted (201) and stored rewritten instead of refused with 400",
  "oversized-multibyte": "the 413 limit counts UTF-16 characters, not bytes: 1,000,002 bytes of 'é' get past it (workers/api/middleware/json-body.ts)",
  "oversized-stream": "the whole body is buffered before the 413: all 8 MB of a streamed body are read before the answer (workers/api/middleware/json-body.ts)",
};
