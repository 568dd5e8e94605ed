// Receivables KPIs from rollup sums, one currency at a time. Ratios come back rounded to one
// decimal (presentation), or null when their denominator is zero (no NaN ever leaves here).

/** The sums of one currency over a period, plus the balances at its end (and at its start). */
export interface PeriodSums {
  billed: number;
  collected: number;
  credited: number;
  creditApplied: number;
  recognized: number;
  collectedDays: number;
  lateDays: number;
  /** Open receivables at the end of the day before the period. */
  outstandingStart: number;
  /** Open receivables at the end of the period's last day. */
  outstandingEnd: number;
  /** The part of outstandingEnd past its due date. */
  overdueEnd: number;
  days: number;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const ratio = (num: number, den: number, scale = 1): number | null => (den === 0 ? null : round1((num / den) * scale));

/** Days sales outstanding: closing receivables over the period's billing, times its length. */
export const dso = (s: PeriodSums) => ratio(s.outstandingEnd, s.billed, s.days);

/** Average days from issue to payment, weighted by the cash collected. */
export const avgDaysToPay = (s: PeriodSums) => ratio(s.collectedDays, s.collected);

/** Average days past due at payment, weighted by the cash collected. */
export const avgDaysLate = (s: PeriodSums) => ratio(s.lateDays, s.collected);

export const overduePct = (s: PeriodSums) => ratio(s.overdueEnd, s.outstandingEnd, 100);

/**
 * Collection effectiveness index, %: what was collectible in the period (opening AR + billing)
 * and got settled, over what was collectible less what is still current (not yet due) at the end.
 */
export function cei(s: PeriodSums): number | null {
  const collectible = s.outstandingStart + s.billed;
  const current = s.outstandingEnd - s.overdueEnd;
  return ratio(collectible - s.outstandingEnd, collectible - current, 100);
}

/** The median of the numbers given (nulls ignored); null when there is none. */
export function median(values: readonly (number | null)[]): number | null {
  const xs = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = Math.floor(xs.length / 2);
  return xs.length % 2 === 1 ? (xs[mid] as number) : round1(((xs[mid - 1] as number) + (xs[mid] as number)) / 2);
}

/** Growth in % of `now` over `before`; null when there was nothing before. */
export const growthPct = (now: number, before: number) => ratio(now - before, before, 100);

/** Gross margin of net revenue at a service type's direct-cost rate (basis points), cost rounded half up to the cent. */
export function profitability(revenue: number, costRateBps: number): { revenue: number; cost: number; margin: number; marginPct: number | null } {
  const cost = Math.sign(revenue) * Math.round((Math.abs(revenue) * costRateBps) / 10_000);
  return { revenue, cost, margin: revenue - cost, marginPct: ratio(revenue - cost, revenue, 100) };
}

/**
 * Dispute rate, %: of the invoices issued in the period (not void), the share disputed at least
 * once (a dispute opened at any time up to now, resolved or not); null when none was issued.
 */
export const disputeRate = (disputed: number, issued: number) => ratio(disputed, issued, 100);
