// Money, dates and locales. Amounts arrive as integers in the currency's minor unit; the
// exponent is the one the API states (`minorUnits` on invoices and balances, ISO 4217), else
// Intl's for the currency (EUR 2, JPY 0, KWD 3), and the value is formatted from an exact
// decimal string, never a float division.
import type { Branch } from "../api/types.ts";

const LANGUAGE_BY_COUNTRY: Record<string, string> = {
  ES: "es", MX: "es", AR: "es", CO: "es", CL: "es", FR: "fr", BE: "fr", DE: "de", AT: "de", CH: "de",
  IT: "it", PT: "pt", BR: "pt", NL: "nl", GB: "en", IE: "en", US: "en", CA: "en", AU: "en", NZ: "en",
};

/** "ES" → "es-ES", "US-NY" → "en-US": the branch's country decides the number format. */
export function localeOf(branch: Pick<Branch, "jurisdiction"> | undefined): string {
  const country = branch?.jurisdiction.slice(0, 2).toUpperCase();
  if (!country) return navigator.language || "en-GB";
  return `${LANGUAGE_BY_COUNTRY[country] ?? "en"}-${country}`;
}

const digitsCache = new Map<string, number>();

/** The API's exponent for a currency wins over Intl's (they differ for a few, e.g. ISK, IQD). */
export function learnMinorUnits(currency: string, minorUnits: number) {
  if (Number.isInteger(minorUnits) && minorUnits >= 0 && minorUnits <= 4) digitsCache.set(currency, minorUnits);
}

export function minorUnitDigits(currency: string): number {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    d = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(currency, d);
  }
  return d;
}

/** 123456 minor units of EUR → "1234.56" exactly. */
export function minorToDecimalString(minor: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  const negative = minor < 0;
  const s = String(Math.abs(Math.trunc(minor))).padStart(digits + 1, "0");
  const body = digits === 0 ? s : `${s.slice(0, -digits)}.${s.slice(-digits)}`;
  return negative ? `-${body}` : body;
}

const fmtCache = new Map<string, Intl.NumberFormat>();
export function formatMoney(minor: number, currency: string, locale: string, options: { compact?: boolean } = {}): string {
  const digits = minorUnitDigits(currency);
  const key = `${locale}|${currency}|${digits}|${options.compact ? "c" : ""}`;
  let f = fmtCache.get(key);
  if (!f) {
    const fraction = options.compact ? { notation: "compact", maximumFractionDigits: 1 } as const : { minimumFractionDigits: digits, maximumFractionDigits: digits };
    f = new Intl.NumberFormat(locale, { style: "currency", currency, ...fraction });
    fmtCache.set(key, f);
  }
  // Intl formats a decimal string exactly (no binary rounding of large amounts).
  return f.format(minorToDecimalString(minor, currency) as unknown as number);
}

export function formatNumber(n: number, locale = navigator.language || "en-GB"): string {
  return new Intl.NumberFormat(locale).format(n);
}

/** A calendar date ("2024-01-31"): no timezone applies, so format it as UTC. */
export function formatDate(isoDate: string | null | undefined, locale: string): string {
  if (!isoDate) return "—";
  const [y, m, d] = isoDate.split("-").map(Number);
  if (!y || !m || !d) return isoDate;
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** An instant, shown in the branch's timezone with its abbreviation. */
export function formatInstant(iso: string | null | undefined, timeZone: string, locale: string, options: { dateOnly?: boolean } = {}): string {
  if (!iso) return "—";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const time = options.dateOnly ? {} : ({ hour: "2-digit", minute: "2-digit", timeZoneName: "short" } as const);
  return new Intl.DateTimeFormat(locale, { year: "numeric", month: "short", day: "numeric", timeZone, ...time }).format(t);
}

/** Today's calendar date in a timezone, as YYYY-MM-DD. */
export function todayIn(timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(Date.now());
}

export const humanize = (s: string) => s.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());

/** "1,234.5" or "1234.50" in major units → integer minor units; null if not a valid amount. */
export function parseMoney(input: string, currency: string): number | null {
  const digits = minorUnitDigits(currency);
  const s = input.trim().replace(/[\s,](?=\d{3}(\D|$))/g, "");
  const m = /^(\d+)(?:[.,](\d*))?$/.exec(s);
  if (!m) return null;
  const frac = m[2] ?? "";
  if (frac.length > digits) return null;
  return Number(m[1]) * 10 ** digits + Number(frac.padEnd(digits, "0") || "0");
}
