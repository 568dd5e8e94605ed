// Business outcomes counted per franchise and minute in its OpsMetrics DO (GET /v1/ops/metrics
// reports the last hour): reminders that reached a provider, and ERP records whose sync attempt
// ended retrying or failed.
export const OUTCOME_KINDS = ["dunningSends", "erpSyncFailures"] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];
export type OutcomeCounts = Record<OutcomeKind, number>;
