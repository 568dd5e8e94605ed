// Theta. Standard (Assimakopoulos & Nikolopoulos 2000, in Hyndman & Billah's SES-with-drift
// form as R's thetaf): SES on the seasonally adjusted series plus half the slope of its linear
// trend. Optimised: the theta line's weight chosen by in-sample one-step error on a grid
// (a simplified form of Fiorucci et al.'s optimised Theta model).
import { nelderMead } from "./nelder-mead.ts";
import { deseasonalize } from "./seasonality.ts";
import { Z80, Z95 } from "./stats.ts";
import { type Forecast, fromSigma, scaleForecast } from "./types.ts";

interface SesFit {
  alpha: number;
  level: number;
  sse: number;
  errors: number[];
}

/** SES with α and the initial level by least squares. */
export function fitSes(y: readonly number[]): SesFit {
  const runSes = (alpha: number, l0: number, keep: boolean) => {
    let l = l0;
    let sse = 0;
    const errors: number[] = [];
    for (const v of y) {
      const e = v - l;
      sse += e * e;
      if (keep) errors.push(e);
      l += alpha * e;
    }
    return { l, sse, errors };
  };
  const l0 = y[0]!;
  const scale = Math.max(Math.abs(l0), 1e-6);
  const obj = (x: readonly number[]) => (x[0]! < 1e-4 || x[0]! > 0.9999 ? Number.POSITIVE_INFINITY : runSes(x[0]!, x[1]!, false).sse);
  const best = nelderMead(obj, [0.3, l0], { step: [0.1, 0.05 * scale], maxIterations: 300 });
  const r = runSes(best.x[0]!, best.x[1]!, true);
  return { alpha: best.x[0]!, level: r.l, sse: r.sse, errors: r.errors };
}

function slopeOf(y: readonly number[]): { a: number; b: number } {
  const n = y.length;
  const xm = (n - 1) / 2;
  let ym = 0;
  for (const v of y) ym += v / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - xm) * (y[i]! - ym);
    sxx += (i - xm) ** 2;
  }
  const b = sxx === 0 ? 0 : sxy / sxx;
  return { a: ym - b * xm, b };
}

function thetaAdjusted(x: readonly number[], h: number): Forecast {
  const n = x.length;
  const ses = fitSes(x);
  const { b } = slopeOf(x);
  const a = ses.alpha;
  const sigma2 = ses.sse / Math.max(1, n - 2);
  const point = Array.from({ length: h }, (_, i) => ses.level + 0.5 * b * (i + 1 - 1 + 1 / a - (1 - a) ** n / a));
  const sd = Array.from({ length: h }, (_, i) => Math.sqrt(sigma2 * (1 + a * a * i)));
  return fromSigma(point, sd, Z80, Z95);
}

export function theta(y: readonly number[], h: number, m: number): Forecast {
  const des = deseasonalize(y, m);
  return scaleForecast(thetaAdjusted(des.adjusted, h), (i) => des.factor(y.length + i));
}

/**
 * Optimised Theta: forecast = (1/θ)·SES(theta line θ) + (1 − 1/θ)·linear trend, with
 * theta line Zθ = θ·x + (1 − θ)·trend, θ picked from a grid by in-sample one-step MSE of that
 * combination (θ = 2 is the standard method up to the SES drift term).
 */
export function optimizedTheta(y: readonly number[], h: number, m: number): Forecast {
  const des = deseasonalize(y, m);
  const x = des.adjusted;
  const n = x.length;
  const { a, b } = slopeOf(x);
  const trendAt = (t: number) => a + b * t;
  let best: { theta: number; mse: number; fc: Forecast } | undefined;
  for (const th of [1, 1.5, 2, 2.5, 3, 4]) {
    const z = x.map((v, t) => th * v + (1 - th) * trendAt(t));
    const ses = fitSes(z);
    let sse = 0;
    let l = z[0]!;
    for (let t = 0; t < n; t++) {
      const combined = l / th + (1 - 1 / th) * trendAt(t);
      sse += (x[t]! - combined) ** 2;
      l += ses.alpha * (z[t]! - l);
    }
    const mse = sse / n;
    if (!best || mse < best.mse - 1e-12) {
      const sigma2 = mse;
      const point = Array.from({ length: h }, (_, i) => ses.level / th + (1 - 1 / th) * trendAt(n + i));
      // SES variance growth with the theta line's α: dividing α by θ understated it (61 % coverage on M3).
      const sd = Array.from({ length: h }, (_, i) => Math.sqrt(sigma2 * (1 + ses.alpha ** 2 * i)));
      best = { theta: th, mse, fc: fromSigma(point, sd, Z80, Z95) };
    }
  }
  return scaleForecast(best!.fc, (i) => des.factor(y.length + i));
}
