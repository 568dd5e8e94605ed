// Calendar helpers for the generator: months as "YYYY-MM", and local wall-clock times in a
// branch's timezone turned into UTC instants (issue runs at 09:00 Madrid time, payments during
// business hours). Uses Intl only, so it runs in Node and workerd alike.
import { addDays } from "../../workers/domain/dates.ts";

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function assertMonth(value: string, field: string): string {
  if (!MONTH_RE.test(value)) throw new RangeError(`${field} must be a month as YYYY-MM, got ${JSON.stringify(value)}`);
  return value;
}

/** "2025-01" + 2 → "2025-03"; negative offsets go back. */
export function addMonths(month: string, offset: number): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const index = y * 12 + (m - 1) + offset;
  return `${String(Math.floor(index / 12)).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`;
}

export const firstDayOf = (month: string): string => `${month}-01`;

export const lastDayOf = (month: string): string => addDays(firstDayOf(addMonths(month, 1)), -1);

/** 1 = January. */
export const calendarMonthOf = (month: string): number => Number(month.slice(5, 7));

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** Minutes the timezone is ahead of UTC at `utcMs`. */
function offsetMinutesAt(timezone: string, utcMs: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timezone).formatToParts(new Date(utcMs))) parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return Math.round((wall - utcMs) / 60_000);
}

/**
 * UTC milliseconds of `date` at `minuteOfDay` local time in `timezone`. The offset is taken at
 * local noon: DST switches happen at night, and every time we generate is in business hours.
 */
export function localTimeToUtcMs(date: string, minuteOfDay: number, timezone: string): number {
  const key = `${timezone}|${date}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const noonAsUtc = Date.parse(`${date}T12:00:00Z`);
    offset = offsetMinutesAt(timezone, noonAsUtc - offsetMinutesAt(timezone, noonAsUtc) * 60_000);
    offsets.set(key, offset);
  }
  return Date.parse(`${date}T00:00:00Z`) + (minuteOfDay - offset) * 60_000;
}

export const isoInstant = (utcMs: number): string => new Date(utcMs).toISOString();
