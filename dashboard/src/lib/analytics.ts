// Reads of /v1/analytics/* for the Overview and Revenue pages, and the periods they show.
import { api, ok } from "../api/client.ts";
import type { paths } from "../api/schema.gen.ts";

type Ok<T> = T extends { responses: { 200: { content: { "application/json": infer B } } } } ? B : never;
export type OverviewRow = Ok<paths["/v1/analytics/overview"]["get"]>["data"][number];
export type RevenueRow = Ok<paths["/v1/analytics/revenue"]["get"]>["data"][number];
export type ProfitabilityRow = Ok<paths["/v1/analytics/profitability"]["get"]>["data"][number];
export type BranchComparison = Ok<paths["/v1/analytics/branches"]["get"]>;
export type BranchRow = BranchComparison["data"][number];

const iso = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (date: string, n: number) => iso(new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000));

/** The last 30 days, today included. */
export function last30Days(today = iso(new Date())) {
  return { from: addDays(today, -29), to: today };
}

/** The last `n` calendar months, oldest first, as YYYY-MM plus their first and last day. */
export function lastMonths(n: number, today = iso(new Date())) {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7)) - 1;
  return Array.from({ length: n }, (_, i) => {
    const d = new Date(Date.UTC(y, m - (n - 1 - i), 1));
    const month = iso(d).slice(0, 7);
    const end = iso(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)));
    return { month, from: `${month}-01`, to: [end, today].sort()[0] as string };
  });
}

export async function loadOverview(period: { from: string; to: string }, signal: AbortSignal): Promise<OverviewRow[]> {
  return (await ok(api.GET("/v1/analytics/overview", { params: { query: period }, signal }))).data;
}

/** Billed vs collected per month and currency (one overview read per month, in parallel). */
export async function loadBilledVsCollected(months: number, signal: AbortSignal) {
  const periods = lastMonths(months);
  const rows = await Promise.all(periods.map((p) => loadOverview(p, signal)));
  return periods.map((p, i) => ({ month: p.month, rows: rows[i] ?? [] }));
}

export async function loadRevenue(from: string, to: string, signal: AbortSignal): Promise<RevenueRow[]> {
  return (await ok(api.GET("/v1/analytics/revenue", { params: { query: { from, to } }, signal }))).data;
}

export async function loadProfitability(from: string, to: string, signal: AbortSignal): Promise<ProfitabilityRow[]> {
  return (await ok(api.GET("/v1/analytics/profitability", { params: { query: { from, to } }, signal }))).data;
}

export async function loadBranches(period: { from: string; to: string }, signal: AbortSignal): Promise<BranchComparison> {
  return ok(api.GET("/v1/analytics/branches", { params: { query: period }, signal }));
}

/** Change in % against the previous value, or null when there was nothing before. */
export const changePct = (now: number, before: number) => (before === 0 ? null : Math.round(((now - before) / Math.abs(before)) * 1000) / 10);

export const formatPct = (v: number | null | undefined) => (v === null || v === undefined ? "—" : `${v > 0 ? "+" : ""}${v.toFixed(1)} %`);
export const formatRatio = (v: number | null | undefined, unit = "") => (v === null || v === undefined ? "—" : `${v.toFixed(1)}${unit}`);
