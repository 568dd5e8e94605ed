// The dashboard's money and date formatting: amounts are integer minor units whose exponent
// comes from the currency, formatted exactly; calendar dates never shift with the timezone.
import { describe, expect, it } from "vitest";
import { formatDate, formatInstant, formatMoney, localeOf, minorToDecimalString, minorUnitDigits, parseMoney } from "../../dashboard/src/lib/format.ts";

const nbsp = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

describe("dashboard money formatting", () => {
  it("takes the minor-unit exponent from the currency", () => {
    expect([minorUnitDigits("EUR"), minorUnitDigits("JPY"), minorUnitDigits("KWD")]).toEqual([2, 0, 3]);
    expect(minorToDecimalString(123456, "EUR")).toBe("1234.56");
    expect(minorToDecimalString(123456, "JPY")).toBe("123456");
    expect(minorToDecimalString(123456, "KWD")).toBe("123.456");
    expect(minorToDecimalString(5, "EUR")).toBe("0.05");
    expect(minorToDecimalString(-5, "EUR")).toBe("-0.05");
  });

  it("formats in the branch's locale, exactly, including amounts beyond float precision", () => {
    expect(nbsp(formatMoney(17675562, "EUR", localeOf({ jurisdiction: "ES" })))).toBe("176.755,62 €");
    expect(formatMoney(18364238, "GBP", localeOf({ jurisdiction: "GB" }))).toBe("£183,642.38");
    expect(formatMoney(40827573, "USD", localeOf({ jurisdiction: "US-NY" }))).toBe("$408,275.73");
    expect(formatMoney(900719925474099, "USD", "en-US")).toBe("$9,007,199,254,740.99");
    expect(formatMoney(1500, "JPY", "en-US")).toBe("¥1,500");
  });

  it("parses typed amounts into minor units and rejects what is not an amount", () => {
    expect(parseMoney("12.5", "EUR")).toBe(1250);
    expect(parseMoney("1,234.56", "USD")).toBe(123456);
    expect(parseMoney("0,05", "EUR")).toBe(5);
    expect(parseMoney("1500", "JPY")).toBe(1500);
    expect(parseMoney("1.5", "JPY")).toBeNull();
    expect(parseMoney("1.234", "EUR")).toBeNull();
    expect(parseMoney("abc", "EUR")).toBeNull();
    expect(parseMoney("-3", "EUR")).toBeNull();
  });
});

describe("dashboard dates", () => {
  it("shows a calendar date as that date in every timezone", () => {
    expect(formatDate("2024-01-31", "en-US")).toBe("Jan 31, 2024");
    expect(formatDate(null, "en-US")).toBe("—");
  });

  it("shows an instant in the branch's timezone", () => {
    expect(nbsp(formatInstant("2026-11-16T16:32:00Z", "America/Los_Angeles", "en-US"))).toBe("Nov 16, 2026, 08:32 AM PST");
    expect(formatInstant("2026-11-16T16:32:00Z", "Europe/Madrid", "es-ES")).toContain("17:32");
  });
});
