import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { retryDelaySeconds } from "../../../workers/domain/retry-backoff.ts";

describe("retryDelaySeconds", () => {
  it("grows exponentially up to the cap, with jitter between half and all of the ceiling", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, random) => {
        const ceiling = Math.min(300, 2 ** Math.max(1, Math.min(attempt, 30)));
        const delay = retryDelaySeconds(attempt, random);
        expect(delay).toBeGreaterThanOrEqual(Math.max(1, Math.floor(ceiling / 2)));
        expect(delay).toBeLessThanOrEqual(ceiling);
      }),
    );
  });

  it("is monotone in the attempt for the same draw, and spreads retries of one attempt apart", () => {
    expect([1, 2, 3, 4, 5, 6, 9].map((a) => retryDelaySeconds(a, 0.5))).toEqual([2, 3, 6, 12, 24, 48, 300 * 0.75]);
    expect(new Set([0, 0.25, 0.5, 0.75, 0.99].map((r) => retryDelaySeconds(6, r))).size).toBeGreaterThan(3);
  });
});
