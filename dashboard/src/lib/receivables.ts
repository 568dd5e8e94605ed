// The Overview's aging, from GET /v1/receivables/aging (the same report as the Receivables page):
// network-wide with the largest overdue customers, and per branch for the branch table. Each
// branch is aged on its own local today, as the server does. Kept for a minute so moving between
// pages does not reload it.
import { api, ok } from "../api/client.ts";
import type { Branch, ReceivablesAging } from "../api/types.ts";
import { learnMinorUnits } from "./format.ts";

/** Past-due buckets of the server's report, in order ("current" is not overdue). */
export const BUCKETS = ["1-30", "31-60", "61-90", "90+"] as const;
export type Bucket = (typeof BUCKETS)[number];
export const BUCKET_LABELS: Record<Bucket, string> = { "1-30": "1–30 days", "31-60": "31–60 days", "61-90": "61–90 days", "90+": "90+ days" };

/** How many overdue customers the Overview lists. */
export const TOP_CUSTOMERS = 8;

export interface OverviewAging {
  network: ReceivablesAging;
  byBranch: Map<string, ReceivablesAging>;
}

let cache: { key: string; value: Promise<OverviewAging> } | undefined;

async function aging(branchId: string | undefined, signal: AbortSignal): Promise<ReceivablesAging> {
  const report = await ok(api.GET("/v1/receivables/aging", { params: { query: { branchId, top: TOP_CUSTOMERS } }, signal }));
  for (const c of report.currencies) learnMinorUnits(c.currency, c.minorUnits);
  return report;
}

export function loadOverviewAging(branches: Branch[], signal: AbortSignal): Promise<OverviewAging> {
  const key = branches.map((b) => b.id).join(",");
  if (cache && cache.key === key) return cache.value;
  const value = Promise.all([aging(undefined, signal), ...branches.map((b) => aging(b.id, signal))]).then(([network, ...each]) => ({
    network: network as ReceivablesAging,
    byBranch: new Map(branches.map((b, i) => [b.id, each[i] as ReceivablesAging])),
  }));
  cache = { key, value };
  value.catch(() => {
    if (cache?.value === value) cache = undefined;
  });
  setTimeout(() => {
    if (cache?.value === value) cache = undefined;
  }, 60_000);
  return value;
}

export interface AgingRow {
  currency: string;
  buckets: Record<Bucket, number>;
  total: number;
  count: number;
}

/** The overdue part of each currency's report; currencies with nothing overdue are left out. */
export function overdueByCurrency(report: ReceivablesAging | undefined): AgingRow[] {
  return (report?.currencies ?? [])
    .filter((c) => c.overdue.amount > 0)
    .map((c) => ({
      currency: c.currency,
      buckets: Object.fromEntries(BUCKETS.map((b) => [b, c.buckets.find((x) => x.bucket === b)?.amount ?? 0])) as Record<Bucket, number>,
      total: c.overdue.amount,
      count: c.overdue.count,
    }))
    .sort((a, b) => a.currency.localeCompare(b.currency));
}
