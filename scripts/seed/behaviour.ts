// Hidden payment behaviours. They exist only inside the generator: the data shows them through
// payment timing, partial payments, credit notes and churn, never as a column, so forecasting and
// risk models have something real to discover.
import type { Random } from "./random.ts";
import type { Segment } from "./catalog.ts";

export type Behaviour = "on_time" | "chronic_late" | "partial_payer" | "disputer" | "churner";

const MIX: Record<Segment, ReadonlyArray<readonly [Behaviour, number]>> = {
  consumer: [["on_time", 44], ["chronic_late", 18], ["partial_payer", 11], ["disputer", 8], ["churner", 19]],
  smb: [["on_time", 42], ["chronic_late", 24], ["partial_payer", 12], ["disputer", 10], ["churner", 12]],
  enterprise: [["on_time", 50], ["chronic_late", 30], ["partial_payer", 6], ["disputer", 10], ["churner", 4]],
};

/** Months a churner must have before and after their last invoice for the churn to be visible. */
export const CHURN_MIN_TENURE = 3;
export const CHURN_MIN_GAP = 4;

export function pickBehaviour(rng: Random, segment: Segment, startMonth: number, anchorIndex: number): Behaviour {
  const behaviour = rng.weighted(MIX[segment]);
  const canChurn = startMonth + CHURN_MIN_TENURE <= anchorIndex - CHURN_MIN_GAP;
  return behaviour === "churner" && !canChurn ? "on_time" : behaviour;
}
