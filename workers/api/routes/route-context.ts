// Shared by routes: the billing context for the authenticated franchise, and "today" per branch.
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { systemClock } from "../../domain/clock.ts";
import { billingContext, type BillingContext } from "../../billing/context.ts";
import { localDateAt } from "../../domain/dates.ts";
import { branches } from "../../db/schema.ts";
import { eq } from "drizzle-orm";
import { actorOf } from "../../auth/principal.ts";
import { branchScopeOf } from "../../auth/roles.ts";

export type AppContext = Context<AppEnv>;

export function billing(c: AppContext): BillingContext {
  const principal = c.get("principal");
  return billingContext(c.env, principal.franchiseId, systemClock, actorOf(principal), c.get("idempotencyClaim"), branchScopeOf(principal));
}

/** branchId → that branch's local date now: invoices show overdue/aging as of it. */
export async function branchTodays(ctx: BillingContext): Promise<Map<string, string>> {
  const rows = await ctx.db.select({ id: branches.id, timezone: branches.timezone }).from(branches).where(eq(branches.franchiseId, ctx.franchiseId)).all();
  const now = ctx.clock.now();
  return new Map(rows.map((r) => [r.id, localDateAt(now, r.timezone)]));
}
