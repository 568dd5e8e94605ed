// The one HTTP client: openapi-fetch typed by the generated paths. It sends the staff session
// (a Bearer token today; the session cookie too once the API sets one, via credentials), turns
// problem+json into ApiProblem, and signs the user out on 401 so every page handles expiry alike.
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema.gen.ts";
import { ApiProblem, type ProblemBody } from "./problem.ts";
import { currentSession, expireSession } from "../lib/session.ts";

const auth: Middleware = {
  onRequest({ request }) {
    const token = currentSession()?.token;
    if (token && !request.headers.has("authorization")) request.headers.set("authorization", `Bearer ${token}`);
    return request;
  },
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

/**
 * A route this build's document may not have yet (e.g. /v1/ops/events, /auth/logout): called
 * untyped; `undefined` when the Worker answers 404 route_not_found, so the page can say so.
 */
export async function optionalRoute<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T | undefined> {
  const token = currentSession()?.token;
  const res = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status === 404 || res.status === 405) {
    const problem = (await res.json().catch(() => ({}))) as ProblemBody;
    if (problem.code === "route_not_found" || res.status === 405) return undefined;
    throw new ApiProblem(404, problem);
  }
  if (res.status === 401 && !path.startsWith("/auth/")) expireSession("Your session has ended. Sign in again to continue.");
  if (!res.ok) throw new ApiProblem(res.status, (await res.json().catch(() => undefined)) as ProblemBody | undefined);
  return res.status === 204 ? ({} as T) : ((await res.json()) as T);
}
