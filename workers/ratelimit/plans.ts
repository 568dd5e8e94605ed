// The limits that apply to one API key: its own plan's key limit (else its franchise's plan's,
// else the default), and its franchise plan's cap across all keys. Cached per isolate for 30 s
// like principals (workers/auth/principal-cache.ts), so the hot path pays no D1 round trip; a
// plan change takes effect everywhere within that window, with no deploy.
import { limitOf, type GcraLimit } from "../domain/gcra.ts";
import { assignedRatePlans, type RatePlanRow } from "../db/rate-plans.ts";
import { directoryDatabase } from "../db/resolver.ts";

/**
 * Applies when nothing is assigned. Generous on purpose: it protects the platform from a
 * runaway client (a key sustaining 1,000 req/s) without ever throttling ordinary partners or
 * the test suites (fuzz sends ~10k requests in a burst). Paid/trial tiers are rows in rate_plans.
 */
export const DEFAULT_RATE_PLAN: RatePlanRow = {
  id: "default",
  name: "Default",
  keyBurst: 5_000,
  keyPerMinute: 60_000,
  franchiseBurst: 10_000,
  franchisePerMinute: 120_000,
  expensiveConcurrency: 4,
};

export interface EffectiveLimits {
  keyPlanId: string;
  franchisePlanId: string;
  key: GcraLimit;
  franchise: GcraLimit;
  expensiveConcurrency: number;
}

const TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;
const cache = new Map<string, { limits: EffectiveLimits; until: number }>();

export function limitsFrom(plans: { franchise?: RatePlanRow; key?: RatePlanRow }): EffectiveLimits {
  const franchisePlan = plans.franchise ?? DEFAULT_RATE_PLAN;
  const keyPlan = plans.key ?? franchisePlan;
  return {
    keyPlanId: keyPlan.id,
    franchisePlanId: franchisePlan.id,
    key: limitOf(keyPlan.keyBurst, keyPlan.keyPerMinute),
    franchise: limitOf(franchisePlan.franchiseBurst, franchisePlan.franchisePerMinute),
    expensiveConcurrency: franchisePlan.expensiveConcurrency,
  };
}

export async function effectiveLimits(env: Env, franchiseId: string, apiKeyId: string, nowMs: number): Promise<EffectiveLimits> {
  const cacheKey = `${franchiseId}:${apiKeyId}`;
  const hit = cache.get(cacheKey);
  if (hit && hit.until > nowMs) return hit.limits;
  const limits = limitsFrom(await assignedRatePlans(directoryDatabase(env), franchiseId, apiKeyId));
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(cacheKey, { limits, until: nowMs + TTL_MS });
  return limits;
}

/** Drops cached limits (after a plan change in this isolate, and in tests). */
export function forgetLimits(franchiseId?: string): void {
  if (franchiseId === undefined) cache.clear();
  else for (const k of cache.keys()) if (k.startsWith(`${franchiseId}:`)) cache.delete(k);
}
