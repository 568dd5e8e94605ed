// Route-level authorization that must run before an idempotent replay: only a staff admin
// session manages API keys, so nobody else can even replay an admin's key creation.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env.ts";
import type { Principal } from "../../auth/principal.ts";
import { HttpProblem } from "../problem.ts";

export function requireStaffAdmin(p: Principal): void {
  if (p.kind !== "staff" || !p.scopes.has("write")) throw new HttpProblem(403, "staff_admin_required", "only a staff admin session can manage API keys");
}

export const staffAdminOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  requireStaffAdmin(c.get("principal"));
  return next();
};
