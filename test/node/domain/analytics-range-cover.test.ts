// coverRange: the monthly + daily rollup reads of a day range cover each of its days exactly once
// (so a sum read that way equals the daily sum to the cent), and use the daily rollup for at
// most the two partial months at the ends.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays } from "../../../workers/domain/dates.ts";
import { coverRange } from "../../../workers/domain/analytics/periods.ts";

const BASE = "2023-11-01";
const FIRST = "2023-01-01";
const dayArb = fc.integer({ min: 0, max: 900 }).map((n) => addDays(BASE, n));

function coveredDays(from: string | null, to: string): string[] {
  const c = coverRange(from, to);
  const out: string[] = [];
  for (const p of c.days) for (let d = p.from; d <= p.to; d = addDays(d, 1)) out.push(d);
  if (c.months) for (let d = FIRST; d <= to; d = addDays(d, 1)) if ((c.months.from === null || d.slice(0, 7) >= c.months.from) && d.slice(0, 7) <= c.months.to) out.push(d);
  return out.sort();
}

function expectedDays(from: string | null, to: string): string[] {
  const out: string[] = [];
  for (let d = from ?? FIRST; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

describe("coverRange", () => {
  it("covers every day of [from, to] exactly once, from the start of time too", () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: 0, max: 500 }), fc.boolean(), (from, len, open) => {
        const to = addDays(from, len);
        const f = open ? null : from;
        expect(coveredDays(f, to)).toEqual(expectedDays(f, to));
        const c = coverRange(f, to);
        expect(c.days.length).toBeLessThanOrEqual(2);
        for (const p of c.days) expect(p.to.slice(0, 7)).toBe(p.from.slice(0, 7));
      }),
      { numRuns: 400 },
    );
  });

  it("reads whole months from the monthly rollup and partial ones from the daily", () => {
    expect(coverRange("2026-01-01", "2026-03-31")).toEqual({ days: [], months: { from: "2026-01", to: "2026-03" } });
    expect(coverRange("2026-01-15", "2026-03-10")).toEqual({ days: [{ from: "2026-01-15", to: "2026-01-31" }, { from: "2026-03-01", to: "2026-03-10" }], months: { from: "2026-02", to: "2026-02" } });
    expect(coverRange("2026-02-03", "2026-02-20")).toEqual({ days: [{ from: "2026-02-03", to: "2026-02-20" }], months: null });
    expect(coverRange("2024-02-01", "2024-02-29")).toEqual({ days: [], months: { from: "2024-02", to: "2024-02" } });
    expect(coverRange("2026-01-31", "2026-02-01")).toEqual({ days: [{ from: "2026-01-31", to: "2026-01-31" }, { from: "2026-02-01", to: "2026-02-01" }], months: null });
    expect(coverRange(null, "2026-05-12")).toEqual({ days: [{ from: "2026-05-01", to: "2026-05-12" }], months: { from: null, to: "2026-04" } });
  });
});
