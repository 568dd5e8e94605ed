import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { agingBucketOf, isOverdue } from "../../../workers/domain/aging.ts";
import { addDays, daysBetween, isIsoDate, localDateAt } from "../../../workers/domain/dates.ts";
import { rateInForce, type TaxRate } from "../../../workers/domain/tax.ts";

// The UK reduced rate for hospitality: 5 % from 15 Jul 2020, 12.5 % from 1 Oct 2021, standard again from 1 Apr 2022.
const rates: TaxRate[] = [
  { jurisdiction: "GB", category: "reduced", ratePpm: 50_000, effectiveFrom: "2020-07-15", effectiveTo: "2021-10-01" },
  { jurisdiction: "GB", category: "reduced", ratePpm: 125_000, effectiveFrom: "2021-10-01", effectiveTo: "2022-04-01" },
  { jurisdiction: "GB", category: "reduced", ratePpm: 50_000, effectiveFrom: "2022-04-01", effectiveTo: null },
  { jurisdiction: "ES", category: "standard", ratePpm: 210_000, effectiveFrom: "2012-09-01", effectiveTo: null },
];

describe("rateInForce", () => {
  it.each([
    ["2021-09-30", 50_000],
    ["2021-10-01", 125_000], // effective_from is inclusive
    ["2022-03-31", 125_000],
    ["2022-04-01", 50_000], // effective_to is exclusive
  ])("GB reduced on %s is %d ppm", (date, ppm) => expect(rateInForce(rates, "GB", "reduced", date)).toBe(ppm));

  it("is zero for zero-rated and exempt categories without a table entry", () => {
    expect(rateInForce(rates, "XX", "zero", "2024-01-01")).toBe(0);
    expect(rateInForce(rates, "XX", "exempt", "2024-01-01")).toBe(0);
  });

  it("fails naming the field when no rate is in force", () => {
    expect(() => rateInForce(rates, "ES", "reduced", "2024-01-01", "lines.2.taxCategory")).toThrow(/no reduced tax rate/);
    expect(() => rateInForce(rates, "GB", "reduced", "2020-01-01")).toThrow();
  });
});

describe("dates", () => {
  it("validates calendar dates", () => {
    expect(isIsoDate("2024-02-29")).toBe(true);
    expect(isIsoDate("2023-02-29")).toBe(false);
    expect(isIsoDate("2024-13-01")).toBe(false);
    expect(isIsoDate("24-01-01")).toBe(false);
  });

  it("addDays and daysBetween are inverse", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40_000 }), fc.integer({ min: -5000, max: 5000 }), (day, n) => {
        const date = addDays("1970-01-01", day);
        return daysBetween(date, addDays(date, n)) === n;
      }),
    );
  });

  it("gives a branch's local date: the same instant is a different day in Madrid and Los Angeles", () => {
    const instant = new Date("2026-03-01T03:30:00Z");
    expect(localDateAt(instant, "Europe/Madrid")).toBe("2026-03-01");
    expect(localDateAt(instant, "America/Los_Angeles")).toBe("2026-02-28");
  });

  it("remembers a timezone's date per UTC minute without ever giving a stale one (any instants, in any order, across midnights)", () => {
    const zones = ["Europe/Madrid", "America/Los_Angeles", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Chatham", "UTC"];
    const uncached = (instant: Date, timeZone: string) => new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(instant);
    const base = Date.UTC(2026, 2, 28, 22, 0, 0); // a DST weekend in Europe, near midnight in several zones
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -3 * 3600, max: 3 * 3600 }), fc.constantFrom(...zones)), { minLength: 1, maxLength: 40 }), (calls) => {
        for (const [offsetSeconds, zone] of calls) {
          const instant = new Date(base + offsetSeconds * 1000);
          if (localDateAt(instant, zone) !== uncached(instant, zone)) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
    // Before 1972 Liberia was at -0:44:30: its midnight fell at 00:44:30 UTC, inside a UTC minute,
    // so those instants are never memoised (the second call would otherwise get the first's date).
    expect(localDateAt(new Date("1971-06-01T00:44:29Z"), "Africa/Monrovia")).toBe("1971-05-31");
    expect(localDateAt(new Date("1971-06-01T00:44:30Z"), "Africa/Monrovia")).toBe("1971-06-01");
  });
});

describe("aging", () => {
  it.each([
    ["2026-03-10", "current"],
    ["2026-03-09", "1-30"],
    ["2026-02-08", "1-30"],
    ["2026-02-07", "31-60"],
    ["2026-01-09", "31-60"],
    ["2026-01-08", "61-90"],
    ["2025-12-10", "61-90"],
    ["2025-12-09", "90+"],
  ])("due %s, seen on 2026-03-10 → %s", (due, bucket) => expect(agingBucketOf(due, "2026-03-10")).toBe(bucket));

  it("only open invoices with a balance past their due date are overdue", () => {
    const base = { total: 100, amountPaid: 0, amountCredited: 0, dueDate: "2026-01-01" };
    expect(isOverdue({ ...base, status: "issued" }, "2026-01-02")).toBe(true);
    expect(isOverdue({ ...base, status: "issued" }, "2026-01-01")).toBe(false);
    expect(isOverdue({ ...base, status: "paid", amountPaid: 100 }, "2026-02-01")).toBe(false);
    expect(isOverdue({ ...base, status: "void" }, "2026-02-01")).toBe(false);
    expect(isOverdue({ ...base, status: "draft" }, "2026-02-01")).toBe(false);
  });
});
