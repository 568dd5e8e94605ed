// The one HTTP client: openapi-fetch typed by the generated paths. The staff session is the
// HttpOnly cookie, sent by the browser on same-origin requests (credentials: "same-origin"; the
// browser's Sec-Fetch-Site: same-origin is what lets unsafe methods through the API's CSRF
// check). It turns problem+json into ApiProblem, and signs the user out on 401 so every page
// handles expiry alike.
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema.gen.ts";
import { ApiProblem, type ProblemBody } from "./problem.ts";
import { expireSession } from "../lib/session.ts";

const auth: Middleware = {
  onResponse({ request, response }) {
    if (response.status === 401 && !new URL(request.url).pathname.startsWith("/auth/")) expireSession("Your session has ended. Sign in again to continue.");
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: location.origin, credentials: "same-origin" });
api.use(auth);

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The body of a successful call, or an ApiProblem. */
export async function ok<T>(call: Promise<Result<T>>): Promise<NonNullable<T>> {
  const { data, error, response } = await call;
  if (response.ok && data !== undefined) return data as NonNullable<T>;
  throw new ApiProblem(response.status, (error ?? undefined) as ProblemBody | undefined);
}

/** A call that answers 204 No Content: resolves when it succeeded, else throws the ApiProblem. */
export async function done(call: Promise<Result<unknown>>): Promise<void> {
  const { error, response } = await call;
  if (!response.ok) throw new ApiProblem(response.status, (error ?? undefined) as ProblemBody | undefined);
}
