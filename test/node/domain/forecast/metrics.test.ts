// Accuracy metrics against hand-computed values, and the standard baselines reproduced on M3.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { naive2, seasonalNaive } from "../../../../workers/domain/forecast/baselines.ts";
import { maseScale, scoreSeries, summarize } from "../../../../workers/domain/forecast/metrics.ts";
import { forecastAll } from "../../../../workers/domain/forecast/models.ts";

const M3 = new URL("../../../../../shared/data/m3-monthly/m3_monthly.csv", import.meta.url).pathname;

function m3Series(): { train: number[]; test: number[] }[] {
  return readFileSync(M3, "utf8")
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => {
      const cells = line.split(",");
      const n = Number(cells[1]);
      const v = cells.slice(6, 6 + n).map(Number);
      return { train: v.slice(0, n - 18), test: v.slice(n - 18) };
    });
}

describe("metrics", () => {
  it("sMAPE, MAPE, MASE, coverage and MSIS by hand", () => {
    const insample = [10, 12, 14, 16]; // seasonal naive (m = 1) MAE = 2
    expect(maseScale(insample, 1)).toBe(2);
    const s = scoreSeries(insample, [100, 50], { point: [110, 50], lo80: [105, 40], hi80: [115, 60], lo95: [90, 45], hi95: [120, 55] }, 1);
    expect(s.smape).toBeCloseTo((200 * 10) / 210 / 2, 10);
    expect(s.mape).toBeCloseTo(5, 10);
    expect(s.mase).toBeCloseTo(5 / 2, 10);
    expect(s.coverage80).toBe(0.5);
    expect(s.coverage95).toBe(1);
    // widths 30 and 10, no penalties: (30 + 10)/2 / 2
    expect(s.msis).toBeCloseTo(10, 10);
    const sum = summarize([s]);
    expect(sum.wape).toBeCloseTo((100 * 10) / 150, 10);
    expect(sum.accuracy).toBeCloseTo(100 - (100 * 10) / 150, 10);
    expect(sum.bias).toBeCloseTo((100 * 10) / 150, 10);
  });

  it("MSIS penalises a miss by 2/α times the distance", () => {
    const s = scoreSeries([0, 1], [10], { point: [5], lo80: [4], hi80: [6], lo95: [4], hi95: [6] }, 1);
    expect(s.msis).toBeCloseTo(2 + 40 * 4, 10);
  });
});

describe.runIf(existsSync(M3))("M3 monthly (1,428 series, h = 18)", () => {
  const all = existsSync(M3) ? m3Series() : [];

  it("reproduces Naive2 sMAPE 16.77 / MASE 1.038 and seasonal naive 17.24 / 1.146", () => {
    expect(all).toHaveLength(1428);
    const n2 = summarize(all.map((s) => scoreSeries(s.train, s.test, naive2(s.train, 18, 12), 12)));
    const sn = summarize(all.map((s) => scoreSeries(s.train, s.test, seasonalNaive(s.train, 18, 12), 12)));
    expect(n2.smape.toFixed(2)).toBe("16.77");
    expect(n2.mase.toFixed(3)).toBe("1.038");
    expect(sn.smape.toFixed(2)).toBe("17.24");
    expect(sn.mase.toFixed(3)).toBe("1.146");
  });

  it("on a 48-series subset the combination beats Naive2 on sMAPE and MASE, with sane 95 % coverage", () => {
    const subset = all.filter((_, i) => i % 30 === 0);
    const comb = subset.map((s) => ({ s, f: forecastAll(s.train, 18, 12, ["combination", "naive2"]) }));
    const c = summarize(comb.map(({ s, f }) => scoreSeries(s.train, s.test, f.combination!, 12)));
    const b = summarize(comb.map(({ s, f }) => scoreSeries(s.train, s.test, f.naive2!, 12)));
    expect(c.smape).toBeLessThan(b.smape);
    expect(c.mase).toBeLessThan(b.mase);
    expect(c.coverage95).toBeGreaterThan(80);
  });
});
