import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gcraDecide, limitOf, type GcraLimit } from "../../../workers/domain/gcra.ts";

/** Sends `times` (sorted µs) through one bucket; returns how many were allowed. */
function run(limit: GcraLimit, times: number[]): number {
  let tat = 0;
  let allowed = 0;
  for (const t of times) {
    const d = gcraDecide(tat, t, limit);
    tat = d.tat;
    if (d.allowed) allowed++;
  }
  return allowed;
}

describe("gcraDecide", () => {
  it("allows exactly the burst at one instant, then refuses with the wait for one interval", () => {
    const limit = limitOf(5, 60); // one per second
    let tat = 0;
    const now = 1_000_000_000;
    const results = Array.from({ length: 6 }, () => {
      const d = gcraDecide(tat, now, limit);
      tat = d.tat;
      return d;
    });
    expect(results.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
    expect(results.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
    expect(results[5]!.retryAfterUs).toBe(1_000_000);
    expect(results[4]!.resetUs).toBe(5_000_000);
  });

  it("earns one request back per interval", () => {
    const limit = limitOf(2, 60);
    let tat = 0;
    for (let i = 0; i < 2; i++) tat = gcraDecide(tat, 0 + 10_000_000, limit).tat;
    expect(gcraDecide(tat, 10_999_999, limit).allowed).toBe(false);
    const after = gcraDecide(tat, 11_000_000, limit);
    expect(after.allowed).toBe(true);
    expect(after.remaining).toBe(0);
  });

  it("rejects nonsense limits", () => {
    expect(() => limitOf(0, 60)).toThrow(RangeError);
    expect(() => limitOf(3, 0)).toThrow(RangeError);
  });

  it("never allows more than burst + elapsed/interval over any run of requests", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 6000 }),
        fc.array(fc.integer({ min: 0, max: 120_000_000 }), { minLength: 1, maxLength: 300 }),
        (burst, perMinute, raw) => {
          const limit = limitOf(burst, perMinute);
          const times = [...raw].sort((a, b) => a - b);
          const elapsed = times[times.length - 1]! - times[0]!;
          const allowed = run(limit, times);
          expect(allowed).toBeLessThanOrEqual(burst + Math.floor(elapsed / limit.intervalUs));
          // A fresh bucket always serves its burst.
          expect(allowed).toBeGreaterThanOrEqual(Math.min(burst, times.length));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("a refused request changes nothing and its retry-after is exactly when the next one passes", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 600 }), fc.integer({ min: 0, max: 1e9 }), (burst, perMinute, now) => {
        const limit = limitOf(burst, perMinute);
        let tat = 0;
        for (let i = 0; i < burst; i++) tat = gcraDecide(tat, now, limit).tat;
        const refused = gcraDecide(tat, now, limit);
        expect(refused.allowed).toBe(false);
        expect(refused.tat).toBe(tat);
        expect(gcraDecide(tat, now + refused.retryAfterUs - 1, limit).allowed).toBe(false);
        expect(gcraDecide(tat, now + refused.retryAfterUs, limit).allowed).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
