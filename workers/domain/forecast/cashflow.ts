// Cash-flow forecast: when will the money arrive? Two parts, by week (13) and by month (12):
// - open invoices: each one's payment day drawn from its customer's own days-to-pay history
//   (≥ 3 payments), else from its customer segment's (≥ 5 payments), else the network's,
//   conditioned on the invoice still being open at its current age and shifted by the risk
//   model's expected days when there is a score;
// - new billing: monthly billing forecast (the combination model) turned into collections with
//   the network's days-to-pay distribution.
// Intervals: open invoices as independent Bernoulli payments per bucket, new billing from the
// billing forecast's own intervals; both normal, added in variance, floored at zero.
import { forecastAll } from "./models.ts";
import { Z80, Z95 } from "./stats.ts";

export interface OpenInvoice {
  customerId: string;
  /** Days since the epoch. */
  issued: number;
  outstanding: number;
  /** The risk model's expected days from issue to settlement, when scored. */
  expectedDays?: number;
}

export interface CashflowInput {
  today: number;
  open: readonly OpenInvoice[];
  /** Past days from issue to payment, per customer. */
  customerDaysToPay: ReadonlyMap<string, readonly number[]>;
  /** Each customer's segment (consumer, smb, enterprise...): the fallback below their own history. */
  customerSegment?: ReadonlyMap<string, string>;
  /** Monthly billed totals, oldest first, the last one being the month before the current month. */
  monthlyBilling: readonly number[];
  /** First day (epoch day) of each month from the current month on: 13 values (12 buckets). */
  monthStarts: readonly number[];
}

export interface CashflowBucket {
  start: number;
  end: number;
  fromOpenInvoices: number;
  fromNewBilling: number;
  expected: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}

export interface CashflowForecast {
  weeks: CashflowBucket[];
  months: CashflowBucket[];
  /** Open invoices timed by their customer's own history, by their segment's, and by the network's. */
  source: { openInvoices: number; customersWithOwnHistory: number; segmentHistory: number; networkHistory: number; networkPayments: number };
}

const DEFAULT_DAYS = [14, 21, 30, 30, 35, 45, 60];
/** Payments a customer needs before their own history is used. */
export const MIN_OWN_PAYMENTS = 3;
/** Payments a segment needs before it stands in for a customer without enough history. */
export const MIN_SEGMENT_PAYMENTS = 5;

export type HistoryLevel = "customer" | "segment" | "network";

/** The days-to-pay sample that times a customer's open invoices: own → segment → network. */
export function daysToPayFor(
  customerId: string,
  input: Pick<CashflowInput, "customerDaysToPay" | "customerSegment">,
  segmentDays: ReadonlyMap<string, readonly number[]>,
  networkDays: readonly number[],
): { days: readonly number[]; level: HistoryLevel } {
  const own = input.customerDaysToPay.get(customerId);
  if (own && own.length >= MIN_OWN_PAYMENTS) return { days: own, level: "customer" };
  const segment = input.customerSegment?.get(customerId);
  const pool = segment === undefined ? undefined : segmentDays.get(segment);
  if (pool && pool.length >= MIN_SEGMENT_PAYMENTS) return { days: pool, level: "segment" };
  return { days: networkDays, level: "network" };
}

/** Every segment's pooled days-to-pay. */
export function segmentPools(input: Pick<CashflowInput, "customerDaysToPay" | "customerSegment">): Map<string, number[]> {
  const pools = new Map<string, number[]>();
  for (const [customerId, days] of input.customerDaysToPay) {
    const segment = input.customerSegment?.get(customerId);
    if (segment === undefined) continue;
    const pool = pools.get(segment) ?? [];
    pool.push(...days);
    pools.set(segment, pool);
  }
  return pools;
}

/** Probability that a payment with empirical days `days` lands in [a, b) days after issue, given it is unpaid at `age`. */
function massIn(days: readonly number[], age: number, a: number, b: number, shift: number): number {
  const later = days.map((d) => d + shift).filter((d) => d >= age);
  if (later.length === 0) return a <= age + 7 && age + 7 < b ? 1 : 0; // overdue beyond all history: assume within the coming week
  return later.filter((d) => d >= a && d < b).length / later.length;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function cashflowForecast(input: CashflowInput): CashflowForecast {
  const network = [...input.customerDaysToPay.values()].flat();
  const networkDays = network.length >= 5 ? network : DEFAULT_DAYS;
  const segments = segmentPools(input);
  const levels = { customer: 0, segment: 0, network: 0 };
  const weekBounds = Array.from({ length: 13 }, (_, i) => [input.today + 7 * i, input.today + 7 * (i + 1)] as const);
  const monthBounds = input.monthStarts.slice(0, -1).map((s, i) => [i === 0 ? input.today : s, input.monthStarts[i + 1]!] as const);
  const openMean = (bounds: readonly (readonly [number, number])[]) => bounds.map(() => ({ mean: 0, variance: 0 }));
  const weekly = openMean(weekBounds);
  const monthly = openMean(monthBounds);
  for (const inv of input.open) {
    const { days, level } = daysToPayFor(inv.customerId, input, segments, networkDays);
    levels[level]++;
    const shift = inv.expectedDays !== undefined ? inv.expectedDays - median(days) : 0;
    const age = input.today - inv.issued;
    for (const [bounds, acc] of [
      [weekBounds, weekly],
      [monthBounds, monthly],
    ] as const)
      bounds.forEach(([s, e], i) => {
        const p = massIn(days, age, s - inv.issued, e - inv.issued, shift);
        acc[i]!.mean += p * inv.outstanding;
        acc[i]!.variance += p * (1 - p) * inv.outstanding ** 2;
      });
  }
  // New billing: months ahead from the current month, each month's billing spread over its days.
  const horizon = 14;
  const billing = input.monthlyBilling.length >= 3 ? forecastAll(input.monthlyBilling, horizon, 12, ["combination"]).combination! : undefined;
  const newIn = (s: number, e: number) => {
    let mean = 0;
    let sd = 0;
    if (!billing) return { mean, sd };
    for (let k = 0; k < horizon && k < input.monthStarts.length - 1; k++) {
      const ms = input.monthStarts[k]!;
      const me = input.monthStarts[k + 1]!;
      const billed = Math.max(0, billing.point[k]!);
      const spread = Math.max(0, (billing.hi95[k]! - billing.lo95[k]!) / (2 * Z95));
      // Invoices issued uniformly in [max(ms, today), me): share collected in [s, e).
      const from = Math.max(ms, input.today);
      if (from >= me) continue;
      const share = (me - from) / (me - ms);
      let frac = 0;
      const samples = 8;
      for (let j = 0; j < samples; j++) {
        const issue = from + ((j + 0.5) * (me - from)) / samples;
        frac += networkDays.filter((d) => issue + d >= s && issue + d < e).length / networkDays.length / samples;
      }
      mean += billed * share * frac;
      sd += spread * share * frac; // perfectly correlated within a bucket: add standard deviations
    }
    return { mean, sd };
  };
  const bucket = (s: number, e: number, open: { mean: number; variance: number }): CashflowBucket => {
    const fresh = newIn(s, e);
    const expected = open.mean + fresh.mean;
    const sd = Math.sqrt(open.variance + fresh.sd ** 2);
    const r = (v: number) => Math.max(0, Math.round(v));
    return {
      start: s,
      end: e,
      fromOpenInvoices: Math.round(open.mean),
      fromNewBilling: Math.round(fresh.mean),
      expected: Math.round(expected),
      lo80: r(expected - Z80 * sd),
      hi80: r(expected + Z80 * sd),
      lo95: r(expected - Z95 * sd),
      hi95: r(expected + Z95 * sd),
    };
  };
  return {
    weeks: weekBounds.map(([s, e], i) => bucket(s, e, weekly[i]!)),
    months: monthBounds.map(([s, e], i) => bucket(s, e, monthly[i]!)),
    source: {
      openInvoices: input.open.length,
      customersWithOwnHistory: levels.customer,
      segmentHistory: levels.segment,
      networkHistory: levels.network,
      networkPayments: network.length,
    },
  };
}
