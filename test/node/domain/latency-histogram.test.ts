import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BUCKET_BOUNDS_MS, BUCKET_COUNT, bucketOf, emptyBuckets, mergeBuckets, percentileOf } from "../../../workers/domain/latency-histogram.ts";

const histogramOf = (latencies: number[]) => {
  const b = emptyBuckets();
  for (const l of latencies) b[bucketOf(l)]!++;
  return b;
};

describe("latency histogram", () => {
  it("puts a latency in the first bucket whose bound holds it", () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(1)).toBe(0);
    expect(bucketOf(1.01)).toBe(1);
    expect(bucketOf(50)).toBe(5);
    expect(bucketOf(60_000)).toBe(BUCKET_COUNT - 1);
  });

  it("reads percentiles as bucket upper bounds", () => {
    const b = histogramOf([...Array(90).fill(3), ...Array(9).fill(40), 700]);
    expect(percentileOf(b, 50)).toBe(5);
    expect(percentileOf(b, 95)).toBe(50);
    expect(percentileOf(b, 99)).toBe(50);
    expect(percentileOf(b, 100)).toBe(1000);
    expect(percentileOf(emptyBuckets(), 50)).toBeNull();
  });

  it("a percentile is never below the true one, and at most one bucket above it", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 4000, noNaN: true }), { minLength: 1, maxLength: 500 }), fc.integer({ min: 1, max: 100 }), (latencies, p) => {
        const sorted = [...latencies].sort((a, b) => a - b);
        const exact = sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
        const estimate = percentileOf(histogramOf(latencies), p)!;
        expect(estimate).toBeGreaterThanOrEqual(exact);
        expect(bucketOf(estimate)).toBe(bucketOf(exact));
      }),
      { numRuns: 300 },
    );
  });

  it("merging histograms is the histogram of the union", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(9000)), fc.array(fc.nat(9000)), (a, b) => {
        expect(mergeBuckets(histogramOf(a), histogramOf(b))).toEqual(histogramOf([...a, ...b]));
      }),
    );
    expect(BUCKET_BOUNDS_MS.length + 1).toBe(BUCKET_COUNT);
  });
});
