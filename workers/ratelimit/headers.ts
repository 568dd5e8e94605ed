// The IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers): RateLimit-Policy names each
// quota (q = burst, w = seconds to refill it), RateLimit says what is left of each (r) and in how
// many seconds it is full again (t). Two policies: the key's own and the franchise cap.
import type { GcraLimit } from "../domain/gcra.ts";
import type { RateDecision } from "../../durable-objects/rate-limiter.ts";
import type { EffectiveLimits } from "./plans.ts";

const seconds = (us: number) => Math.ceil(us / 1_000_000);
const windowOf = (l: GcraLimit) => Math.max(1, seconds(l.burst * l.intervalUs));

export function rateLimitHeaders(limits: EffectiveLimits, d: RateDecision): Record<string, string> {
  return {
    "ratelimit-policy": `"key";q=${limits.key.burst};w=${windowOf(limits.key)}, "franchise";q=${limits.franchise.burst};w=${windowOf(limits.franchise)}`,
    ratelimit: `"key";r=${d.key.remaining};t=${seconds(d.key.resetUs)}, "franchise";r=${d.franchise.remaining};t=${seconds(d.franchise.resetUs)}`,
  };
}

/** Whole seconds until the refused request would pass (at least 1, as Retry-After has no fractions). */
export function retryAfterSeconds(d: RateDecision): number {
  const us = d.refusedBy === "franchise" ? d.franchise.retryAfterUs : d.key.retryAfterUs;
  return Math.max(1, seconds(us));
}
