// Legal dates (issue, due, service periods) are plain YYYY-MM-DD strings in the branch's
// timezone. Instants are UTC ISO-8601 strings. This module converts between them.
import { invalid } from "./errors.ts";

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function isIsoDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

export function assertIsoDate(value: string, field: string): string {
  if (!isIsoDate(value)) throw invalid("invalid_date", field, `${field} must be a calendar date as YYYY-MM-DD`);
  return value;
}

/** Days since 1970-01-01 of a YYYY-MM-DD date. */
export function epochDay(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

export function fromEpochDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromEpochDay(epochDay(date) + days);
}

export function daysBetween(from: string, to: string): number {
  return epochDay(to) - epochDay(from);
}

export function isValidTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

// One formatter per timezone: building an Intl.DateTimeFormat costs far more than using one, and
// every invoice read asks for its branch's "today". Bounded: IANA has a few hundred names.
const MAX_FORMATTERS = 1_000;
const dayFormatters = new Map<string, Intl.DateTimeFormat>();
/** Per timezone: the local date during one UTC minute (see localDateAt; cleared with the formatters). */
const lastLocalDate = new Map<string, { minute: number; date: string }>();
const WHOLE_MINUTE_OFFSETS_FROM = Date.UTC(1972, 0, 1) / 60_000;

function dayFormatter(timezone: string): Intl.DateTimeFormat {
  let f = dayFormatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit" });
    if (dayFormatters.size >= MAX_FORMATTERS) {
      dayFormatters.clear();
      lastLocalDate.clear();
    }
    dayFormatters.set(timezone, f);
  }
  return f;
}

/** The calendar date at `instant` in `timezone` (e.g. what "today" is for a branch). */
export function localDateAt(instant: Date, timezone: string): string {
  // Since 1972 every zone's UTC offset is a whole number of minutes (Liberia's -0:44:30 was the
  // last exception), so the local date cannot change within a UTC minute: remember the last
  // answer per timezone for that minute (formatToParts was ~3 % of the hot invoice read's CPU).
  const minute = Math.floor(instant.getTime() / 60_000);
  const memoable = minute >= WHOLE_MINUTE_OFFSETS_FROM;
  const memo = memoable ? lastLocalDate.get(timezone) : undefined;
  if (memo && memo.minute === minute) return memo.date;
  const parts = dayFormatter(timezone).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const date = `${get("year")}-${get("month")}-${get("day")}`;
  if (memoable && Number.isFinite(minute)) lastLocalDate.set(timezone, { minute, date });
  return date;
}
