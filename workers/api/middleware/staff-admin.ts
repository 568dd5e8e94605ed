// Operations only a franchise's staff admins may perform (API keys, staff, dead letters): a staff
// session whose role is admin. Partner keys never qualify, whatever their scopes. The
// middleware form runs before an idempotent replay, so nobody else can even replay an admin's
// key creation.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env.ts";
import type { Principal } from "../../auth/principal.ts";
import { HttpProblem } from "../problem.ts";

/** The OpenAPI security requirement of a staff-admin-only operation (a role on the bearer scheme, as OpenAPI 3.1 allows). */
export const STAFF_ADMIN_SECURITY = [{ bearer: ["staff:admin"] }];

export function requireStaffAdmin(p: Principal, action = "manage API keys"): void {
  if (p.kind !== "staff" || p.role !== "admin") throw new HttpProblem(403, "staff_admin_required", `only a staff admin session can ${action}`);
}

export const staffAdminOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  requireStaffAdmin(c.get("principal"));
  return next();
};
