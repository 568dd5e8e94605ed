// Overdue receivables, aggregated in the browser from the invoice list (the API has no aging
// report yet). Each branch is paged in parallel; the result is kept for a minute so moving
// between Overview and Receivables does not reload it.
import { api, ok } from "../api/client.ts";
import type { Branch, Invoice } from "../api/types.ts";
import { learnMinorUnits } from "./format.ts";

export const BUCKETS = ["1-30", "31-60", "61-90", "90+"] as const;
export type Bucket = (typeof BUCKETS)[number];
export const BUCKET_LABELS: Record<Bucket, string> = { "1-30": "1–30 days", "31-60": "31–60 days", "61-90": "61–90 days", "90+": "90+ days" };

// The API's largest page: fewer round trips per branch.
const PAGE = 200;

export interface OverdueSet {
  invoices: Invoice[];
  loadedAt: number;
}

let cache: { key: string; value: Promise<OverdueSet> } | undefined;

async function overdueOfBranch(branchId: string, signal: AbortSignal): Promise<Invoice[]> {
  const out: Invoice[] = [];
  let cursor: string | undefined;
  do {
    const page = await ok(api.GET("/v1/invoices", { params: { query: { overdue: "true", branchId, limit: PAGE, cursor } }, signal }));
    for (const i of page.data) learnMinorUnits(i.currency, i.minorUnits);
    out.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

export function loadOverdue(branches: Branch[], signal: AbortSignal): Promise<OverdueSet> {
  const key = branches.map((b) => b.id).join(",");
  if (cache && cache.key === key) return cache.value;
  const value = Promise.all(branches.map((b) => overdueOfBranch(b.id, signal))).then((lists) => ({ invoices: lists.flat(), loadedAt: Date.now() }));
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

export function agingByCurrency(invoices: Invoice[]): AgingRow[] {
  const rows = new Map<string, AgingRow>();
  for (const i of invoices) {
    const row = rows.get(i.currency) ?? { currency: i.currency, buckets: { "1-30": 0, "31-60": 0, "61-90": 0, "90+": 0 }, total: 0, count: 0 };
    const b = (BUCKETS as readonly string[]).includes(i.agingBucket ?? "") ? (i.agingBucket as Bucket) : "90+";
    row.buckets[b] += i.balanceDue;
    row.total += i.balanceDue;
    row.count += 1;
    rows.set(i.currency, row);
  }
  return [...rows.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

export interface OverdueCustomer {
  customerId: string;
  currency: string;
  branchId: string;
  balance: number;
  invoices: number;
  oldestDays: number;
}

export function topOverdueCustomers(invoices: Invoice[], n: number): OverdueCustomer[] {
  const by = new Map<string, OverdueCustomer>();
  for (const i of invoices) {
    const key = `${i.customerId}|${i.currency}`;
    const c = by.get(key) ?? { customerId: i.customerId, currency: i.currency, branchId: i.branchId, balance: 0, invoices: 0, oldestDays: 0 };
    c.balance += i.balanceDue;
    c.invoices += 1;
    c.oldestDays = Math.max(c.oldestDays, i.daysPastDue);
    by.set(key, c);
  }
  return [...by.values()].sort((a, b) => b.balance - a.balance).slice(0, n);
}
