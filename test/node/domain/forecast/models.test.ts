// Forecasting models against values worked out by hand, exact series and properties.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { naive, naive2, seasonalNaive } from "../../../../workers/domain/forecast/baselines.ts";
import { croston, isIntermittent } from "../../../../workers/domain/forecast/croston.ts";
import { autoEts, fitEts, forecastEts } from "../../../../workers/domain/forecast/ets.ts";
import { forecastAll, MODEL_NAMES } from "../../../../workers/domain/forecast/models.ts";
import { nelderMead } from "../../../../workers/domain/forecast/nelder-mead.ts";
import { isSeasonal, multiplicativeIndices } from "../../../../workers/domain/forecast/seasonality.ts";
import { acf, normalQuantile } from "../../../../workers/domain/forecast/stats.ts";
import { fitSes, theta } from "../../../../workers/domain/forecast/theta.ts";

const INDICES = [0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.1, 1.0, 0.9, 0.85, 0.95, 0.9];
const norm = INDICES.reduce((a, b) => a + b, 0) / 12;
const SEASON = INDICES.map((v) => v / norm);
const seasonalSeries = (n: number, level = 100, slope = 0) => Array.from({ length: n }, (_, t) => (level + slope * t) * SEASON[t % 12]!);

describe("statistics", () => {
  it("normal quantiles match tables", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.9)).toBeCloseTo(1.281552, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
  });

  it("acf is R's biased estimator", () => {
    // x = 1..5, mean 3: lag 1 numerator (−2·−1)+(−1·0)+(0·1)+(1·2) = 4, denominator 10.
    expect(acf([1, 2, 3, 4, 5], 1)).toBeCloseTo(0.4, 12);
    expect(acf([1, 2, 3, 4, 5], 0)).toBeCloseTo(1, 12);
  });

  it("Nelder–Mead finds the Rosenbrock minimum", () => {
    const r = nelderMead((x) => 100 * (x[1]! - x[0]! ** 2) ** 2 + (1 - x[0]!) ** 2, [-1.2, 1], { maxIterations: 5000, tolerance: 1e-14, step: 0.5 });
    expect(r.x[0]).toBeCloseTo(1, 3);
    expect(r.x[1]).toBeCloseTo(1, 3);
  });
});

describe("seasonality (M4 definition)", () => {
  it("recovers exact multiplicative indices", () => {
    const idx = multiplicativeIndices(seasonalSeries(60), 12);
    idx.forEach((v, i) => expect(v).toBeCloseTo(SEASON[i]!, 10));
  });

  it("the 90 % ACF test: seasonal pattern yes, a trend without season no, too short no", () => {
    expect(isSeasonal(seasonalSeries(60), 12)).toBe(true);
    expect(
      isSeasonal(
        Array.from({ length: 60 }, (_, t) => 100 + (t % 2)),
        12,
      ),
    ).toBe(false);
    expect(isSeasonal(seasonalSeries(35), 12)).toBe(false);
  });
});

describe("baselines", () => {
  it("naive, seasonal naive and Naive2 continue an exact seasonal series", () => {
    const y = seasonalSeries(48);
    expect(naive(y, 3).point).toEqual([y[47], y[47], y[47]]);
    expect(seasonalNaive(y, 14, 12).point).toEqual([...y.slice(36, 48), y[36], y[37]]);
    // Naive2 = last seasonally adjusted value (100) times the index of each future month.
    naive2(y, 12, 12).point.forEach((p, i) => expect(p).toBeCloseTo(100 * SEASON[(48 + i) % 12]!, 8));
  });

  it("naive intervals widen with √h", () => {
    const f = naive([1, 2, 1, 2, 1], 4);
    const w = f.hi95.map((h, i) => h - f.lo95[i]!);
    expect(w[3]! / w[0]!).toBeCloseTo(2, 10);
  });
});

describe("smoothing, Theta, ETS", () => {
  it("SES on a constant series forecasts the constant", () => {
    const s = fitSes(Array.from({ length: 30 }, () => 42));
    expect(s.level).toBeCloseTo(42, 8);
  });

  it("Theta on an exact line: SES takes the last value (α → 1) and adds half the slope per step", () => {
    const y = Array.from({ length: 40 }, (_, t) => 10 + 2 * t);
    const f = theta(y, 3, 1);
    // y_n = 88; drift b/2 · (i + (1 − (1 − α)^n)/α) with b = 2, α → 1: 88 + (i + 1).
    expect(f.point[0]).toBeCloseTo(89, 2);
    expect(f.point[2]! - f.point[1]!).toBeCloseTo(1, 6);
  });

  it("ETS(A,A,N) continues an exact line", () => {
    const y = Array.from({ length: 40 }, (_, t) => 50 + 3 * t + (t % 2 ? 0.01 : -0.01));
    const fit = fitEts(y, { error: "A", trend: "A", season: "N" }, 1)!;
    const f = forecastEts(fit, 5);
    f.point.forEach((p, i) => expect(p).toBeCloseTo(50 + 3 * (40 + i), 0));
  });

  it("auto ETS picks a seasonal model for a seasonal series and forecasts it closely", () => {
    const y = seasonalSeries(72, 200, 1).map((v, t) => v * (1 + 0.01 * Math.sin(t * 1.7)));
    const fit = autoEts(y, 12)!;
    expect(fit.spec.season).not.toBe("N");
    const f = forecastEts(fit, 12);
    const truth = Array.from({ length: 12 }, (_, i) => (200 + (72 + i)) * SEASON[(72 + i) % 12]!);
    const mape = f.point.reduce((s, p, i) => s + Math.abs(p - truth[i]!) / truth[i]!, 0) / 12;
    expect(mape).toBeLessThan(0.03);
  });
});

describe("Croston / SBA", () => {
  it("matches a hand computation", () => {
    // sizes 3 then 5, intervals 3 then 2, α = 0.1: size 3.2, interval 2.9.
    expect(croston([0, 0, 3, 0, 5], 2).point[0]).toBeCloseTo(3.2 / 2.9, 10);
    expect(croston([0, 0, 3, 0, 5], 2, "sba").point[0]).toBeCloseTo((0.95 * 3.2) / 2.9, 10);
    expect(isIntermittent([0, 0, 3, 0, 5])).toBe(true);
  });

  it("an intermittent series gets SBA as its combination", () => {
    const y = Array.from({ length: 40 }, (_, t) => (t % 3 === 0 ? 4 : 0));
    const set = forecastAll(y, 6, 12);
    expect(set.combination).toEqual(set.sba);
  });
});

describe("every model on any series", () => {
  it("returns h finite steps with nested intervals", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1, max: 1000, noNaN: true }), { minLength: 3, maxLength: 60 }), fc.integer({ min: 1, max: 8 }), (y, h) => {
        const set = forecastAll(y, h, 4);
        for (const name of MODEL_NAMES) {
          const f = set[name]!;
          expect(f.point).toHaveLength(h);
          for (let i = 0; i < h; i++) {
            for (const v of [f.point[i]!, f.lo80[i]!, f.hi80[i]!, f.lo95[i]!, f.hi95[i]!]) expect(Number.isFinite(v)).toBe(true);
            expect(f.lo95[i]!).toBeLessThanOrEqual(f.lo80[i]! + 1e-9);
            expect(f.hi80[i]!).toBeLessThanOrEqual(f.hi95[i]! + 1e-9);
          }
        }
      }),
      { numRuns: 25 },
    );
  });
});
