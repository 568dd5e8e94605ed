import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_RISK_SEGMENT_POLICY, HIGH_RISK_SEGMENT, type ProfileSegment, riskSegmentChanges } from "../../../../workers/domain/risk/dunning-segment.ts";

const risk = (customerId: string): ProfileSegment => ({ customerId, segment: HIGH_RISK_SEGMENT, segmentSource: "risk" });

describe("riskSegmentChanges", () => {
  it("puts a high score into high-risk and leaves a low one alone", () => {
    expect(riskSegmentChanges([{ customerId: "a", pLate: 0.6 }, { customerId: "b", pLate: 0.59 }], [])).toEqual({ enter: ["a"], leave: [] });
  });

  it("never overrides a segment staff set by hand, in either direction", () => {
    const staff: ProfileSegment = { customerId: "a", segment: "vip", segmentSource: "staff" };
    expect(riskSegmentChanges([{ customerId: "a", pLate: 0.99 }], [staff])).toEqual({ enter: [], leave: [] });
    expect(riskSegmentChanges([{ customerId: "a", pLate: 0.01 }], [staff])).toEqual({ enter: [], leave: [] });
  });

  it("keeps high-risk between the thresholds (hysteresis) and clears it below the exit threshold or without a score", () => {
    expect(riskSegmentChanges([{ customerId: "a", pLate: 0.5 }], [risk("a")])).toEqual({ enter: [], leave: [] });
    expect(riskSegmentChanges([{ customerId: "a", pLate: 0.44 }], [risk("a")])).toEqual({ enter: [], leave: ["a"] });
    expect(riskSegmentChanges([], [risk("a")])).toEqual({ enter: [], leave: ["a"] });
    // Already high-risk: not entered twice.
    expect(riskSegmentChanges([{ customerId: "a", pLate: 0.9 }], [risk("a")])).toEqual({ enter: [], leave: [] });
  });

  it("honours a franchise's own thresholds and refuses exit > enter", () => {
    expect(riskSegmentChanges([{ customerId: "a", pLate: 0.35 }], [], { enter: 0.3, exit: 0.2 })).toEqual({ enter: ["a"], leave: [] });
    expect(() => riskSegmentChanges([], [], { enter: 0.3, exit: 0.4 })).toThrow(RangeError);
  });

  it("property: staff profiles are untouched, enter and leave are disjoint, and the result is consistent with the thresholds", () => {
    const source = fc.constantFrom<"staff" | "risk" | null>("staff", "risk", null);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ customerId: fc.constantFrom<string>("a", "b", "c", "d", "e", "f"), pLate: fc.double({ min: 0, max: 1, noNaN: true }) }), { selector: (s) => s.customerId }),
        fc.uniqueArray(fc.record({ customerId: fc.constantFrom<string>("a", "b", "c", "d", "e", "f"), segment: fc.constantFrom(HIGH_RISK_SEGMENT, "vip", null), segmentSource: source }), { selector: (p) => p.customerId }),
        (scores, profiles) => {
          const { enter, leave } = riskSegmentChanges(scores, profiles);
          const staff = new Set(profiles.filter((p) => p.segmentSource === "staff").map((p) => p.customerId));
          for (const id of [...enter, ...leave]) expect(staff.has(id)).toBe(false);
          expect(enter.filter((id) => leave.includes(id))).toEqual([]);
          const p = new Map(scores.map((s) => [s.customerId, s.pLate]));
          for (const id of enter) expect(p.get(id)!).toBeGreaterThanOrEqual(DEFAULT_RISK_SEGMENT_POLICY.enter);
          for (const id of leave) expect(profiles.find((x) => x.customerId === id)!.segmentSource).toBe("risk");
        },
      ),
    );
  });
});
