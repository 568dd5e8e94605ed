// Seasonality as the M4 organisers define it for Naive2 and Theta: a 90 % autocorrelation test at
// the seasonal lag, then classical multiplicative decomposition (R's `decompose`) for the indices.
import { acf } from "./stats.ts";

/** True when |acf(m)| exceeds the 90 % limit 1.645·sqrt((1 + 2·Σ_{k<m} acf(k)²)/n); needs n ≥ 3m. */
export function isSeasonal(xs: readonly number[], m: number): boolean {
  if (m <= 1 || xs.length < 3 * m) return false;
  let s = 0;
  for (let k = 1; k < m; k++) s += acf(xs, k) ** 2;
  const limit = 1.645 * Math.sqrt((1 + 2 * s) / xs.length);
  return Math.abs(acf(xs, m)) > limit;
}

/**
 * Multiplicative seasonal indices by classical decomposition (centred moving average; each index
 * is the mean ratio at its position, normalised to average 1). Index i applies to observations
 * t with t mod m = i (t counted from the first observation).
 */
export function multiplicativeIndices(xs: readonly number[], m: number): number[] {
  const n = xs.length;
  const ratios: number[][] = Array.from({ length: m }, () => []);
  const half = Math.floor(m / 2);
  for (let t = half; t < n - half; t++) {
    let trend: number;
    if (m % 2 === 0) {
      if (t + half >= n) break;
      let s = 0.5 * xs[t - half]! + 0.5 * xs[t + half]!;
      for (let j = t - half + 1; j < t + half; j++) s += xs[j]!;
      trend = s / m;
    } else {
      let s = 0;
      for (let j = t - half; j <= t + half; j++) s += xs[j]!;
      trend = s / m;
    }
    ratios[t % m]!.push(xs[t]! / trend);
  }
  const raw = ratios.map((r) => (r.length === 0 ? 1 : r.reduce((a, b) => a + b, 0) / r.length));
  const avg = raw.reduce((a, b) => a + b, 0) / m;
  return raw.map((v) => v / avg);
}

export interface Deseasonalized {
  adjusted: number[];
  /** Seasonal factor for the observation at absolute position t (0 = first observation). */
  factor(t: number): number;
  seasonal: boolean;
}

/** The series divided by its seasonal indices when the test says seasonal (and all values are positive). */
export function deseasonalize(xs: readonly number[], m: number): Deseasonalized {
  const positive = xs.every((x) => x > 0);
  if (!positive || !isSeasonal(xs, m)) return { adjusted: xs.slice(), factor: () => 1, seasonal: false };
  const idx = multiplicativeIndices(xs, m);
  return { adjusted: xs.map((x, t) => x / idx[t % m]!), factor: (t) => idx[t % m]!, seasonal: true };
}
