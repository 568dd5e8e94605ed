// How long an archived document must be kept, per jurisdiction and document class (compliance
// NOTES §1.9), and whether it may be deleted. The period runs from the END of the period the law
// names (the calendar year for most; India: the due date of the annual return), never from the
// upload date: an invoice of 15 March 2020 under an 8-year rule that starts at the end of the
// calendar year is kept through 31 December 2028. Pure: dates come in as ISO strings.
import { addDays, assertIsoDate } from "./dates.ts";
import { conflict } from "./errors.ts";

export const DOCUMENT_CLASSES = ["invoice", "books"] as const;
export type DocumentClass = (typeof DOCUMENT_CLASSES)[number];

/** Where the retention period starts. */
export type RetentionStart =
  /** 31 December of the document's year. */
  | { kind: "calendar_year_end" }
  /** The end of the document's calendar quarter (a tax period; the longest of monthly/quarterly). */
  | { kind: "calendar_quarter_end" }
  /** The due date of the annual return of the fiscal year the document falls in: that year ends on the
   * last day before `fiscalYearStartMonth`, and the return is due `dueMonthsAfter` months later. */
  | { kind: "annual_return_due"; fiscalYearStartMonth: number; dueMonthsAfter: number };

export interface RetentionPolicy {
  jurisdiction: string;
  documentClass: DocumentClass;
  /** Length of the period, in months (6 years = 72). */
  months: number;
  start: RetentionStart;
  /** The law, and how sure the notes are of it ([S] stated by source, [3P], [M] from memory). */
  source: string;
}

const CY: RetentionStart = { kind: "calendar_year_end" };

/** The compliance NOTES §1.9 table. Migration `retention` seeds the same rows (a test compares them). */
export const RETENTION_POLICIES: readonly RetentionPolicy[] = [
  { jurisdiction: "ES", documentClass: "invoice", months: 72, start: CY, source: "Código de Comercio art. 30 (6 y; tax limitation LGT art. 66 is 4 y) [M]" },
  { jurisdiction: "ES", documentClass: "books", months: 72, start: CY, source: "Código de Comercio art. 30 (6 y) [M]" },
  { jurisdiction: "PT", documentClass: "invoice", months: 120, start: CY, source: "CIVA / Portaria 363/2010 (10 y) [M]" },
  { jurisdiction: "PT", documentClass: "books", months: 120, start: CY, source: "Código Comercial / CIRC art. 123 (10 y) [M]" },
  { jurisdiction: "FR", documentClass: "invoice", months: 120, start: CY, source: "Code de commerce L123-22 (10 y accounting; LPF L102 B 6 y tax) [M]" },
  { jurisdiction: "FR", documentClass: "books", months: 120, start: CY, source: "Code de commerce L123-22 (10 y) [M]" },
  { jurisdiction: "DE", documentClass: "invoice", months: 96, start: CY, source: "§ 147(3),(4) AO, § 14b(1) UStG as amended by BEG IV (8 y from the end of the calendar year) [S]" },
  { jurisdiction: "DE", documentClass: "books", months: 120, start: CY, source: "§ 147(3),(4) AO, § 257(4),(5) HGB (10 y from the end of the calendar year) [S]" },
  { jurisdiction: "IT", documentClass: "invoice", months: 120, start: CY, source: "Codice civile art. 2220 (10 y) [3P]" },
  { jurisdiction: "IT", documentClass: "books", months: 120, start: CY, source: "Codice civile art. 2220 (10 y) [3P]" },
  { jurisdiction: "SA", documentClass: "invoice", months: 72, start: { kind: "calendar_quarter_end" }, source: "VAT Implementing Regulations art. 66 (6 y from the end of the tax period) [3P]" },
  { jurisdiction: "SA", documentClass: "books", months: 72, start: { kind: "calendar_quarter_end" }, source: "VAT Implementing Regulations art. 66 (6 y from the end of the tax period) [3P]" },
  { jurisdiction: "IN", documentClass: "invoice", months: 72, start: { kind: "annual_return_due", fiscalYearStartMonth: 4, dueMonthsAfter: 9 }, source: "CGST Act s.36 (72 months from the due date of the annual return, 31 Dec after the April–March year) [M]" },
  { jurisdiction: "IN", documentClass: "books", months: 72, start: { kind: "annual_return_due", fiscalYearStartMonth: 4, dueMonthsAfter: 9 }, source: "CGST Act s.36 [M]" },
];

const pad = (n: number) => String(n).padStart(2, "0");
/** The last day of month `month` (1-12, may overflow into later years) of `year`. */
function lastDayOfMonth(year: number, month: number): string {
  const y = year + Math.floor((month - 1) / 12);
  const m = ((month - 1) % 12) + 1;
  return addDays(`${y + Math.floor(m / 12)}-${pad((m % 12) + 1)}-01`, -1);
}

/** The last day of the period the law names, for a document dated `date`. */
export function periodEnd(start: RetentionStart, date: string): string {
  assertIsoDate(date, "documentDate");
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  switch (start.kind) {
    case "calendar_year_end":
      return `${year}-12-31`;
    case "calendar_quarter_end":
      return lastDayOfMonth(year, Math.ceil(month / 3) * 3);
    case "annual_return_due": {
      // The fiscal year containing `date` ends in the month before fiscalYearStartMonth.
      const fyEndYear = month >= start.fiscalYearStartMonth ? year + 1 : year;
      return lastDayOfMonth(fyEndYear, start.fiscalYearStartMonth - 1 + start.dueMonthsAfter);
    }
  }
}

/** The last day the document must still be kept: `months` after the end of its period. */
export function retainedThrough(policy: RetentionPolicy, documentDate: string): string {
  const end = periodEnd(policy.start, documentDate);
  // Period ends are month ends: months later is again a month end.
  return lastDayOfMonth(Number(end.slice(0, 4)), Number(end.slice(5, 7)) + policy.months);
}

/** The first day the document may be deleted. */
export function deletableFrom(policy: RetentionPolicy, documentDate: string): string {
  return addDays(retainedThrough(policy, documentDate), 1);
}

export function policyFor(policies: readonly RetentionPolicy[], jurisdiction: string, documentClass: DocumentClass): RetentionPolicy | undefined {
  return policies.find((p) => p.jurisdiction === jurisdiction && p.documentClass === documentClass);
}

export type DeletionCheck = { allowed: true; deletableFrom: string } | { allowed: false; code: "no_retention_policy" | "retention_period_running" | "legal_hold_active" | "not_archived"; message: string; deletableFrom: string | null };

/**
 * Whether an archived document may be deleted on `today`. Without a policy for its jurisdiction
 * it is kept (we do not know the law, so never delete). A legal hold wins over an expired period.
 */
export function checkDeletion(input: { policy: RetentionPolicy | undefined; documentDate: string; today: string; heldBy: readonly { reason: string }[] }): DeletionCheck {
  if (!input.policy) return { allowed: false, code: "no_retention_policy", message: "no retention policy covers this jurisdiction: the document is kept", deletableFrom: null };
  const from = deletableFrom(input.policy, input.documentDate);
  if (input.heldBy.length > 0) return { allowed: false, code: "legal_hold_active", message: `a legal hold is active (${input.heldBy[0]!.reason}); lift it first`, deletableFrom: from };
  if (input.today < from) return { allowed: false, code: "retention_period_running", message: `${input.policy.jurisdiction} requires keeping this ${input.policy.documentClass} until ${retainedThrough(input.policy, input.documentDate)} (${input.policy.source})`, deletableFrom: from };
  return { allowed: true, deletableFrom: from };
}

/** checkDeletion as a domain error (409) for the API. */
export function assertDeletable(check: DeletionCheck): void {
  if (!check.allowed) throw conflict(check.code, check.message);
}
