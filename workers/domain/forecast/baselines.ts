// Baselines every forecast is judged against: naive, seasonal naive and Naive2 (the M4
// organisers' definition: naive on the seasonally adjusted series, reseasonalised, where
// seasonality comes from the 90 % ACF test and classical multiplicative decomposition).
import { deseasonalize } from "./seasonality.ts";
import { Z80, Z95 } from "./stats.ts";
import { type Forecast, fromSigma, scaleForecast } from "./types.ts";

function rmse(errors: readonly number[]): number {
  if (errors.length === 0) return 0;
  let s = 0;
  for (const e of errors) s += e * e;
  return Math.sqrt(s / errors.length);
}

/** Random walk: the last value, with σ·√h intervals from the one-step differences. */
export function naive(y: readonly number[], h: number): Forecast {
  const last = y[y.length - 1]!;
  const diffs = y.slice(1).map((v, i) => v - y[i]!);
  const sigma = rmse(diffs);
  return fromSigma(
    Array.from({ length: h }, () => last),
    Array.from({ length: h }, (_, i) => sigma * Math.sqrt(i + 1)),
    Z80,
    Z95,
  );
}

/** The value one season back; intervals grow with the number of whole seasons ahead. */
export function seasonalNaive(y: readonly number[], h: number, m: number): Forecast {
  if (m <= 1 || y.length < m) return naive(y, h);
  const n = y.length;
  const diffs = y.slice(m).map((v, i) => v - y[i]!);
  const sigma = rmse(diffs);
  return fromSigma(
    Array.from({ length: h }, (_, i) => y[n - m + (i % m)]!),
    Array.from({ length: h }, (_, i) => sigma * Math.sqrt(Math.floor(i / m) + 1)),
    Z80,
    Z95,
  );
}

export function naive2(y: readonly number[], h: number, m: number): Forecast {
  const des = deseasonalize(y, m);
  const n = y.length;
  return scaleForecast(naive(des.adjusted, h), (i) => des.factor(n + i));
}
