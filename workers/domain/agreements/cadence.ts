// Which cadence period of a recurring agreement a billing run bills, and for how much.
// A billing run bills one calendar month ("YYYY-MM"). Agreements bill in advance: monthly ones
// every month, quarterly ones every third month and annual ones every twelfth month counted from
// the month the agreement starts; the invoice covers the cadence period that begins on the first
// day of the billed month. The first and last periods are prorated by day (./proration.ts) when
// the agreement starts after the period's first day or ends before its last.
import { addDays, assertIsoDate } from "../dates.ts";
import { invalid } from "../errors.ts";
import { lineNetAmount } from "../invoice-totals.ts";
import { daysIn, prorate, type DateRange } from "./proration.ts";

export const CADENCES = ["monthly", "quarterly", "annual"] as const;
export type Cadence = (typeof CADENCES)[number];
export const CADENCE_MONTHS: Record<Cadence, number> = { monthly: 1, quarterly: 3, annual: 12 };

const PERIOD_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function assertBillingPeriod(period: string, field = "period"): string {
  if (!PERIOD_RE.test(period)) throw invalid("invalid_period", field, `${field} must be a calendar month as YYYY-MM`);
  return period;
}

const monthIndex = (period: string): number => Number(period.slice(0, 4)) * 12 + Number(period.slice(5, 7)) - 1;
const periodOf = (index: number): string => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;

/** The cadence period starting on the first day of `period` and lasting `months` months. */
export function cadencePeriod(period: string, months: number): DateRange {
  const start = `${assertBillingPeriod(period)}-01`;
  const end = addDays(`${periodOf(monthIndex(period) + months)}-01`, -1);
  return { start, end };
}

export interface AgreementTerms {
  cadence: Cadence;
  quantityMilli: number;
  /** Per unit and cadence period, in minor units. */
  unitPrice: number;
  startDate: string;
  /** Last day of service (inclusive); null = open-ended. */
  endDate: string | null;
}

export interface AgreementCharge {
  /** The cadence period the invoice covers. */
  servicePeriod: DateRange;
  /** The days of it the agreement actually runs. */
  covered: DateRange;
  /** Quantity × unit price for the whole period. */
  fullAmount: number;
  /** What is owed: fullAmount, or its prorated part. */
  amount: number;
  prorated: boolean;
}

export function validateTerms(terms: AgreementTerms): void {
  assertIsoDate(terms.startDate, "startDate");
  if (terms.endDate !== null) {
    assertIsoDate(terms.endDate, "endDate");
    if (terms.endDate < terms.startDate) throw invalid("end_before_start", "endDate", "endDate cannot be before startDate");
  }
  if (!CADENCES.includes(terms.cadence)) throw invalid("invalid_cadence", "cadence", `cadence must be one of ${CADENCES.join(", ")}`);
}

/** What the agreement owes for billing month `period`, or null when it bills nothing that month. */
export function chargeFor(terms: AgreementTerms, period: string): AgreementCharge | null {
  validateTerms(terms);
  const months = CADENCE_MONTHS[terms.cadence];
  const offset = monthIndex(assertBillingPeriod(period)) - monthIndex(terms.startDate.slice(0, 7));
  if (offset < 0 || offset % months !== 0) return null;
  const servicePeriod = cadencePeriod(period, months);
  const covered: DateRange = {
    start: terms.startDate > servicePeriod.start ? terms.startDate : servicePeriod.start,
    end: terms.endDate !== null && terms.endDate < servicePeriod.end ? terms.endDate : servicePeriod.end,
  };
  if (covered.end < covered.start) return null;
  const fullAmount = lineNetAmount({ quantityMilli: terms.quantityMilli, unitPrice: terms.unitPrice, taxCategory: "standard", taxRatePpm: 0 }, "unitPrice");
  const prorated = daysIn(covered) !== daysIn(servicePeriod);
  return { servicePeriod, covered, fullAmount, amount: prorated ? prorate(fullAmount, servicePeriod, covered) : fullAmount, prorated };
}
