// Money is an integer count of the currency's minor unit (cents, pence, yen). Never a float;
// the arithmetic never needs the currency's exponent, only that amounts are whole minor units.
import { invalid } from "./errors.ts";

/** Largest amount we accept anywhere: far below 2^53 so sums of many amounts stay exact. */
export const MAX_AMOUNT = 1_000_000_000_000_000; // 10^15 minor units

export function assertAmount(value: number, field: string, { allowZero = true } = {}): number {
  if (!Number.isSafeInteger(value)) throw invalid("amount_not_integer", field, `${field} must be an integer number of minor units`);
  if (value < 0 || (!allowZero && value === 0)) throw invalid("amount_out_of_range", field, `${field} must be ${allowZero ? "zero or more" : "greater than zero"}`);
  if (value > MAX_AMOUNT) throw invalid("amount_out_of_range", field, `${field} exceeds the largest supported amount`);
  return value;
}

/**
 * numerator / denominator rounded half away from zero, in exact integer arithmetic.
 * Used for every rounding step (line amounts, percentage discounts, tax per category).
 */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError("denominator must be positive");
  const negative = numerator < 0n;
  const abs = negative ? -numerator : numerator;
  const quotient = (abs * 2n + denominator) / (denominator * 2n);
  return negative ? -quotient : quotient;
}

export function toSafeNumber(value: bigint, field: string): number {
  if (value > BigInt(MAX_AMOUNT) || value < -BigInt(MAX_AMOUNT)) {
    throw invalid("amount_out_of_range", field, `${field} exceeds the largest supported amount`);
  }
  return Number(value);
}
