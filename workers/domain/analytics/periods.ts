// Reporting periods: inclusive day ranges and month ranges, the equally long period before one,
// and the checks that turn a bad range into a clear field error.
import { addDays, epochDay, isIsoDate } from "../dates.ts";
import type { FieldIssue } from "../errors.ts";

export interface DayPeriod {
  from: string;
  to: string;
}

/** Ten years: more than the data holds, and it keeps a request's work bounded. */
export const MAX_PERIOD_DAYS = 3660;
export const MAX_PERIOD_MONTHS = 120;

export const periodDays = (p: DayPeriod) => epochDay(p.to) - epochDay(p.from) + 1;

/** The period of equal length ending the day before `p` starts. */
export function previousPeriod(p: DayPeriod): DayPeriod {
  const len = periodDays(p);
  return { from: addDays(p.from, -len), to: addDays(p.from, -1) };
}

export function checkDayPeriod(from: string, to: string): FieldIssue | null {
  if (!isIsoDate(from)) return { field: "from", message: "from must be a calendar date as YYYY-MM-DD" };
  if (!isIsoDate(to)) return { field: "to", message: "to must be a calendar date as YYYY-MM-DD" };
  if (to < from) return { field: "to", message: "to must not be before from" };
  if (periodDays({ from, to }) > MAX_PERIOD_DAYS) return { field: "to", message: `the period may span at most ${MAX_PERIOD_DAYS} days` };
  return null;
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

const monthIndex = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
const monthOf = (i: number) => `${String(Math.floor(i / 12)).padStart(4, "0")}-${String((i % 12) + 1).padStart(2, "0")}`;

export function checkMonthPeriod(from: string, to: string): FieldIssue | null {
  if (!MONTH_RE.test(from)) return { field: "from", message: "from must be a month as YYYY-MM" };
  if (!MONTH_RE.test(to)) return { field: "to", message: "to must be a month as YYYY-MM" };
  if (to < from) return { field: "to", message: "to must not be before from" };
  if (monthIndex(to) - monthIndex(from) + 1 > MAX_PERIOD_MONTHS) return { field: "to", message: `the period may span at most ${MAX_PERIOD_MONTHS} months` };
  return null;
}

/** Every month from `from` to `to`, inclusive. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let i = monthIndex(from); i <= monthIndex(to); i++) out.push(monthOf(i));
  return out;
}

/** The first and last day of a YYYY-MM month range. */
export function monthRangeDays(from: string, to: string): DayPeriod {
  const next = monthOf(monthIndex(to) + 1);
  return { from: `${from}-01`, to: addDays(`${next}-01`, -1) };
}

/**
 * How a rollup read covers the inclusive day range [from, to] (from = null: since the beginning)
 * with as few rows as possible: whole months from the monthly rollup, the partial months at
 * either end from the daily one. Every day of the range is covered exactly once.
 */
export interface RangeCover {
  /** Day ranges read from the daily rollup (at most two: the partial first and last month). */
  days: DayPeriod[];
  /** Whole months read from the monthly rollup (from = null: every month up to `to`), or null for none. */
  months: { from: string | null; to: string } | null;
}

const lastDayOfMonth = (month: string) => addDays(`${monthOf(monthIndex(month) + 1)}-01`, -1);

export function coverRange(from: string | null, to: string): RangeCover {
  const toMonth = to.slice(0, 7);
  const endsOnMonthEnd = to === lastDayOfMonth(toMonth);
  if (from !== null && from.slice(0, 7) === toMonth && !(from.endsWith("-01") && endsOnMonthEnd)) return { days: [{ from, to }], months: null };
  const days: DayPeriod[] = [];
  let firstMonth: string | null = null;
  if (from !== null) {
    const fromMonth = from.slice(0, 7);
    if (from.endsWith("-01")) firstMonth = fromMonth;
    else {
      days.push({ from, to: lastDayOfMonth(fromMonth) });
      firstMonth = monthOf(monthIndex(fromMonth) + 1);
    }
  }
  let lastMonth = toMonth;
  if (!endsOnMonthEnd) {
    days.push({ from: `${toMonth}-01`, to });
    lastMonth = monthOf(monthIndex(toMonth) - 1);
  }
  const months = firstMonth === null || firstMonth <= lastMonth ? { from: firstMonth, to: lastMonth } : null;
  return { days, months };
}
