// Aging buckets a franchise configures: contiguous day ranges past due, the last open-ended.
import type { FieldIssue } from "../errors.ts";

export interface AgingBucketDef {
  id: string;
  label: string;
  /** Inclusive lower bound in days past due (0 = not yet overdue). */
  minDays: number;
  /** Inclusive upper bound; null only on the last bucket. */
  maxDays: number | null;
}

export const DEFAULT_BUCKETS: readonly AgingBucketDef[] = [
  { id: "current", label: "Current", minDays: 0, maxDays: 0 },
  { id: "1-30", label: "1–30 days", minDays: 1, maxDays: 30 },
  { id: "31-60", label: "31–60 days", minDays: 31, maxDays: 60 },
  { id: "61-90", label: "61–90 days", minDays: 61, maxDays: 90 },
  { id: "90+", label: "90+ days", minDays: 91, maxDays: null },
];

/** Issues that make a bucket list unusable: gaps, overlaps, no open end, duplicate ids. */
export function bucketIssues(buckets: readonly AgingBucketDef[], field = "buckets"): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (buckets.length === 0) return [{ field, message: "at least one bucket is required" }];
  const ids = new Set<string>();
  buckets.forEach((b, i) => {
    const at = `${field}.${i}`;
    if (ids.has(b.id)) issues.push({ field: `${at}.id`, message: `duplicate bucket id ${b.id}` });
    ids.add(b.id);
    const expectedMin = i === 0 ? 0 : (buckets[i - 1]?.maxDays ?? Number.NaN) + 1;
    if (b.minDays !== expectedMin) issues.push({ field: `${at}.minDays`, message: `must be ${Number.isNaN(expectedMin) ? "after a closed bucket" : expectedMin} so buckets are contiguous from 0` });
    const last = i === buckets.length - 1;
    if (last && b.maxDays !== null) issues.push({ field: `${at}.maxDays`, message: "the last bucket must be open-ended (null)" });
    if (!last && (b.maxDays === null || b.maxDays < b.minDays)) issues.push({ field: `${at}.maxDays`, message: "must be a day count not below minDays" });
  });
  return issues;
}

export function bucketOfDays(buckets: readonly AgingBucketDef[], daysPastDue: number): string {
  const days = Math.max(0, daysPastDue);
  for (const b of buckets) if (days >= b.minDays && (b.maxDays === null || days <= b.maxDays)) return b.id;
  return buckets[buckets.length - 1]?.id ?? "current";
}
