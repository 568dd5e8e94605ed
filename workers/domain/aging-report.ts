// The aging report's shape from D1's per-(currency, bucket) sums: every bucket present in
// AGING_BUCKETS order (zeros included, so a chart's axis never shifts), with totals per currency.
import { AGING_BUCKETS, type AgingBucket } from "./aging.ts";

export interface AgingSum {
  currency: string;
  bucket: AgingBucket;
  amount: number;
  count: number;
}

export interface CurrencyAging {
  currency: string;
  buckets: Array<{ bucket: AgingBucket; amount: number; count: number }>;
  /** Everything open: current + overdue. */
  total: { amount: number; count: number };
  /** Past due only (every bucket but current). */
  overdue: { amount: number; count: number };
}

export function currencyAging(sums: readonly AgingSum[]): CurrencyAging[] {
  const byCurrency = Map.groupBy(sums, (s) => s.currency);
  return [...byCurrency.keys()].sort().map((currency) => {
    const cells = byCurrency.get(currency) ?? [];
    const buckets = AGING_BUCKETS.map((bucket) => {
      const hits = cells.filter((c) => c.bucket === bucket);
      return { bucket, amount: hits.reduce((n, c) => n + c.amount, 0), count: hits.reduce((n, c) => n + c.count, 0) };
    });
    const sum = (bs: typeof buckets) => ({ amount: bs.reduce((n, b) => n + b.amount, 0), count: bs.reduce((n, b) => n + b.count, 0) });
    return { currency, buckets, total: sum(buckets), overdue: sum(buckets.filter((b) => b.bucket !== "current")) };
  });
}
