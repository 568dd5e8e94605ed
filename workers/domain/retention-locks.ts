// The production R2 bucket-lock rules for the e-invoice archive, generated from the retention
// policies (scripts/r2-lock-rules.ts prints them for `wrangler r2 bucket lock set`). Archive keys
// are einvoice/<franchiseId>/documents/<yyyy>/<sha256>.xml and einvoice/<franchiseId>/records/…
// (workers/compliance/archive.ts), so a rule per franchise and issue year can lock the documents
// until the date their retention ends (a Date condition: counted from the end of the period the
// law names, not from the upload), and one Age rule per franchise keeps the records at least as
// long as the longest policy plus a year. Locks are governance-grade only (NOTES §0.4): anyone with
// bucket-config rights can remove them; the audit log is the tamper evidence.
import { invalid } from "./errors.ts";
import { deletableFrom, policyFor, type RetentionPolicy } from "./retention.ts";

/** R2 allows at most this many lock rules per bucket. */
export const MAX_LOCK_RULES = 1000;

export type LockCondition = { type: "Date"; date: string } | { type: "Age"; maxAgeSeconds: number } | { type: "Indefinite" };
export interface LockRule {
  id: string;
  enabled: true;
  prefix: string;
  condition: LockCondition;
}

export interface FranchiseJurisdictions {
  franchiseId: string;
  jurisdictions: readonly string[];
}

const DAY_SECONDS = 86_400;

/**
 * Rules for `years` of documents of each franchise: locked until the latest date any of its
 * jurisdictions' invoice policies allows deletion of a document issued that year (31 December is
 * the latest date in a year, and retention only grows with the date). A franchise invoicing in a
 * jurisdiction without a policy gets Indefinite locks: we keep what we do not know the law for.
 */
export function lockRules(franchises: readonly FranchiseJurisdictions[], years: readonly number[], policies: readonly RetentionPolicy[]): LockRule[] {
  const rules: LockRule[] = [];
  for (const f of franchises) {
    const found = f.jurisdictions.map((j) => policyFor(policies, j, "invoice"));
    const known = found.filter((p): p is RetentionPolicy => p !== undefined);
    const unknown = found.length === 0 || known.length < found.length;
    for (const year of years) {
      const until = known.map((p) => deletableFrom(p, `${year}-12-31`)).sort().at(-1)!;
      rules.push({
        id: `einvoice-${f.franchiseId}-${year}`,
        enabled: true,
        prefix: `einvoice/${f.franchiseId}/documents/${year}/`,
        condition: unknown ? { type: "Indefinite" } : { type: "Date", date: `${until}T00:00:00Z` },
      });
    }
    const longestMonths = Math.max(0, ...known.map((p) => p.months));
    rules.push({
      id: `einvoice-${f.franchiseId}-records`,
      enabled: true,
      prefix: `einvoice/${f.franchiseId}/records/`,
      condition: unknown ? { type: "Indefinite" } : { type: "Age", maxAgeSeconds: Math.ceil(((longestMonths + 12) / 12) * 366) * DAY_SECONDS },
    });
  }
  if (rules.length > MAX_LOCK_RULES) throw invalid("too_many_lock_rules", "years", `${rules.length} rules exceed R2's ${MAX_LOCK_RULES} per bucket: lock fewer years at a time`);
  return rules;
}
