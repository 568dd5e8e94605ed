// The limits that apply to one API key: its own plan's key limit (else its franchise's plan's,
// else the default), and its franchise plan's cap across all keys. Resolved and cached by the
// franchise's RateLimiter DO (durable-objects/rate-limiter.ts), which the plans API notifies on
// every change, so a change applies to the next request with no deploy.
import { limitOf, type GcraLimit } from "../domain/gcra.ts";
import type { RatePlanRow } from "../db/rate-plans.ts";

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
