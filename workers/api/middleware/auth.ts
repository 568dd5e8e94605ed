// Bearer authentication for partners (API keys) and staff (session tokens). Reads (and the few
// POSTs that only compute, READ_ONLY_POSTS) need the "read" scope, anything else "write". The
// principal fixes the franchise for the whole request.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env.ts";
import { API_KEY_PREFIX, SESSION_TOKEN_PREFIX, sha256HexSync } from "../../auth/secrets.ts";
import { parseScopes, type Principal } from "../../auth/principal.ts";
import { roleOf, scopesForRole } from "../../auth/roles.ts";
import { cachedPrincipal, isKnownUnknown, rememberPrincipal, rememberUnknown } from "../../auth/principal-cache.ts";
import { HttpProblem } from "../problem.ts";
import { isSafeMethod, isSameOriginRequest, sessionTokenFromCookie } from "../session-cookie.ts";
import { directoryDatabase } from "../../db/resolver.ts";

const unauthorized = (detail: string) =>
  new HttpProblem(401, "unauthorized", detail, { headers: { "www-authenticate": 'Bearer realm="ledgerline"' } });

async function principalFor(db: D1Database, token: string, nowMs: number): Promise<Principal | null> {
  const tokenHash = sha256HexSync(token);
  const cached = cachedPrincipal(tokenHash, nowMs);
  if (cached) return cached;
  // A token D1 did not know a moment ago is refused without asking again (junk-token floods).
  if (isKnownUnknown(tokenHash, nowMs)) return null;
  const found = await lookUpPrincipal(db, token, tokenHash, new Date(nowMs).toISOString());
  if (found) rememberPrincipal(tokenHash, found.principal, nowMs, found.expiresAt);
  else rememberUnknown(tokenHash, nowMs);
  return found?.principal ?? null;
}

/**
 * POSTs that only compute an answer and write nothing, so the read scope suffices: every staff
 * role, viewers included, can see a customer's dunning schedule (issue 7).
 */
export const READ_ONLY_POSTS: ReadonlySet<string> = new Set(["/v1/dunning/preview"]);

const scopeNeeded = (method: string, path: string) => (method === "GET" || method === "HEAD" || (method === "POST" && READ_ONLY_POSTS.has(path)) ? "read" : "write");

// Our tokens are a prefix plus base64url; anything else is refused without a hash or a query.
const TOKEN_SHAPE = /^(llk|lls)_[A-Za-z0-9_-]{16,200}$/;

async function lookUpPrincipal(db: D1Database, token: string, tokenHash: string, now: string): Promise<{ principal: Principal; expiresAt?: number } | null> {
  if (token.startsWith(API_KEY_PREFIX)) {
    const row = await db
      .prepare("SELECT id, franchise_id, scopes FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL")
      .bind(tokenHash)
      .first<{ id: string; franchise_id: string; scopes: string }>();
    return row ? { principal: { kind: "api_key", id: row.id, franchiseId: row.franchise_id, scopes: parseScopes(row.scopes) } } : null;
  }
  if (token.startsWith(SESSION_TOKEN_PREFIX)) {
    const row = await db
      .prepare(
        `SELECT u.id, u.franchise_id, u.role, s.expires_at,
           (SELECT json_group_array(a.branch_id) FROM staff_branch_assignments a WHERE a.staff_user_id = u.id AND a.franchise_id = u.franchise_id) AS branch_ids
         FROM staff_sessions s JOIN staff_users u ON u.id = s.staff_user_id AND u.franchise_id = s.franchise_id
         WHERE s.token_hash = ? AND s.expires_at > ? AND s.revoked_at IS NULL AND u.deactivated_at IS NULL`,
      )
      .bind(tokenHash, now)
      .first<{ id: string; franchise_id: string; role: string; expires_at: string; branch_ids: string }>();
    if (!row) return null;
    const role = roleOf(row.role);
    const principal: Principal = { kind: "staff", id: row.id, franchiseId: row.franchise_id, scopes: scopesForRole(role), role };
    if (role === "branch_manager") principal.branchIds = (JSON.parse(row.branch_ids) as string[]).sort();
    return { principal, expiresAt: Date.parse(row.expires_at) };
  }
  return null;
}

/** The Bearer token, else the dashboard's session cookie (only for requests from our own origin when unsafe). */
export function requestToken(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string {
  const header = c.req.header("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized("the Authorization header must be 'Bearer <api key>'");
    return match[1]!;
  }
  const fromCookie = sessionTokenFromCookie(c.req.header("cookie"));
  if (!fromCookie) throw unauthorized("send Authorization: Bearer <api key>");
  if (!isSafeMethod(c.req.method) && !isSameOriginRequest(c.req)) {
    throw new HttpProblem(403, "csrf_check_failed", "a request authenticated by the session cookie must come from the dashboard's own origin (Sec-Fetch-Site or Origin); other callers send Authorization: Bearer");
  }
  return fromCookie;
}

export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = requestToken(c);
  const principal = TOKEN_SHAPE.test(token) ? await principalFor(directoryDatabase(c.env), token, Date.now()) : null;
  if (!principal) throw unauthorized("the API key or session is not valid");
  const needed = scopeNeeded(c.req.method, c.req.path);
  if (!principal.scopes.has(needed)) throw new HttpProblem(403, "insufficient_scope", `this key lacks the '${needed}' scope`);
  c.set("principal", principal);
  c.set("logger", c.get("logger").child({ franchiseId: principal.franchiseId }));
  return next();
};
