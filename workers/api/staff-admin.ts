// Operations that only a franchise's staff admins may perform (API keys, dead letters): a staff
// session with the "write" scope. Partner keys never qualify, whatever their scopes.
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { HttpProblem } from "./problem.ts";

export function requireStaffAdmin(c: Context<AppEnv>, action: string): void {
  const p = c.get("principal");
  if (p.kind !== "staff" || !p.scopes.has("write")) throw new HttpProblem(403, "staff_admin_required", `only a staff admin session can ${action}`);
}
