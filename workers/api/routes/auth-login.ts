import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { logIn } from "../../auth/staff-login.ts";
import { revokeSession, SESSION_HOURS } from "../../auth/sessions.ts";
import { clearedSessionCookie, isSameOriginRequest, sessionCookie, sessionTokenFromCookie } from "../session-cookie.ts";
import { SESSION_TOKEN_PREFIX, sha256Hex } from "../../auth/secrets.ts";
import { directoryDatabase } from "../../db/resolver.ts";
import { requestToken } from "../middleware/auth.ts";
import { HttpProblem } from "../problem.ts";
import { emptyResponse, jsonRequestBody, jsonResponse, problemResponses } from "../resources/common.ts";
import type { AppContext } from "./route-context.ts";
import { StaffRoleSchema } from "../resources/staff.ts";

export class StaffLogin extends OpenAPIRoute {
  schema = {
    tags: ["Staff"],
    summary: "Log a staff user in; the session token is a Bearer token for the dashboard",
    description:
      "Repeated failures for an account or from one address back off exponentially: the answer is then 429 with Retry-After (seconds), without checking the password. The session is also set as the `ll_session` cookie (HttpOnly, SameSite=Strict, Secure over https) for the dashboard: /v1 accepts it when no Authorization header is sent, and an unsafe request authenticated by it must come from the same origin (Sec-Fetch-Site: same-origin, or a matching Origin), else 403 csrf_check_failed.",
    security: [],
    request: { body: jsonRequestBody(z.object({ email: z.email(), password: z.string().min(1).max(200) }).strict().meta({ id: "StaffLoginRequest" })) },
    responses: {
      "200": jsonResponse(
        z.object({ token: z.string(), expiresAt: z.string(), user: z.object({ id: z.string(), email: z.string(), name: z.string(), role: StaffRoleSchema, franchiseId: z.string(), branchIds: z.array(z.string()).optional().describe("branch_manager only: the branches the user may see and change") }) }).meta({ id: "StaffSession" }),
        "Session created",
        "Set-Cookie",
      ),
      ...problemResponses(400, 401, 413, 415, 429),
    },
  };

  async handle(c: AppContext) {
    const { body } = await this.getValidatedData<typeof this.schema>();
    const result = await logIn(c.env, { email: body.email, password: body.password, clientAddress: c.req.header("cf-connecting-ip") }, Date.now());
    if (!result.ok && result.reason === "throttled") {
      throw new HttpProblem(429, "too_many_attempts", `too many failed sign-ins; try again in ${result.retryAfterSeconds} s`, { headers: { "retry-after": String(result.retryAfterSeconds) } });
    }
    // RFC 9110 §11.6.1: a 401 always names the scheme to use.
    if (!result.ok) throw new HttpProblem(401, "invalid_credentials", "email or password is wrong", { headers: { "www-authenticate": 'Bearer realm="ledgerline"' } });
    c.get("logger").info("staff login", { staffUserId: result.user.id, franchiseId: result.user.franchiseId });
    c.header("set-cookie", sessionCookie(result.token, SESSION_HOURS * 3600, c.req.url));
    return c.json({ token: result.token, expiresAt: result.expiresAt, user: result.user });
  }
}

/** The signed-in staff user as the dashboard needs it (the cookie is HttpOnly: a page cannot read it). */
const StaffSessionInfo = z
  .object({ expiresAt: z.string(), user: z.object({ id: z.string(), email: z.string(), name: z.string(), role: StaffRoleSchema, franchiseId: z.string(), branchIds: z.array(z.string()).optional() }) })
  .meta({ id: "StaffSessionInfo" });

export class CurrentStaffSession extends OpenAPIRoute {
  schema = {
    tags: ["Staff"],
    summary: "The staff session in use (Bearer token or session cookie): the user, their role and branches, and when it expires",
    responses: { "200": jsonResponse(StaffSessionInfo, "The current session"), ...problemResponses(401, 403) },
  };

  async handle(c: AppContext) {
    const principal = c.get("principal");
    if (principal.kind !== "staff") throw new HttpProblem(403, "staff_session_required", "this is a partner API key, not a staff session");
    const row = await directoryDatabase(c.env)
      .prepare("SELECT u.email, u.name, s.expires_at FROM staff_sessions s JOIN staff_users u ON u.id = s.staff_user_id WHERE s.token_hash = ? AND u.id = ?")
      .bind(await sha256Hex(requestToken(c)), principal.id)
      .first<{ email: string; name: string; expires_at: string }>();
    if (!row) throw new HttpProblem(401, "unauthorized", "the session is not valid", { headers: { "www-authenticate": 'Bearer realm="ledgerline"' } });
    const user = { id: principal.id, email: row.email, name: row.name, role: principal.role ?? "viewer", franchiseId: principal.franchiseId, ...(principal.branchIds ? { branchIds: [...principal.branchIds] } : {}) };
    return c.json({ expiresAt: row.expires_at, user });
  }
}

export class StaffLogout extends OpenAPIRoute {
  schema = {
    tags: ["Staff"],
    summary: "End the staff session given as the Bearer token or the session cookie; it is refused from then on and the cookie is cleared",
    responses: { "204": emptyResponse("Logged out (also when the session had already ended)", "Set-Cookie"), ...problemResponses(401, 403) },
  };

  async handle(c: AppContext) {
    const header = c.req.header("authorization");
    let token = header === undefined ? undefined : /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (header === undefined) {
      token = sessionTokenFromCookie(c.req.header("cookie"));
      // Logging someone out from another site is a (mild) CSRF too.
      if (token && !isSameOriginRequest(c.req)) throw new HttpProblem(403, "csrf_check_failed", "a logout by session cookie must come from the dashboard's own origin");
    }
    if (!token?.startsWith(SESSION_TOKEN_PREFIX)) {
      throw new HttpProblem(401, "unauthorized", "send the session as Authorization: Bearer <session token>", { headers: { "www-authenticate": 'Bearer realm="ledgerline"' } });
    }
    await revokeSession(c.env, token, Date.now());
    c.header("set-cookie", clearedSessionCookie(c.req.url));
    return c.body(null, 204);
  }
}
