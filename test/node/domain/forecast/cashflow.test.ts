// Cash-flow forecast: which history times each open invoice (own → segment → network), and the
// risk model's expected days shifting it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CashflowInput, cashflowForecast, daysToPayFor, MIN_SEGMENT_PAYMENTS, segmentPools } from "../../../../workers/domain/forecast/cashflow.ts";

const TODAY = 20_000;
const monthStarts = Array.from({ length: 13 }, (_, i) => TODAY + 30 * i);

/** Consumers pay in about 10 days, enterprises in about 60. */
function history(): Pick<CashflowInput, "customerDaysToPay" | "customerSegment"> {
  const days = new Map<string, number[]>();
  const segment = new Map<string, string>();
  for (let c = 0; c < 6; c++) {
    days.set(`consumer-${c}`, [9, 10, 11, 10]);
    segment.set(`consumer-${c}`, "consumer");
  }
  days.set("ent-1", [58, 60, 62]);
  days.set("ent-2", [59, 61]);
  segment.set("ent-1", "enterprise");
  segment.set("ent-2", "enterprise");
  segment.set("ent-new", "enterprise"); // no payments of its own yet
  segment.set("ent-few", "enterprise");
  days.set("ent-few", [5, 5]); // two payments: too few to trust
  segment.set("gov-new", "government"); // a segment with no history at all
  return { customerDaysToPay: days, customerSegment: segment };
}

/** The week that collects most of the open invoices. */
const weekOf = (f: ReturnType<typeof cashflowForecast>) => f.weeks.reduce((best, w, i) => (w.fromOpenInvoices > f.weeks[best]!.fromOpenInvoices ? i : best), 0);

describe("open invoices: own history, then segment, then network", () => {
  it("picks the level and says so", () => {
    const h = history();
    const pools = segmentPools(h);
    const network = [...h.customerDaysToPay.values()].flat();
    expect(daysToPayFor("ent-1", h, pools, network).level).toBe("customer");
    expect(daysToPayFor("ent-new", h, pools, network)).toEqual({ days: pools.get("enterprise"), level: "segment" });
    expect(daysToPayFor("ent-few", h, pools, network).level).toBe("segment");
    expect(daysToPayFor("gov-new", h, pools, network)).toEqual({ days: network, level: "network" });
    expect(daysToPayFor("stranger", h, pools, network).level).toBe("network");
    // A segment below the minimum does not stand in.
    const thin = {
      customerDaysToPay: new Map([["a", [40, 41]]]),
      customerSegment: new Map([
        ["a", "x"],
        ["b", "x"],
      ]),
    };
    expect(MIN_SEGMENT_PAYMENTS).toBeGreaterThan(2);
    expect(daysToPayFor("b", thin, segmentPools(thin), [1, 2, 3, 4, 5]).level).toBe("network");
  });

  it("a new enterprise customer's invoice lands when enterprises pay (week 8–9), not when the consumer-heavy network does", () => {
    const h = history();
    const open = [{ customerId: "ent-new", issued: TODAY, outstanding: 100_000 }];
    const bySegment = cashflowForecast({ today: TODAY, open, ...h, monthlyBilling: [], monthStarts });
    expect(bySegment.source).toMatchObject({ openInvoices: 1, customersWithOwnHistory: 0, segmentHistory: 1, networkHistory: 0 });
    expect(weekOf(bySegment)).toBeGreaterThanOrEqual(8);
    expect(weekOf(bySegment)).toBeLessThanOrEqual(9);
    const withoutSegments = cashflowForecast({ today: TODAY, open, customerDaysToPay: h.customerDaysToPay, monthlyBilling: [], monthStarts });
    expect(withoutSegments.source).toMatchObject({ segmentHistory: 0, networkHistory: 1 });
    expect(weekOf(withoutSegments)).toBe(1);
  });

  it("the risk model's expected days shift the segment's distribution too", () => {
    const h = history();
    const open = [{ customerId: "ent-new", issued: TODAY, outstanding: 100_000, expectedDays: 74 }];
    const f = cashflowForecast({ today: TODAY, open, ...h, monthlyBilling: [], monthStarts });
    expect(weekOf(f)).toBeGreaterThanOrEqual(10);
  });

  it("property: every open invoice is counted at exactly one level, and the 13 weeks never collect more than is open", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            customerId: fc.constantFrom("ent-1", "ent-new", "ent-few", "gov-new", "consumer-0", "stranger"),
            age: fc.integer({ min: 0, max: 120 }),
            outstanding: fc.integer({ min: 1, max: 1_000_000 }),
          }),
          { maxLength: 20 },
        ),
        (rows) => {
          const h = history();
          const open = rows.map((r) => ({ customerId: r.customerId, issued: TODAY - r.age, outstanding: r.outstanding }));
          const f = cashflowForecast({ today: TODAY, open, ...h, monthlyBilling: [], monthStarts });
          expect(f.source.customersWithOwnHistory + f.source.segmentHistory + f.source.networkHistory).toBe(open.length);
          const total = open.reduce((s, o) => s + o.outstanding, 0);
          expect(f.weeks.reduce((s, w) => s + w.fromOpenInvoices, 0)).toBeLessThanOrEqual(total + 13);
        },
      ),
    );
  });
});
