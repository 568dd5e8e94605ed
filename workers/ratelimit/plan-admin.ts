// The plans API's use cases: create and change rate plans, assign them to a franchise or to one
// API key. Each change is one D1 write, then the affected franchises' RateLimiter DOs are told
// (plansChanged), so the next request is decided against the new plan, in every isolate. A DO
// that misses the notice (unreachable for a moment) still re-reads within its 30 s plan TTL.
import { notFound } from "../domain/errors.ts";
import { getApiKey } from "../db/api-keys.ts";
import type { Db } from "../db/client.ts";
import { newId } from "../db/ids.ts";
import { assignedPlanId, assignmentStatement, franchisesUsingPlan, getRatePlan, insertRatePlanStatement, updateRatePlanStatement, type StoredRatePlan } from "../db/rate-plans.ts";
import { directoryDatabase } from "../db/resolver.ts";

export interface RatePlanInput {
  name: string;
  keyBurst: number;
  keyPerMinute: number;
  franchiseBurst: number;
  franchisePerMinute: number;
  expensiveConcurrency: number;
}

async function notify(env: Env, franchiseIds: Iterable<string>): Promise<void> {
  await Promise.all([...new Set(franchiseIds)].map((id) => env.RATE_LIMITER.getByName(id).plansChanged()));
}

export async function createRatePlan(env: Env, input: RatePlanInput, nowIso: string): Promise<StoredRatePlan> {
  const plan: StoredRatePlan = { id: newId("rp"), ...input, createdAt: nowIso, updatedAt: nowIso };
  await insertRatePlanStatement(directoryDatabase(env), plan).run();
  return plan;
}

export async function updateRatePlan(env: Env, id: string, change: Partial<RatePlanInput>, nowIso: string): Promise<StoredRatePlan> {
  const d1 = directoryDatabase(env);
  const current = await getRatePlan(d1, id);
  if (!current) throw notFound("rate_plan", id);
  const next: StoredRatePlan = { ...current, ...change, updatedAt: nowIso };
  await updateRatePlanStatement(d1, next).run();
  await notify(env, await franchisesUsingPlan(d1, id));
  return next;
}

/** The franchise's plan (its cap, and its keys' default); null = back to the default plan. */
export async function assignFranchisePlan(env: Env, franchiseId: string, planId: string | null, nowIso: string): Promise<string | null> {
  const d1 = directoryDatabase(env);
  if (planId !== null && !(await getRatePlan(d1, planId))) throw notFound("rate_plan", planId);
  const exists = await d1.prepare("SELECT 1 AS x FROM franchises WHERE id = ?").bind(franchiseId).first();
  if (!exists) throw notFound("franchise", franchiseId);
  await assignmentStatement(d1, franchiseId, "franchise", planId, nowIso).run();
  await notify(env, [franchiseId]);
  return planId;
}

/** One key's own limit (the franchise cap still applies on top); null = the franchise's plan again. */
export async function assignKeyPlan(env: Env, db: Db, franchiseId: string, apiKeyId: string, planId: string | null, nowIso: string): Promise<string | null> {
  const d1 = directoryDatabase(env);
  if (!(await getApiKey(db, franchiseId, apiKeyId))) throw notFound("api_key", apiKeyId);
  if (planId !== null && !(await getRatePlan(d1, planId))) throw notFound("rate_plan", planId);
  await assignmentStatement(d1, franchiseId, apiKeyId, planId, nowIso).run();
  await notify(env, [franchiseId]);
  return planId;
}

export async function keyPlanOf(env: Env, db: Db, franchiseId: string, apiKeyId: string): Promise<string | null> {
  if (!(await getApiKey(db, franchiseId, apiKeyId))) throw notFound("api_key", apiKeyId);
  return assignedPlanId(directoryDatabase(env), franchiseId, apiKeyId);
}

export async function franchisePlanOf(env: Env, franchiseId: string): Promise<string | null> {
  return assignedPlanId(directoryDatabase(env), franchiseId, "franchise");
}
