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

  // Changed on purpose (session 9): percentiles used to read as the bucket's upper bound; now
  // they interpolate inside the bucket and never exceed the slowest sample.
  it("interpolates a percentile inside its bucket", () => {
    const b = histogramOf([...Array(90).fill(3), ...Array(9).fill(40), 700]);
    // rank 50 of 90 samples in (2, 5]: 2 + 50/90 × 3
    expect(percentileOf(b, 50)).toBeCloseTo(2 + (50 / 90) * 3, 9);
    // rank 95: the 5th of 9 samples in (20, 50]
    expect(percentileOf(b, 95)).toBeCloseTo(20 + (5 / 9) * 30, 9);
    expect(percentileOf(b, 99)).toBeCloseTo(50, 9);
    // the one sample in (500, 1000]: the bucket's top without a max, the max with one
    expect(percentileOf(b, 100)).toBe(1000);
    expect(percentileOf(b, 100, 700)).toBe(700);
    expect(percentileOf(emptyBuckets(), 50)).toBeNull();
  });

  it("never reports above the slowest request, and bounds the open last bucket by it", () => {
    const b = histogramOf([0.4, 0.5, 0.6]);
    expect(percentileOf(b, 99)).toBeCloseTo(0.99, 9);
    expect(percentileOf(b, 99, 0.6)).toBe(0.6);
    const slow = histogramOf([8000, 9000]);
    expect(percentileOf(slow, 50)).toBe(7500); // 5000 + ½ × (10 000 − 5000): no max known
    expect(percentileOf(slow, 50, 9000)).toBe(7000);
    expect(percentileOf(slow, 100, 9000)).toBe(9000);
  });

  it("a percentile stays in the true one's bucket and never exceeds the maximum", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 12_000, noNaN: true }), { minLength: 1, maxLength: 500 }), fc.integer({ min: 1, max: 100 }), (latencies, p) => {
        const sorted = [...latencies].sort((a, b) => a - b);
        const exact = sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
        const max = sorted[sorted.length - 1]!;
        const estimate = percentileOf(histogramOf(latencies), p, max)!;
        expect(bucketOf(estimate)).toBe(bucketOf(exact));
        expect(estimate).toBeLessThanOrEqual(max);
        // without the max, only the bucket bounds it (the open last bucket reads up to 10 s)
        expect(bucketOf(percentileOf(histogramOf(latencies), p)!)).toBe(bucketOf(exact));
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
