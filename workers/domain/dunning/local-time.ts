// Wall-clock time in a customer's IANA timezone, without a timezone library: Intl gives the
// local fields of an instant, and a two-pass offset guess turns a local time back into one.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone: timezone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    formatters.set(timezone, f);
  }
  return f;
}

export interface LocalParts {
  date: string;
  minuteOfDay: number;
}

function fields(instantMs: number, timezone: string) {
  const parts = formatter(timezone).formatToParts(new Date(instantMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? "0");
  return { y: get("year"), mo: get("month"), d: get("day"), h: get("hour") % 24, mi: get("minute"), s: get("second") };
}

/** The local calendar date and minute of the day at an instant. */
export function localPartsAt(instantMs: number, timezone: string): LocalParts {
  const f = fields(instantMs, timezone);
  const date = `${String(f.y).padStart(4, "0")}-${String(f.mo).padStart(2, "0")}-${String(f.d).padStart(2, "0")}`;
  return { date, minuteOfDay: f.h * 60 + f.mi };
}

/** Minutes the zone is ahead of UTC at an instant. */
export function offsetMinutesAt(instantMs: number, timezone: string): number {
  const f = fields(instantMs, timezone);
  const asUtc = Date.UTC(f.y, f.mo - 1, f.d, f.h, f.mi, f.s);
  return Math.round((asUtc - Math.floor(instantMs / 1000) * 1000) / 60_000);
}

/**
 * The instant at which the wall clock in `timezone` shows `date` + `minuteOfDay`. A local time
 * skipped by a DST jump resolves to the instant just after the gap (callers re-check the window).
 */
export function instantOfLocal(date: string, minuteOfDay: number, timezone: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`) + minuteOfDay * 60_000;
  const first = wall - offsetMinutesAt(wall, timezone) * 60_000;
  const second = wall - offsetMinutesAt(first, timezone) * 60_000;
  return second;
}
