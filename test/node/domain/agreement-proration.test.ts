// Recurring agreements: proration by day (cumulative floor, docs/billing-runs.md) and which cadence
// period a billing month bills. Table-driven cases for the documented rule, exhaustive sweeps over
// every split of real periods, and fast-check properties for any price and period.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays } from "../../../workers/domain/dates.ts";
import { cadencePeriod, chargeFor, type AgreementTerms } from "../../../workers/domain/agreements/cadence.ts";
import { daysIn, prorate, prorateSegments, type DateRange } from "../../../workers/domain/agreements/proration.ts";

const march: DateRange = { start: "2026-03-01", end: "2026-03-31" };
const terms = (over: Partial<AgreementTerms> = {}): AgreementTerms => ({ cadence: "monthly", quantityMilli: 1000, unitPrice: 3100, startDate: "2026-01-01", endDate: null, ...over });

describe("prorate (cumulative floor)", () => {
  it.each([
    // [full, covered, expected]: 3100 over 31 days is 100 a day exactly
    [3100, { start: "2026-03-01", end: "2026-03-31" }, 3100],
    [3100, { start: "2026-03-16", end: "2026-03-31" }, 1600],
    [3100, { start: "2026-03-01", end: "2026-03-15" }, 1500],
    // 1000 over 31 days: F(k) = floor(1000k/31); day 1 owes F(1) - F(0) = 32, the last day F(31) - F(30) = 1000 - 967 = 33
    [1000, { start: "2026-03-01", end: "2026-03-01" }, 32],
    [1000, { start: "2026-03-31", end: "2026-03-31" }, 33],
    [1000, { start: "2026-03-10", end: "2026-03-20" }, 355],
    [0, { start: "2026-03-10", end: "2026-03-20" }, 0],
    [1, { start: "2026-03-01", end: "2026-03-30" }, 0],
    [1, { start: "2026-03-31", end: "2026-03-31" }, 1],
    // outside the period: nothing; overlapping: clipped
    [3100, { start: "2026-04-01", end: "2026-04-30" }, 0],
    [3100, { start: "2026-02-10", end: "2026-03-02" }, 200],
  ])("%i for %o → %i", (full, covered, expected) => {
    expect(prorate(full, march, covered)).toBe(expected);
  });

  it("rejects a negative or fractional price", () => {
    expect(() => prorate(-1, march, march)).toThrow(/non-negative whole/);
    expect(() => prorate(1.5, march, march)).toThrow(/non-negative whole/);
  });

  it("exhaustively: every split of every month of 2026-2028 (incl. a leap February) into two or three ranges sums to the full price", () => {
    for (let m = 0; m < 36; m++) {
      const period = cadencePeriod(`${2026 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, "0")}`, 1);
      const days = daysIn(period);
      for (const full of [0, 1, 7, 999, 1000, 123_457]) {
        for (let a = 1; a < days; a++) {
          const cut = addDays(period.start, a);
          const left = prorate(full, period, { start: period.start, end: addDays(cut, -1) });
          const right = prorate(full, period, { start: cut, end: period.end });
          expect(left + right).toBe(full);
          const cut2 = addDays(period.start, Math.min(days - 1, a + 3));
          if (cut2 > cut) {
            const mid = prorate(full, period, { start: cut, end: addDays(cut2, -1) });
            const tail = prorate(full, period, { start: cut2, end: period.end });
            expect(left + mid + tail).toBe(full);
          }
        }
      }
    }
  });
});

const arbDate = fc.integer({ min: 0, max: 3650 }).map((d) => addDays("2024-01-01", d));

describe("prorate properties", () => {
  it("any partition of any period into consecutive ranges sums to the price; each part is an integer in [0, price]", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), arbDate, fc.integer({ min: 1, max: 400 }), fc.array(fc.integer({ min: 1, max: 399 }), { maxLength: 10 }), (full, start, length, cuts) => {
        const period = { start, end: addDays(start, length - 1) };
        const offsets = [...new Set(cuts.filter((c) => c < length))].sort((a, b) => a - b);
        const bounds = [0, ...offsets, length];
        let sum = 0;
        for (let i = 0; i + 1 < bounds.length; i++) {
          const part = prorate(full, period, { start: addDays(start, bounds[i]!), end: addDays(start, bounds[i + 1]! - 1) });
          expect(Number.isSafeInteger(part)).toBe(true);
          expect(part).toBeGreaterThanOrEqual(0);
          expect(part).toBeLessThanOrEqual(full);
          sum += part;
        }
        expect(sum).toBe(full);
      }),
    );
  });

  it("more days never cost less (monotone), and a day costs at most ceil(price / days)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), arbDate, fc.integer({ min: 1, max: 366 }), fc.integer({ min: 0, max: 365 }), (full, start, length, k) => {
        const period = { start, end: addDays(start, length - 1) };
        const first = Math.min(k, length - 1);
        const shorter = prorate(full, period, { start: addDays(start, first), end: addDays(start, first) });
        expect(shorter).toBeLessThanOrEqual(Math.ceil(full / length));
        const longer = prorate(full, period, { start: addDays(start, Math.max(0, first - 1)), end: addDays(start, first) });
        expect(longer).toBeGreaterThanOrEqual(shorter);
      }),
    );
  });
});

describe("prorateSegments (a change of terms inside a period)", () => {
  it("old price until the change, new price from the change day", () => {
    // 3100 → 6200 from the 16th: 15 days at 100 + 16 days at 200
    expect(prorateSegments(march, [{ from: "2026-03-01", fullPrice: 3100 }, { from: "2026-03-16", fullPrice: 6200 }])).toBe(1500 + 3200);
    // a stop on the 11th is a change to 0
    expect(prorateSegments(march, [{ from: "2026-02-01", fullPrice: 3100 }, { from: "2026-03-11", fullPrice: 0 }])).toBe(1000);
    // a start on the 21st: nothing before the first segment
    expect(prorateSegments(march, [{ from: "2026-03-21", fullPrice: 3100 }])).toBe(1100);
  });

  it("property: the same price across any number of changes sums to that price", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 6 }), (full, days) => {
        const froms = [...new Set(days)].sort((a, b) => a - b).map((d) => addDays("2026-03-01", d));
        expect(prorateSegments(march, [{ from: "2026-03-01", fullPrice: full }, ...froms.map((from) => ({ from, fullPrice: full }))])).toBe(full);
      }),
    );
  });

  it("refuses unsorted changes", () => {
    expect(() => prorateSegments(march, [{ from: "2026-03-10", fullPrice: 1 }, { from: "2026-03-05", fullPrice: 1 }])).toThrow(/date order/);
  });
});

describe("chargeFor (which period a billing month bills)", () => {
  it("monthly: every month from the start month, full price", () => {
    expect(chargeFor(terms(), "2025-12")).toBeNull();
    expect(chargeFor(terms(), "2026-03")).toEqual({ servicePeriod: march, covered: march, fullAmount: 3100, amount: 3100, prorated: false });
  });

  it("quarterly and annual: every 3rd / 12th month from the start month, covering 3 / 12 months", () => {
    const q = terms({ cadence: "quarterly", startDate: "2026-02-01", unitPrice: 9000 });
    expect(chargeFor(q, "2026-03")).toBeNull();
    expect(chargeFor(q, "2026-05")?.servicePeriod).toEqual({ start: "2026-05-01", end: "2026-07-31" });
    const y = terms({ cadence: "annual", startDate: "2026-11-15", unitPrice: 36_500 });
    expect(chargeFor(y, "2027-10")).toBeNull();
    const first = chargeFor(y, "2026-11")!;
    expect(first.servicePeriod).toEqual({ start: "2026-11-01", end: "2027-10-31" });
    // 365 days at 100: starting on the 15th skips 14 days
    expect(first).toMatchObject({ prorated: true, amount: 36_500 - 1400, covered: { start: "2026-11-15", end: "2027-10-31" } });
  });

  it("start and stop inside a period are prorated; nothing after the end", () => {
    expect(chargeFor(terms({ startDate: "2026-03-16" }), "2026-03")).toMatchObject({ amount: 1600, prorated: true });
    expect(chargeFor(terms({ endDate: "2026-03-10" }), "2026-03")).toMatchObject({ amount: 1000, prorated: true, covered: { start: "2026-03-01", end: "2026-03-10" } });
    expect(chargeFor(terms({ endDate: "2026-02-28" }), "2026-03")).toBeNull();
  });

  it("quantity × unit price rounds half up like an invoice line (1.5 × 333 = 499.5 → 500)", () => {
    expect(chargeFor(terms({ quantityMilli: 1500, unitPrice: 333 }), "2026-03")?.amount).toBe(500);
  });

  it("validates its input", () => {
    expect(() => chargeFor(terms(), "2026-13")).toThrow(/YYYY-MM/);
    expect(() => chargeFor(terms({ endDate: "2025-01-01" }), "2026-03")).toThrow(/before startDate/);
  });

  it("property: billing every month of a stopped agreement's life bills each served day once (monthly: sum of months = sum of daily prorations, exactly)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 700 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 1e7 }), (startOffset, length, price) => {
        const startDate = addDays("2026-01-01", startOffset);
        const endDate = addDays(startDate, length);
        const t = terms({ startDate, endDate, unitPrice: price });
        let billed = 0;
        for (let m = 0; m < 48; m++) {
          const period = `${2026 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, "0")}`;
          const c = chargeFor(t, period);
          if (c) {
            expect(c.amount).toBeGreaterThanOrEqual(0);
            expect(c.amount).toBeLessThanOrEqual(c.fullAmount);
            billed += c.amount;
          }
        }
        // The same days, one at a time, per calendar month
        let daily = 0;
        for (let d = 0; d <= length; d++) {
          const day = addDays(startDate, d);
          const month = cadencePeriod(day.slice(0, 7), 1);
          daily += prorate(price, month, { start: day, end: day });
        }
        // Cumulative floor telescopes: the days of one month sum to that month's prorated amount exactly
        expect(billed).toBe(daily);
      }),
      { numRuns: 200 },
    );
  });
});
