// Proration by day. Rule (documented in docs/billing-runs.md): a cadence period of D days and a
// full price P; the amount owed for the days k1..k2 of the period (1-based, inclusive) is
// F(k2) - F(k1 - 1), where F(k) = floor(P * k / D) is the cumulative price of the first k days.
// Because the amounts telescope, ANY split of a period into consecutive day ranges (start
// mid-period, stop mid-period, a change of terms) sums to exactly P; every amount is a whole
// number of minor units, never negative, and never more than P. Rounding: down, cumulatively,
// so the remainder lands on the day that completes a whole minor unit (no drift across segments).
import { addDays, daysBetween } from "../dates.ts";
import { invalid } from "../errors.ts";

export interface DateRange {
  /** First day, YYYY-MM-DD, inclusive. */
  start: string;
  /** Last day, YYYY-MM-DD, inclusive. */
  end: string;
}

export const daysIn = (range: DateRange): number => daysBetween(range.start, range.end) + 1;

/** Cumulative price of the first `days` days of a `periodDays`-day period (exact integer maths). */
function cumulative(fullPrice: number, days: number, periodDays: number): number {
  return Number((BigInt(fullPrice) * BigInt(days)) / BigInt(periodDays));
}

/**
 * The part of `fullPrice` owed for `covered` (clipped to `period`). 0 when they do not overlap.
 * `fullPrice` is a non-negative integer in minor units.
 */
export function prorate(fullPrice: number, period: DateRange, covered: DateRange): number {
  if (!Number.isSafeInteger(fullPrice) || fullPrice < 0) throw invalid("invalid_amount", "unitPrice", "a price must be a non-negative whole number of minor units");
  const periodDays = daysIn(period);
  if (periodDays < 1) throw invalid("invalid_period", "period", "a period must end on or after its start");
  const start = covered.start > period.start ? covered.start : period.start;
  const end = covered.end < period.end ? covered.end : period.end;
  if (end < start) return 0;
  const first = daysBetween(period.start, start) + 1;
  const last = daysBetween(period.start, end) + 1;
  return cumulative(fullPrice, last, periodDays) - cumulative(fullPrice, first - 1, periodDays);
}

/** Terms that apply from a day on: the full price per cadence period from `from` until the next change. */
export interface PriceSegment {
  from: string;
  fullPrice: number;
}

/**
 * The amount owed for `period` when the price changes inside it (quantity or unit price changed,
 * or the agreement starts/stops: a stop is a segment with fullPrice 0). Segments must be sorted by
 * `from`; the first one's terms also apply before it only if it starts on/before the period.
 * Days before the first segment owe nothing.
 */
export function prorateSegments(period: DateRange, segments: readonly PriceSegment[]): number {
  let total = 0;
  segments.forEach((segment, i) => {
    const next = segments[i + 1];
    if (next && next.from < segment.from) throw invalid("unsorted_segments", `segments.${i + 1}.from`, "price changes must be in date order");
    const end = next ? addDays(next.from, -1) : period.end;
    if (end < segment.from) return;
    total += prorate(segment.fullPrice, period, { start: segment.from, end });
  });
  return total;
}
