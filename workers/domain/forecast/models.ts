// Every model by name, and the combination: for each horizon step the median of ETS, Theta and
// damped trend for points; its bounds are quantiles of the equal-weight mixture of the three
// members' predictive distributions (intervals.ts). The fitted models' intervals carry an
// allowance for parameter uncertainty; the baselines keep their textbook intervals.
import { naive, naive2, seasonalNaive } from "./baselines.ts";
import { croston, isIntermittent } from "./croston.ts";
import { autoEts, forecastEts } from "./ets.ts";
import { mixtureIntervals, withParameterUncertainty } from "./intervals.ts";
import { deseasonalize } from "./seasonality.ts";
import { damped, holt, ses } from "./smoothing.ts";
import { optimizedTheta, theta } from "./theta.ts";
import { type Forecast, scaleForecast } from "./types.ts";

export const MODEL_NAMES = ["naive", "snaive", "naive2", "ses", "holt", "damped", "theta", "otm", "ets", "croston", "sba", "combination"] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** Auto ETS; for long seasons (m > 24) ETS runs on the classically adjusted series instead. */
export function etsForecast(y: readonly number[], h: number, m: number): Forecast {
  if (m > 24) {
    const des = deseasonalize(y, m);
    const fit = autoEts(des.adjusted, 1);
    const base = fit ? forecastEts(fit, h) : naive(des.adjusted, h);
    return scaleForecast(base, (i) => des.factor(y.length + i));
  }
  const fit = autoEts(y, m);
  return fit ? forecastEts(fit, h) : naive(y, h);
}

function combine(parts: readonly Forecast[], how: "median" | "mean"): Forecast {
  const agg = (pick: (f: Forecast) => number[]) => {
    const h = pick(parts[0]!).length;
    return Array.from({ length: h }, (_, i) => {
      const xs = parts.map((p) => pick(p)[i]!).sort((a, b) => a - b);
      if (how === "mean") return xs.reduce((a, b) => a + b, 0) / xs.length;
      const mid = Math.floor(xs.length / 2);
      return xs.length % 2 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
    });
  };
  return { point: agg((f) => f.point), lo80: agg((f) => f.lo80), hi80: agg((f) => f.hi80), lo95: agg((f) => f.lo95), hi95: agg((f) => f.hi95) };
}

export type ModelSet = Partial<Record<ModelName, Forecast>>;

/** Models whose intervals come from fitted parameters (the baselines estimate at most a variance). */
const FITTED: ReadonlySet<ModelName> = new Set(["ses", "holt", "damped", "theta", "otm", "ets", "croston", "sba"]);

/**
 * All requested models for one series. Series too short for a model fall back to naive; an
 * intermittent series (≥ 30 % zeros) gets SBA as its combination.
 */
export function forecastAll(y: readonly number[], h: number, m: number, wanted: readonly ModelName[] = MODEL_NAMES): ModelSet {
  const out: ModelSet = {};
  const need = new Set(wanted);
  if (need.has("combination")) {
    need.add("ets");
    need.add("theta");
    need.add("damped");
    need.add("sba");
  }
  const guard = (f: () => Forecast) => (y.length >= 3 ? f() : naive(y, h));
  for (const name of need) {
    if (name === "combination") continue;
    const f = guard(() => {
      switch (name) {
        case "naive":
          return naive(y, h);
        case "snaive":
          return seasonalNaive(y, h, m);
        case "naive2":
          return naive2(y, h, m);
        case "ses":
          return ses(y, h, m);
        case "holt":
          return holt(y, h, m);
        case "damped":
          return damped(y, h, m);
        case "theta":
          return theta(y, h, m);
        case "otm":
          return optimizedTheta(y, h, m);
        case "ets":
          return etsForecast(y, h, m);
        case "croston":
          return croston(y, h, "croston");
        case "sba":
          return croston(y, h, "sba");
      }
    });
    out[name] = FITTED.has(name) ? withParameterUncertainty(f, y.length) : f;
  }
  if (wanted.includes("combination")) {
    const members = [out.ets!, out.theta!, out.damped!];
    out.combination = isIntermittent(y) ? out.sba! : mixtureIntervals(members, combine(members, "median").point);
  }
  for (const name of Object.keys(out) as ModelName[]) if (!wanted.includes(name)) delete out[name];
  return out;
}

export { combine };
