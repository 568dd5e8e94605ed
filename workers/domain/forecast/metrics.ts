// Forecast accuracy as finance and the M competitions define it. Per series, then averaged
// over series (sMAPE, MASE, MSIS as in M3/M4); WAPE and bias pool absolute errors over all.
import type { Forecast } from "./types.ts";

/** Mean absolute error of the in-sample seasonal naive (m = 1 when the series is shorter than a season + 1). */
export function maseScale(insample: readonly number[], m: number): number {
  const lag = insample.length > m ? m : 1;
  let s = 0;
  let c = 0;
  for (let t = lag; t < insample.length; t++) {
    s += Math.abs(insample[t]! - insample[t - lag]!);
    c++;
  }
  return c === 0 ? Number.NaN : s / c;
}

export interface SeriesScore {
  smape: number;
  mape: number;
  mase: number;
  msis: number;
  coverage80: number;
  coverage95: number;
  absError: number;
  error: number;
  absActual: number;
  count: number;
}

export function scoreSeries(insample: readonly number[], actual: readonly number[], fc: Forecast, m: number): SeriesScore {
  const scale = maseScale(insample, m);
  let smape = 0;
  let mape = 0;
  let mapeN = 0;
  let ae = 0;
  let err = 0;
  let absActual = 0;
  let in80 = 0;
  let in95 = 0;
  let is = 0;
  const h = actual.length;
  const alpha = 0.05;
  for (let i = 0; i < h; i++) {
    const y = actual[i]!;
    const f = fc.point[i]!;
    const d = Math.abs(y) + Math.abs(f);
    smape += d === 0 ? 0 : (200 * Math.abs(y - f)) / d;
    if (y !== 0) {
      mape += (100 * Math.abs(y - f)) / Math.abs(y);
      mapeN++;
    }
    ae += Math.abs(y - f);
    err += f - y;
    absActual += Math.abs(y);
    if (y >= fc.lo80[i]! && y <= fc.hi80[i]!) in80++;
    const lo = fc.lo95[i]!;
    const hi = fc.hi95[i]!;
    if (y >= lo && y <= hi) in95++;
    is += hi - lo + (y < lo ? (2 / alpha) * (lo - y) : 0) + (y > hi ? (2 / alpha) * (y - hi) : 0);
  }
  return {
    smape: smape / h,
    mape: mapeN ? mape / mapeN : Number.NaN,
    mase: ae / h / scale,
    msis: is / h / scale,
    coverage80: in80 / h,
    coverage95: in95 / h,
    absError: ae,
    error: err,
    absActual,
    count: h,
  };
}

export interface AccuracySummary {
  series: number;
  smape: number;
  mape: number;
  wape: number;
  accuracy: number;
  mase: number;
  /** Σ(forecast − actual) / Σ|actual|, in percent: positive means over-forecasting. */
  bias: number;
  coverage80: number;
  coverage95: number;
  msis: number;
}

function finiteMean(xs: readonly number[]): number {
  let s = 0;
  let c = 0;
  for (const x of xs)
    if (Number.isFinite(x)) {
      s += x;
      c++;
    }
  return c ? s / c : Number.NaN;
}

export function summarize(scores: readonly SeriesScore[]): AccuracySummary {
  let ae = 0;
  let err = 0;
  let aa = 0;
  let n80 = 0;
  let n95 = 0;
  let points = 0;
  for (const s of scores) {
    ae += s.absError;
    err += s.error;
    aa += s.absActual;
    n80 += s.coverage80 * s.count;
    n95 += s.coverage95 * s.count;
    points += s.count;
  }
  const wape = aa ? ae / aa : Number.NaN;
  return {
    series: scores.length,
    smape: finiteMean(scores.map((s) => s.smape)),
    mape: finiteMean(scores.map((s) => s.mape)),
    wape: 100 * wape,
    accuracy: 100 * (1 - wape),
    mase: finiteMean(scores.map((s) => s.mase)),
    bias: aa ? (100 * err) / aa : Number.NaN,
    coverage80: points ? (100 * n80) / points : Number.NaN,
    coverage95: points ? (100 * n95) / points : Number.NaN,
    msis: finiteMean(scores.map((s) => s.msis)),
  };
}
