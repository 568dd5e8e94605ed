// Rate plans are the platform's protection and its commercial tiers, not a tenant setting: a
// franchise admin who could edit plans could lift its own franchise cap (and every franchise
// sharing the plan's). So creating/changing plans and assigning one to a FRANCHISE is for the
// platform operator only: a staff admin of the operator's own franchise, named by the
// PLATFORM_OPERATOR_FRANCHISE_ID var ("" = nobody, the safe default). A franchise's own admins
// may only pick an existing plan for one of their keys, which the franchise cap still bounds.
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env.ts";
import type { Principal } from "../../auth/principal.ts";
import { HttpProblem } from "../problem.ts";

/** The OpenAPI security requirement of a platform-operator-only operation. */
export const PLATFORM_OPERATOR_SECURITY = [{ bearer: ["staff:admin", "platform:operator"] }];

export function isPlatformOperator(env: Env, p: Principal): boolean {
  const operator: string = env.PLATFORM_OPERATOR_FRANCHISE_ID ?? "";
  return operator !== "" && p.kind === "staff" && p.role === "admin" && p.franchiseId === operator;
}

export function requirePlatformOperator(env: Env, p: Principal): void {
  if (!isPlatformOperator(env, p)) throw new HttpProblem(403, "platform_operator_required", "only a staff admin of the platform operator can manage rate plans");
}

export const platformOperatorOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  requirePlatformOperator(c.env, c.get("principal"));
  return next();
};
