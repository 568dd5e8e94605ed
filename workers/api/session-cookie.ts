// The dashboard's session cookie: the same lls_ session token /auth/login returns, in an
// HttpOnly, SameSite=Strict cookie (Secure over https) so page scripts never hold it. A cookie is
// sent by the browser on its own, so a cookie-authenticated unsafe request must prove it comes
// from our own pages (CSRF): Sec-Fetch-Site "same-origin", or, from browsers that do not send
// Fetch Metadata, an Origin equal to the API's. Bearer callers (partners) need neither.
import { SESSION_TOKEN_PREFIX } from "../auth/secrets.ts";

export const SESSION_COOKIE = "ll_session";

const isHttps = (url: string) => new URL(url).protocol === "https:";

export function sessionCookie(token: string, maxAgeSeconds: number, requestUrl: string): string {
  return `${SESSION_COOKIE}=${token}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${isHttps(requestUrl) ? "; Secure" : ""}`;
}

export function clearedSessionCookie(requestUrl: string): string {
  return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict${isHttps(requestUrl) ? "; Secure" : ""}`;
}

/** The session token in the Cookie header, if there is one that looks like ours (a cookie never carries an API key). */
export function sessionTokenFromCookie(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return value.startsWith(SESSION_TOKEN_PREFIX) ? value : undefined;
  }
  return undefined;
}

export function isSafeMethod(method: string): boolean {
  return method === "GET" || method === "HEAD" || method === "OPTIONS";
}

/** Does this request come from a page of the API's own origin? (Absent both headers: no.) */
export function isSameOriginRequest(req: { url: string; header(name: string): string | undefined }): boolean {
  const site = req.header("sec-fetch-site");
  if (site !== undefined) return site === "same-origin";
  const origin = req.header("origin");
  return origin !== undefined && origin === new URL(req.url).origin;
}
