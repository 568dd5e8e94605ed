// Money is an integer count of the currency's minor unit (cents, pence, yen). Never a float.
import { invalid } from "./errors.ts";

/** ISO 4217 minor-unit exponents for the currencies we bill in. */
const MINOR_UNITS: Readonly<Record<string, number>> = {
  EUR: 2, USD: 2, GBP: 2, CAD: 2, AUD: 2, CHF: 2, MXN: 2, BRL: 2, SEK: 2, NOK: 2, DKK: 2,
  PLN: 2, CZK: 2, NZD: 2, SGD: 2, HKD: 2, ZAR: 2, INR: 2, SAR: 2, AED: 2,
  JPY: 0, KRW: 0, CLP: 0,
  KWD: 3, BHD: 3, JOD: 3, OMR: 3, TND: 3,
};

export const SUPPORTED_CURRENCIES = Object.keys(MINOR_UNITS);

/** Largest amount we accept anywhere: far below 2^53 so sums of many amounts stay exact. */
export const MAX_AMOUNT = 1_000_000_000_000_000; // 10^15 minor units

export function isSupportedCurrency(code: string): boolean {
  return Object.hasOwn(MINOR_UNITS, code);
}

export function minorUnitsOf(currency: string): number {
  const units = MINOR_UNITS[currency];
  if (units === undefined) throw invalid("unsupported_currency", "currency", `currency ${currency} is not supported`);
  return units;
}

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

export function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
