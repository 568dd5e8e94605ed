// Croston's method and the Syntetos–Boylan approximation for intermittent demand: SES (α = 0.1)
// on the non-zero sizes and on the intervals between them; SBA multiplies by (1 − α/2) to
// remove Croston's bias. Intervals from the one-step in-sample errors, floored at zero.
import { Z80, Z95 } from "./stats.ts";
import { type Forecast, clampAtZero, fromSigma } from "./types.ts";

export function isIntermittent(y: readonly number[]): boolean {
  const zeros = y.filter((v) => v === 0).length;
  return y.length > 0 && zeros / y.length >= 0.3;
}

export function croston(y: readonly number[], h: number, variant: "croston" | "sba" = "croston", alpha = 0.1): Forecast {
  let size: number | undefined;
  let interval: number | undefined;
  let gap = 1;
  let sse = 0;
  let count = 0;
  const factor = variant === "sba" ? 1 - alpha / 2 : 1;
  for (const v of y) {
    if (size !== undefined && interval !== undefined) {
      const e = v - (factor * size) / interval;
      sse += e * e;
      count++;
    }
    if (v !== 0) {
      size = size === undefined ? v : size + alpha * (v - size);
      interval = interval === undefined ? gap : interval + alpha * (gap - interval);
      gap = 1;
    } else gap++;
  }
  const rate = size === undefined || interval === undefined ? 0 : (factor * size) / interval;
  const sigma = count > 0 ? Math.sqrt(sse / count) : 0;
  return clampAtZero(
    fromSigma(
      Array.from({ length: h }, () => rate),
      Array.from({ length: h }, () => sigma),
      Z80,
      Z95,
    ),
  );
}
