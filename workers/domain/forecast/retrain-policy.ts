// When a franchise's forecasting and risk models are due for a retrain (the daily cron asks):
// never trained but has invoices, trained more than a week ago, or enough invoices issued since
// the last run that its scores and accuracy are noticeably out of date. Pure: times come in.

export interface RetrainPolicy {
  /** A run older than this is always refreshed. */
  maxAgeDays: number;
  /** A younger run is refreshed early once this many invoices were issued after it. */
  newInvoices: number;
}

export const DEFAULT_RETRAIN_POLICY: RetrainPolicy = { maxAgeDays: 7, newInvoices: 100 };

export type RetrainReason = "never_trained" | "stale" | "new_invoices";

export interface RetrainInput {
  /** Epoch ms of the latest run, or null when the franchise has none. */
  lastTrainedAt: number | null;
  /** Invoices issued since the latest run (callers may stop counting at the threshold). */
  invoicesSince: number;
  now: number;
}

const DAY_MS = 86_400_000;

/** Why the franchise should retrain now, or null when its models are fresh enough. */
export function retrainReason(input: RetrainInput, policy: RetrainPolicy = DEFAULT_RETRAIN_POLICY): RetrainReason | null {
  if (input.lastTrainedAt === null) return input.invoicesSince > 0 ? "never_trained" : null;
  // The cron fires once a day: an age within an hour of the limit counts, so a weekly retrain
  // does not slip to the eighth day because the last run finished a few minutes after the cron.
  if (input.now - input.lastTrainedAt >= policy.maxAgeDays * DAY_MS - 3_600_000) return "stale";
  if (input.invoicesSince >= policy.newInvoices) return "new_invoices";
  return null;
}
