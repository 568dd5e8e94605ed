// Late-payment features for one invoice from what was known on its issue date only: the
// customer's earlier invoices, and of those only the settlements that happened before that
// day (an earlier invoice still open then counts as open, and as overdue if past its due date).

export interface InvoiceRecord {
  customerId: string;
  invoiceId: string;
  /** Days since 1970-01-01 (UTC). */
  issued: number;
  due: number;
  amount: number;
  /** Day the invoice was settled, undefined while open. */
  settled?: number;
  disputed: boolean;
}

export const FEATURE_NAMES = [
  "prior_late_rate",
  "prior_settled_count",
  "mean_days_late",
  "days_late_trend",
  "last_days_late",
  "mean_days_to_settle",
  "open_count",
  "overdue_open_count",
  "max_days_overdue",
  "prior_dispute_rate",
  "amount_vs_norm",
  "log_amount",
  "tenure_days",
  "days_since_last_payment",
  "terms_days",
  "no_history",
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

export interface Population {
  /** Late rate and mean days to settle over everything settled in training: the fallback for new customers. */
  lateRate: number;
  daysToSettle: number;
}

const PRIOR_WEIGHT = 2;

/**
 * `earlier` holds the same customer's invoices issued strictly before `inv` (any order). Returns
 * the feature vector in FEATURE_NAMES order.
 */
export function invoiceFeatures(inv: InvoiceRecord, earlier: readonly InvoiceRecord[], pop: Population): number[] {
  const t = inv.issued;
  const settled = earlier.filter((e) => e.settled !== undefined && e.settled < t).sort((a, b) => a.settled! - b.settled!);
  const open = earlier.filter((e) => e.settled === undefined || e.settled >= t);
  const lateness = settled.map((e) => Math.max(0, e.settled! - e.due));
  const late = lateness.filter((d) => d > 0).length;
  const n = settled.length;
  const meanLate = n ? lateness.reduce((a, b) => a + b, 0) / n : 0;
  const recent = lateness.slice(-3);
  const recentMean = recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : 0;
  const dts = n ? settled.reduce((s, e) => s + (e.settled! - e.issued), 0) / n : pop.daysToSettle;
  const overdue = open.filter((e) => e.due < t);
  const maxOverdue = overdue.reduce((m, e) => Math.max(m, t - e.due), 0);
  const disputes = settled.filter((e) => e.disputed).length;
  const amounts = earlier.map((e) => e.amount).filter((a) => a > 0);
  const norm = amounts.length ? amounts.reduce((a, b) => a + b, 0) / amounts.length : inv.amount;
  const first = earlier.reduce((m, e) => Math.min(m, e.issued), t);
  const lastPaid = n ? settled[n - 1]!.settled! : undefined;
  return [
    (late + PRIOR_WEIGHT * pop.lateRate) / (n + PRIOR_WEIGHT),
    Math.log1p(n),
    Math.log1p(meanLate),
    Math.log1p(recentMean) - Math.log1p(meanLate),
    n ? Math.log1p(lateness[n - 1]!) : 0,
    dts,
    Math.log1p(open.length),
    Math.log1p(overdue.length),
    Math.log1p(maxOverdue),
    (disputes + 0.5 * 0.2) / (n + 0.5),
    inv.amount > 0 && norm > 0 ? Math.log(inv.amount / norm) : 0,
    Math.log1p(Math.max(0, inv.amount)),
    Math.log1p(t - first),
    lastPaid === undefined ? Math.log1p(365) : Math.log1p(t - lastPaid),
    inv.due - inv.issued,
    n === 0 ? 1 : 0,
  ];
}

/** Group by customer, sorted by issue date, so each invoice's earlier invoices are a prefix. */
export function byCustomer(records: readonly InvoiceRecord[]): Map<string, InvoiceRecord[]> {
  const map = new Map<string, InvoiceRecord[]>();
  for (const r of records) {
    const list = map.get(r.customerId) ?? [];
    list.push(r);
    map.set(r.customerId, list);
  }
  for (const list of map.values()) list.sort((a, b) => a.issued - b.issued || a.invoiceId.localeCompare(b.invoiceId));
  return map;
}

/** The customer's invoices issued strictly before `inv`. */
export function earlierThan(list: readonly InvoiceRecord[], inv: InvoiceRecord): InvoiceRecord[] {
  return list.filter((e) => e.issued < inv.issued && e.invoiceId !== inv.invoiceId);
}

export function isLate(r: InvoiceRecord): boolean | undefined {
  return r.settled === undefined ? undefined : r.settled > r.due;
}
