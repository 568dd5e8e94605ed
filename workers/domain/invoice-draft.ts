// Pricing a draft invoice and fixing its dates when it is issued. Pure: the caller supplies the
// branch's jurisdiction, the tax-rate table, the service types and "today".
import { addDays, assertIsoDate } from "./dates.ts";
import { invalid } from "./errors.ts";
import { computeInvoiceTotals, quantityToMilli, type InvoiceTotals, type PricedLine } from "./invoice-totals.ts";
import { assertAmount } from "./money.ts";
import { rateInForce, type TaxCategory, type TaxRate } from "./tax.ts";

export const DEFAULT_DUE_IN_DAYS = 30;
/** A draft may be dated at most this many days after the branch's today: issue waits for the
 * issue date, so a draft dated beyond any sensible horizon could never be issued. */
export const MAX_ISSUE_DAYS_AHEAD = 366;
export const MAX_LINES = 200;

export interface DraftLineInput {
  description: string;
  quantity: number;
  unitPrice: number;
  serviceTypeId?: string | undefined;
  taxCategory?: TaxCategory | undefined;
  discountPercent?: number | undefined;
  discountAmount?: number | undefined;
  servicePeriod?: { start: string; end: string } | undefined;
}

export interface DraftInput {
  issueDate?: string | undefined;
  /** The tax point (date of supply / chargeable event, VAT Directive arts. 63–66) when it is not the issue date. */
  taxPointDate?: string | undefined;
  dueDate?: string | undefined;
  dueInDays?: number | undefined;
  lines: DraftLineInput[];
}

export interface PricingContext {
  jurisdiction: string;
  taxRates: readonly TaxRate[];
  /** Default tax category of each service type the franchise has (by id). */
  serviceTypeTaxCategory: ReadonlyMap<string, TaxCategory>;
  /** The branch's local date today; used when the draft has no issue date yet. */
  today: string;
}

export interface DraftLine extends PricedLine {
  position: number;
  description: string;
  serviceTypeId: string | null;
  discountBps: number;
  discountAmount: number;
  netAmount: number;
  servicePeriodStart: string | null;
  servicePeriodEnd: string | null;
}

export interface PricedDraft {
  issueDate: string | null;
  taxPointDate: string | null;
  dueDate: string | null;
  dueInDays: number | null;
  lines: DraftLine[];
  totals: InvoiceTotals;
}

function percentToBps(percent: number | undefined, field: string): number {
  if (percent === undefined) return 0;
  const bps = Math.round(percent * 100);
  if (!Number.isFinite(percent) || percent < 0 || percent > 100 || Math.abs(bps - percent * 100) > 1e-6) {
    throw invalid("invalid_discount", field, `${field} must be between 0 and 100 with at most 2 decimals`);
  }
  return bps;
}

/** Validates the dates of a draft. Issue and due dates are legal dates in the branch's timezone. */
function draftDates(input: DraftInput): Pick<PricedDraft, "issueDate" | "taxPointDate" | "dueDate" | "dueInDays"> {
  const issueDate = input.issueDate === undefined ? null : assertIsoDate(input.issueDate, "issueDate");
  const taxPointDate = input.taxPointDate === undefined ? null : assertIsoDate(input.taxPointDate, "taxPointDate");
  if (issueDate !== null && taxPointDate !== null) checkTaxPoint(taxPointDate, issueDate);
  const dueDate = input.dueDate === undefined ? null : assertIsoDate(input.dueDate, "dueDate");
  if (dueDate !== null && input.dueInDays !== undefined) {
    throw invalid("conflicting_due_date", "dueInDays", "give either dueDate or dueInDays, not both");
  }
  if (input.dueInDays !== undefined && (!Number.isInteger(input.dueInDays) || input.dueInDays < 0 || input.dueInDays > 365)) {
    throw invalid("invalid_due_in_days", "dueInDays", "dueInDays must be a whole number of days from 0 to 365");
  }
  if (issueDate !== null && dueDate !== null && dueDate < issueDate) {
    throw invalid("due_before_issue", "dueDate", "dueDate cannot be before issueDate");
  }
  return { issueDate, taxPointDate, dueDate, dueInDays: dueDate === null ? (input.dueInDays ?? DEFAULT_DUE_IN_DAYS) : null };
}

/** How far before its issue date an invoice's tax point may lie (late invoicing of an old supply). */
export const MAX_TAX_POINT_DAYS_BEFORE_ISSUE = 366;

/**
 * A tax point is the supply that already happened: never after the issue date (we do not model
 * advance invoices, whose tax point is the payment), and at most a year before it.
 */
function checkTaxPoint(taxPointDate: string, issueDate: string): void {
  if (taxPointDate > issueDate) throw invalid("tax_point_after_issue", "taxPointDate", `the tax point (${taxPointDate}) cannot be after the issue date (${issueDate})`);
  if (taxPointDate < addDays(issueDate, -MAX_TAX_POINT_DAYS_BEFORE_ISSUE)) {
    throw invalid("tax_point_too_early", "taxPointDate", `the tax point (${taxPointDate}) can be at most ${MAX_TAX_POINT_DAYS_BEFORE_ISSUE} days before the issue date (${issueDate})`);
  }
}

/** Prices the draft with the rates in force on its tax point: its own, else its issue date, else (provisionally) today. */
export function priceDraft(input: DraftInput, ctx: PricingContext): PricedDraft {
  if (input.lines.length === 0) throw invalid("no_lines", "lines", "an invoice needs at least one line");
  if (input.lines.length > MAX_LINES) throw invalid("too_many_lines", "lines", `an invoice can have at most ${MAX_LINES} lines`);
  const dates = draftDates(input);
  if (dates.issueDate !== null && dates.issueDate > addDays(ctx.today, MAX_ISSUE_DAYS_AHEAD)) {
    throw invalid("issue_date_too_far_ahead", "issueDate", `issueDate can be at most ${MAX_ISSUE_DAYS_AHEAD} days after today (${ctx.today}) in the branch's timezone`);
  }
  if (dates.taxPointDate !== null && dates.taxPointDate > addDays(ctx.today, MAX_ISSUE_DAYS_AHEAD)) {
    throw invalid("tax_point_too_far_ahead", "taxPointDate", `taxPointDate can be at most ${MAX_ISSUE_DAYS_AHEAD} days after today (${ctx.today})`);
  }
  // Without an issue date the invoice is issued on or after today, so a tax point too old for today is too old for good.
  if (dates.issueDate === null && dates.taxPointDate !== null) checkTaxPoint(dates.taxPointDate, [dates.taxPointDate, ctx.today].sort()[1]!);
  const taxDate = dates.taxPointDate ?? dates.issueDate ?? ctx.today;
  const lines: DraftLine[] = input.lines.map((line, i) => {
    const field = `lines.${i}`;
    if (line.description.trim() === "") throw invalid("empty_description", `${field}.description`, "a line needs a description");
    let category = line.taxCategory;
    let serviceTypeId: string | null = null;
    if (line.serviceTypeId !== undefined) {
      const defaultCategory = ctx.serviceTypeTaxCategory.get(line.serviceTypeId);
      if (defaultCategory === undefined) throw invalid("unknown_service_type", `${field}.serviceTypeId`, `service type ${line.serviceTypeId} does not exist`);
      serviceTypeId = line.serviceTypeId;
      category ??= defaultCategory;
    }
    category ??= "standard";
    let servicePeriodStart: string | null = null;
    let servicePeriodEnd: string | null = null;
    if (line.servicePeriod) {
      servicePeriodStart = assertIsoDate(line.servicePeriod.start, `${field}.servicePeriod.start`);
      servicePeriodEnd = assertIsoDate(line.servicePeriod.end, `${field}.servicePeriod.end`);
      if (servicePeriodEnd < servicePeriodStart) throw invalid("invalid_service_period", `${field}.servicePeriod.end`, "a service period cannot end before it starts");
    }
    const priced: PricedLine = {
      quantityMilli: quantityToMilli(line.quantity, `${field}.quantity`),
      unitPrice: assertAmount(line.unitPrice, `${field}.unitPrice`),
      discountBps: percentToBps(line.discountPercent, `${field}.discountPercent`),
      discountAmount: assertAmount(line.discountAmount ?? 0, `${field}.discountAmount`),
      taxCategory: category,
      taxRatePpm: rateInForce(ctx.taxRates, ctx.jurisdiction, category, taxDate, `${field}.taxCategory`),
    };
    return {
      ...priced,
      discountBps: priced.discountBps ?? 0,
      discountAmount: priced.discountAmount ?? 0,
      position: i + 1,
      description: line.description.trim(),
      serviceTypeId,
      netAmount: 0,
      servicePeriodStart,
      servicePeriodEnd,
    };
  });
  const totals = computeInvoiceTotals(lines);
  lines.forEach((line, i) => (line.netAmount = totals.lineNetAmounts[i]!));
  return { ...dates, lines, totals };
}

export interface IssuedDates {
  issueDate: string;
  dueDate: string;
  /** The date whose rates the invoice is issued with: the draft's tax point, or the issue date. */
  taxPointDate: string;
}

/**
 * The dates an invoice is issued with: its own issue date if it has one (never in the future),
 * otherwise today; the due date follows from dueDate or dueInDays.
 */
export function issueDatesFor(draft: { issueDate: string | null; taxPointDate?: string | null; dueDate: string | null; dueInDays: number | null }, today: string): IssuedDates {
  const issueDate = draft.issueDate ?? today;
  if (issueDate > today) throw invalid("issue_date_in_future", "issueDate", `the invoice is dated ${issueDate}; it cannot be issued before that date`);
  const dueDate = draft.dueDate ?? addDays(issueDate, draft.dueInDays ?? DEFAULT_DUE_IN_DAYS);
  if (dueDate < issueDate) throw invalid("due_before_issue", "dueDate", "dueDate cannot be before issueDate");
  const taxPointDate = draft.taxPointDate ?? issueDate;
  checkTaxPoint(taxPointDate, issueDate);
  return { issueDate, dueDate, taxPointDate };
}

/** Re-prices stored draft lines with the rates in force on the tax point (IssuedDates.taxPointDate: the issue date unless the draft set one). */
export function repriceForIssue(lines: readonly DraftLine[], ctx: Omit<PricingContext, "today" | "serviceTypeTaxCategory">, taxPointDate: string): { lines: DraftLine[]; totals: InvoiceTotals } {
  const repriced = lines.map((line, i) => ({ ...line, taxRatePpm: rateInForce(ctx.taxRates, ctx.jurisdiction, line.taxCategory, taxPointDate, `lines.${i}.taxCategory`) }));
  const totals = computeInvoiceTotals(repriced);
  repriced.forEach((line, i) => (line.netAmount = totals.lineNetAmounts[i]!));
  return { lines: repriced, totals };
}
