// Risk feeds dunning: after each training, customers whose late-payment risk is high get the
// dunning segment "high-risk" (so a cadence for that segment, e.g. earlier and firmer reminders,
// applies to them), and lose it when the risk falls. Two thresholds (hysteresis) keep a score
// hovering around one value from flipping the cadence at every retrain. A segment staff chose
// by hand is never touched. Pure: the caller loads the profiles and persists the changes.

export const HIGH_RISK_SEGMENT = "high-risk";

export interface RiskSegmentPolicy {
  /** P(late) at or above which a customer enters high-risk. */
  enter: number;
  /** P(late) below which a high-risk customer leaves it (≤ enter). */
  exit: number;
}

/** Documented default: enter at P(late) ≥ 0.6, leave below 0.45. */
export const DEFAULT_RISK_SEGMENT_POLICY: RiskSegmentPolicy = { enter: 0.6, exit: 0.45 };

export interface ProfileSegment {
  customerId: string;
  segment: string | null;
  segmentSource: "staff" | "risk" | null;
}

export interface RiskSegmentChanges {
  /** Customers to put in high-risk (source "risk"). */
  enter: string[];
  /** Customers whose risk-set segment is cleared (back to their own segment). */
  leave: string[];
}

/**
 * `scores`: this run's P(late) per customer; `profiles`: every profile of the franchise whose
 * segment is set (by staff or by risk). A customer no longer scored leaves high-risk.
 */
export function riskSegmentChanges(
  scores: readonly { customerId: string; pLate: number }[],
  profiles: readonly ProfileSegment[],
  policy: RiskSegmentPolicy = DEFAULT_RISK_SEGMENT_POLICY,
): RiskSegmentChanges {
  if (!(policy.exit <= policy.enter)) throw new RangeError("the exit threshold must not exceed the enter threshold");
  const profile = new Map(profiles.map((p) => [p.customerId, p]));
  const score = new Map(scores.map((s) => [s.customerId, s.pLate]));
  const enter: string[] = [];
  const leave: string[] = [];
  for (const [customerId, pLate] of score) {
    const p = profile.get(customerId);
    if (p?.segmentSource === "staff") continue;
    const isHigh = p?.segmentSource === "risk" && p.segment === HIGH_RISK_SEGMENT;
    if (!isHigh && pLate >= policy.enter) enter.push(customerId);
  }
  for (const p of profiles) {
    if (p.segmentSource !== "risk" || enter.includes(p.customerId)) continue;
    const pLate = score.get(p.customerId);
    if (pLate === undefined || pLate < policy.exit || p.segment !== HIGH_RISK_SEGMENT) leave.push(p.customerId);
  }
  return { enter: enter.sort(), leave: leave.sort() };
}
