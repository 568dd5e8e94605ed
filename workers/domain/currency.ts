// ISO 4217: the active currency codes and each one's minor-unit exponent (how many decimals
// an amount has: JPY 0, EUR 2, KWD 3). Amounts are stored in minor units, so the exponent is
// only needed to validate a code and to format an amount for people. Fund, precious-metal and
// testing codes (XAU, XDR, XTS, XXX, ...) have no minor unit and cannot be invoiced: they are
// deliberately absent. Withdrawn codes (HRK, SLL, ZWL, CUC, ANG) are absent too.
import { invalid } from "./errors.ts";

const EXPONENT_0 = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF";
const EXPONENT_3 = "BHD IQD JOD KWD LYD OMR TND";
const EXPONENT_4 = "CLF UYW";
const EXPONENT_2 =
  "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD " +
  "CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL " +
  "GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR " +
  "LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD " +
  "PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC " +
  "SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG";

/** code → minor-unit exponent. */
export const CURRENCY_EXPONENTS: ReadonlyMap<string, number> = new Map(
  (
    [
      [EXPONENT_0, 0],
      [EXPONENT_2, 2],
      [EXPONENT_3, 3],
      [EXPONENT_4, 4],
    ] as const
  ).flatMap(([codes, exponent]) => codes.split(" ").map((code) => [code, exponent] as const)),
);

export function isCurrencyCode(code: string): boolean {
  return CURRENCY_EXPONENTS.has(code);
}

/** The currency's minor-unit exponent; a validation error naming `field` for an unknown code. */
export function minorUnitsOf(code: string, field = "currency"): number {
  const exponent = CURRENCY_EXPONENTS.get(code);
  if (exponent === undefined) throw invalid("unknown_currency", field, `${code} is not an active ISO 4217 currency code`);
  return exponent;
}

/**
 * For reading stored rows: rows written before codes were validated may hold an unknown code;
 * they are shown with 2 decimals rather than failing the read.
 */
export function displayMinorUnits(code: string): number {
  return CURRENCY_EXPONENTS.get(code) ?? 2;
}

/** 123456 minor units of EUR → "1234.56"; of JPY → "123456"; of KWD → "123.456". Exact, no floats. */
export function formatMinor(amount: number, code: string): string {
  const exponent = minorUnitsOf(code);
  const sign = amount < 0 ? "-" : "";
  const digits = String(Math.abs(amount)).padStart(exponent + 1, "0");
  if (exponent === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
