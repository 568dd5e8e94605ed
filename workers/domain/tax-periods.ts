// Tax-rate periods per (jurisdiction, category) form one unbroken chain of half-open intervals
// [effectiveFrom, effectiveTo): each period ends exactly where the next begins, only the last may be
// open-ended (null). Migration tax_rate_intervals enforces the same in D1 with triggers; this module
// is the readable statement of the rule, what staged changes are planned with, and what the feed
// diff uses. Pure: "today" comes in as a parameter.
import { assertIsoDate } from "./dates.ts";
import { conflict, invalid } from "./errors.ts";
import type { TaxRate } from "./tax.ts";

/** A rate period as stored (TaxRate plus where the value comes from). */
export interface SourcedTaxRate extends TaxRate {
  source: string;
}

/** A rate the official source says applies on [effectiveFrom, effectiveTo). */
export interface RateChange {
  jurisdiction: string;
  category: string;
  ratePpm: number;
  effectiveFrom: string;
  effectiveTo: string | null;
  source: string;
}

const key = (r: { jurisdiction: string; category: string }) => `${r.jurisdiction}/${r.category}`;
const OPEN_END = "9999-12-31";
const endOf = (r: { effectiveTo: string | null }) => r.effectiveTo ?? OPEN_END;

/** Groups periods by (jurisdiction, category), each group sorted by effectiveFrom. */
export function chainsOf<T extends TaxRate>(rates: readonly T[]): Map<string, T[]> {
  const chains = new Map<string, T[]>();
  for (const r of rates) {
    const k = key(r);
    const list = chains.get(k) ?? [];
    list.push(r);
    chains.set(k, list);
  }
  for (const list of chains.values()) list.sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  return chains;
}

/** Throws a validation error naming the problem unless every chain is gap- and overlap-free. */
export function assertRateChains(rates: readonly TaxRate[], field = "taxRates"): void {
  for (const r of rates) {
    assertIsoDate(r.effectiveFrom, `${field}.effectiveFrom`);
    if (r.effectiveTo !== null) assertIsoDate(r.effectiveTo, `${field}.effectiveTo`);
    if (r.effectiveTo !== null && r.effectiveTo <= r.effectiveFrom) {
      throw invalid("tax_rate_period_empty", `${field}.effectiveTo`, `${key(r)}: a period must end after it starts (${r.effectiveFrom} → ${r.effectiveTo})`);
    }
    if (!Number.isInteger(r.ratePpm) || r.ratePpm < 0 || r.ratePpm > 1_000_000) {
      throw invalid("invalid_tax_rate", `${field}.ratePpm`, `${key(r)}: a rate is a whole number of ppm from 0 to 1000000`);
    }
  }
  for (const [k, chain] of chainsOf(rates)) {
    for (let i = 1; i < chain.length; i++) {
      const prev = chain[i - 1]!;
      const next = chain[i]!;
      if (endOf(prev) > next.effectiveFrom) throw invalid("tax_rate_period_overlap", `${field}.effectiveFrom`, `${k}: ${prev.effectiveFrom}–${prev.effectiveTo ?? "open"} overlaps the period from ${next.effectiveFrom}`);
      if (endOf(prev) < next.effectiveFrom) throw invalid("tax_rate_period_gap", `${field}.effectiveFrom`, `${k}: no rate between ${prev.effectiveTo} and ${next.effectiveFrom}`);
    }
  }
}

/** What applying a change does to the stored chain: at most one period shortened, then inserts. */
export interface RateChangePlan {
  /** The chain's last period, ended where the change starts. */
  close: { effectiveFrom: string; effectiveTo: string } | null;
  insert: SourcedTaxRate[];
}

/**
 * Plans a change against the current chain of its (jurisdiction, category). A change may only
 * start after the last stored period starts and not before today: history already invoiced under
 * is never rewritten (issued invoices keep the rate they were issued with anyway; this also keeps
 * drafts dated in the past from silently changing). A change with an end date is temporary: the
 * rate before it resumes afterwards (DE 16 % in the second half of 2020, then 19 % again).
 */
export function planRateChange(chain: readonly SourcedTaxRate[], change: RateChange, today: string): RateChangePlan {
  assertIsoDate(change.effectiveFrom, "effectiveFrom");
  if (change.effectiveTo !== null) assertIsoDate(change.effectiveTo, "effectiveTo");
  if (change.effectiveTo !== null && change.effectiveTo <= change.effectiveFrom) throw invalid("tax_rate_period_empty", "effectiveTo", "a rate period must end after it starts");
  if (change.effectiveFrom < today) throw conflict("tax_rate_change_in_past", `the change starts on ${change.effectiveFrom}, before today (${today}): past periods are never rewritten`);
  const sorted = [...chain].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  const base = { jurisdiction: change.jurisdiction, category: change.category };
  const inserted: SourcedTaxRate = { ...base, ratePpm: change.ratePpm, effectiveFrom: change.effectiveFrom, effectiveTo: change.effectiveTo, source: change.source };
  const last = sorted.at(-1);
  if (!last) return { close: null, insert: [inserted] };
  if (change.effectiveFrom <= last.effectiveFrom) {
    throw conflict("tax_rate_change_conflicts", `${key(change)} already has a period from ${last.effectiveFrom}; a change must start after it`);
  }
  if (last.effectiveTo !== null && change.effectiveFrom > last.effectiveTo) {
    throw invalid("tax_rate_period_gap", "effectiveFrom", `${key(change)}: the table ends on ${last.effectiveTo}; a change from ${change.effectiveFrom} would leave a gap`);
  }
  const close = last.effectiveTo === change.effectiveFrom ? null : { effectiveFrom: last.effectiveFrom, effectiveTo: change.effectiveFrom };
  const insert = [inserted];
  // A temporary change inside an open (or longer) period: the old rate resumes where it ends.
  if (change.effectiveTo !== null && endOf(last) > change.effectiveTo) {
    insert.push({ ...base, ratePpm: last.ratePpm, effectiveFrom: change.effectiveTo, effectiveTo: last.effectiveTo, source: last.source });
  }
  return { close, insert };
}

/** The chain after a plan is applied (what the D1 triggers will see at the end of the batch). */
export function applyPlan(chain: readonly SourcedTaxRate[], plan: RateChangePlan): SourcedTaxRate[] {
  const closed = chain.map((r) => (plan.close && r.effectiveFrom === plan.close.effectiveFrom ? { ...r, effectiveTo: plan.close.effectiveTo } : r));
  return [...closed, ...plan.insert].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
}

/** The rate the chain gives on `date`, or null. */
function rateOn(chain: readonly TaxRate[], date: string): TaxRate | null {
  return chain.find((r) => r.effectiveFrom <= date && date < endOf(r)) ?? null;
}

/** True when the chain has exactly `change.ratePpm` on every day of the change's period. */
export function chainCovers(chain: readonly TaxRate[], change: RateChange): boolean {
  let day = change.effectiveFrom;
  const end = endOf(change);
  for (;;) {
    const r = rateOn(chain, day);
    if (!r || r.ratePpm !== change.ratePpm) return false;
    if (endOf(r) >= end) return true;
    day = endOf(r);
  }
}

/**
 * The feed's periods the table does not already have, still relevant today (not ended before
 * today): these are staged for approval. Feed rows are first checked like the table itself.
 */
export function diffFeed(table: readonly TaxRate[], feed: readonly RateChange[], today: string): RateChange[] {
  assertRateChains(feed, "feed");
  const chains = chainsOf(table);
  return feed.filter((f) => (f.effectiveTo === null || f.effectiveTo > today) && !chainCovers(chains.get(key(f)) ?? [], f));
}

/** A stable identity of a change: the same feed row staged twice is the same change. */
export function changeFingerprint(c: RateChange): string {
  return [c.jurisdiction, c.category, c.ratePpm, c.effectiveFrom, c.effectiveTo ?? ""].join("|");
}

export type RateAlert =
  | { kind: "change_due_soon"; jurisdiction: string; category: string; effectiveFrom: string; daysLeft: number; changeId: string }
  | { kind: "rate_missing"; jurisdiction: string; category: string; date: string };

/**
 * Alerts for staff: a staged change that takes effect within `withinDays` and is still pending
 * (invoices would be issued at the old rate), and a (jurisdiction, category) in use with no rate
 * today or on any day of the next `withinDays`.
 */
export function rateAlerts(input: {
  table: readonly TaxRate[];
  pending: readonly (RateChange & { id: string })[];
  inUse: readonly { jurisdiction: string; category: string }[];
  today: string;
  /** Calendar date `withinDays` after today (the caller does the date arithmetic). */
  horizon: string;
  daysUntil: (date: string) => number;
}): RateAlert[] {
  const alerts: RateAlert[] = [];
  for (const p of input.pending) {
    if (p.effectiveFrom <= input.horizon) alerts.push({ kind: "change_due_soon", jurisdiction: p.jurisdiction, category: p.category, effectiveFrom: p.effectiveFrom, daysLeft: Math.max(0, input.daysUntil(p.effectiveFrom)), changeId: p.id });
  }
  const chains = chainsOf(input.table);
  const seen = new Set<string>();
  for (const use of input.inUse) {
    const k = key(use);
    if (seen.has(k)) continue;
    seen.add(k);
    const chain = chains.get(k) ?? [];
    // Chains are contiguous, so within the horizon a rate can only go missing where the chain ends.
    const last = chain.at(-1);
    const missingOn = !rateOn(chain, input.today) ? input.today : last?.effectiveTo != null && last.effectiveTo <= input.horizon ? last.effectiveTo : undefined;
    if (missingOn) alerts.push({ kind: "rate_missing", jurisdiction: use.jurisdiction, category: use.category, date: missingOn });
  }
  return alerts;
}
