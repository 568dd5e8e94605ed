// ETS: the Hyndman et al. innovations state-space family (error A/M × trend N/A/Ad × season
// N/A/M), smoothing parameters and initial level/trend by maximum likelihood (Nelder–Mead on
// the concentrated likelihood), model chosen by AICc. Initial seasonal states come from a
// classical decomposition of the first years (as R's forecast::ets starts them) and are held
// there, which keeps the optimisation to at most six parameters. Intervals by simulation from
// the fitted model with a seeded generator, so they are reproducible.
import { nelderMead } from "./nelder-mead.ts";
import { multiplicativeIndices } from "./seasonality.ts";
import { mean, seededRandom, standardNormal } from "./stats.ts";
import type { Forecast } from "./types.ts";

export type ErrorType = "A" | "M";
export type TrendType = "N" | "A" | "Ad";
export type SeasonType = "N" | "A" | "M";

export interface EtsSpec {
  error: ErrorType;
  trend: TrendType;
  season: SeasonType;
}

export interface EtsFit {
  spec: EtsSpec;
  name: string;
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
  m: number;
  /** Final states after the last observation. */
  level: number;
  slope: number;
  seasonals: number[];
  /** Position (t mod m) of the next observation. */
  nextPos: number;
  sigma2: number;
  aicc: number;
  residuals: number[];
  fitted: number[];
}

export function etsName(s: EtsSpec): string {
  return `ETS(${s.error},${s.trend},${s.season})`;
}

interface Params {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
  l0: number;
  b0: number;
}

interface RunResult {
  sse: number;
  sumLogMu: number;
  level: number;
  slope: number;
  seasonals: number[];
  residuals: number[];
  fitted: number[];
  ok: boolean;
}

function run(y: readonly number[], spec: EtsSpec, p: Params, s0: readonly number[], m: number, keep: boolean): RunResult {
  const seas = s0.slice();
  let l = p.l0;
  let b = spec.trend === "N" ? 0 : p.b0;
  const phi = spec.trend === "Ad" ? p.phi : spec.trend === "A" ? 1 : 0;
  let sse = 0;
  let sumLogMu = 0;
  const residuals: number[] = [];
  const fitted: number[] = [];
  for (let t = 0; t < y.length; t++) {
    const pos = t % m;
    const s = spec.season === "N" ? 0 : seas[pos]!;
    const lb = l + phi * b;
    const mu = spec.season === "M" ? lb * s : spec.season === "A" ? lb + s : lb;
    if (spec.error === "M" && !(mu > 0))
      return { sse: Number.POSITIVE_INFINITY, sumLogMu: 0, level: l, slope: b, seasonals: seas, residuals, fitted, ok: false };
    const yt = y[t]!;
    const e = spec.error === "A" ? yt - mu : (yt - mu) / mu;
    sse += e * e;
    if (spec.error === "M") sumLogMu += Math.log(mu);
    if (keep) {
      residuals.push(e);
      fitted.push(mu);
    }
    let nl: number;
    let nb: number;
    if (spec.error === "A") {
      if (spec.season === "M") {
        nl = lb + (p.alpha * e) / s;
        nb = phi * b + (p.beta * e) / s;
        seas[pos] = s + (p.gamma * e) / lb;
      } else {
        nl = lb + p.alpha * e;
        nb = phi * b + p.beta * e;
        if (spec.season === "A") seas[pos] = s + p.gamma * e;
      }
    } else if (spec.season === "A") {
      nl = lb + p.alpha * mu * e;
      nb = phi * b + p.beta * mu * e;
      seas[pos] = s + p.gamma * mu * e;
    } else {
      nl = lb * (1 + p.alpha * e);
      nb = phi * b + p.beta * lb * e;
      if (spec.season === "M") seas[pos] = s * (1 + p.gamma * e);
    }
    l = nl;
    b = nb;
    if (!Number.isFinite(l) || Math.abs(l) > 1e15)
      return { sse: Number.POSITIVE_INFINITY, sumLogMu: 0, level: l, slope: b, seasonals: seas, residuals, fitted, ok: false };
  }
  return { sse, sumLogMu, level: l, slope: b, seasonals: seas, residuals, fitted, ok: true };
}

function initialStates(y: readonly number[], spec: EtsSpec, m: number): { s0: number[]; l0: number; b0: number } {
  let s0: number[] = [0];
  let adjusted = y.slice();
  if (spec.season !== "N") {
    const span = y.slice(0, Math.min(y.length, Math.max(4 * m, 2 * m + 2)));
    const ratio = multiplicativeIndices(span, m);
    if (spec.season === "M") {
      s0 = ratio;
      adjusted = y.map((v, t) => v / ratio[t % m]!);
    } else {
      const lvl = mean(span);
      s0 = ratio.map((r) => (r - 1) * lvl);
      const avg = mean(s0);
      s0 = s0.map((v) => v - avg);
      adjusted = y.map((v, t) => v - s0[t % m]!);
    }
  }
  const maxn = Math.min(Math.max(10, 2 * m), adjusted.length);
  const head = adjusted.slice(0, maxn);
  if (spec.trend === "N") return { s0, l0: mean(head), b0: 0 };
  const xm = (maxn + 1) / 2;
  const ym = mean(head);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < maxn; i++) {
    sxy += (i + 1 - xm) * (head[i]! - ym);
    sxx += (i + 1 - xm) ** 2;
  }
  const b0 = sxx === 0 ? 0 : sxy / sxx;
  // Regression on t = 1..maxn: the intercept is the level one step before the first observation.
  return { s0, l0: ym - b0 * xm, b0 };
}

function parameterCount(spec: EtsSpec, m: number): number {
  let k = 2; // alpha, l0
  if (spec.trend !== "N") k += 2;
  if (spec.trend === "Ad") k += 1;
  if (spec.season !== "N") k += m; // gamma + m-1 initial seasonals
  return k + 1; // sigma
}

/** Fit one ETS model; undefined when it cannot be fitted to this series. */
export function fitEts(y: readonly number[], spec: EtsSpec, m: number): EtsFit | undefined {
  const period = spec.season === "N" ? 1 : m;
  const n = y.length;
  const k = parameterCount(spec, period);
  if (n - k - 1 <= 0) return undefined;
  if ((spec.error === "M" || spec.season === "M") && !y.every((v) => v > 0)) return undefined;
  const init = initialStates(y, spec, period);
  const names: (keyof Params)[] = ["alpha", "l0"];
  if (spec.trend !== "N") names.push("beta", "b0");
  if (spec.trend === "Ad") names.push("phi");
  if (spec.season !== "N") names.push("gamma");
  const alpha0 = spec.season === "N" ? 0.2 : 0.2 / period + 0.05;
  const start: Params = { alpha: alpha0, beta: 0.1 * alpha0, gamma: 0.05 * (1 - alpha0), phi: 0.97, l0: init.l0, b0: init.b0 };
  const scale = Math.max(Math.abs(init.l0), 1e-6);
  const stepOf: Record<keyof Params, number> = {
    alpha: 0.1,
    beta: 0.01,
    gamma: 0.05,
    phi: 0.02,
    l0: 0.05 * scale,
    b0: 0.05 * Math.max(Math.abs(init.b0), 0.01 * scale),
  };
  const toParams = (x: readonly number[]): Params => {
    const p = { ...start };
    names.forEach((nm, i) => {
      p[nm] = x[i]!;
    });
    return p;
  };
  const objective = (x: readonly number[]): number => {
    const p = toParams(x);
    if (p.alpha < 1e-4 || p.alpha > 0.9999) return Number.POSITIVE_INFINITY;
    if (spec.trend !== "N" && (p.beta < 1e-4 || p.beta > p.alpha)) return Number.POSITIVE_INFINITY;
    if (spec.trend === "Ad" && (p.phi < 0.8 || p.phi > 0.98)) return Number.POSITIVE_INFINITY;
    if (spec.season !== "N" && (p.gamma < 1e-4 || p.gamma > 1 - p.alpha)) return Number.POSITIVE_INFINITY;
    const r = run(y, spec, p, init.s0, period, false);
    if (!r.ok || !(r.sse > 0)) return r.ok && r.sse === 0 ? -1e12 : Number.POSITIVE_INFINITY;
    return n * Math.log(r.sse / n) + 2 * r.sumLogMu;
  };
  const x0 = names.map((nm) => start[nm]);
  let best = nelderMead(objective, x0, { step: names.map((nm) => stepOf[nm]), maxIterations: 120 * names.length, tolerance: 1e-7 });
  // One restart from the optimum: Nelder–Mead stalls on ridges, a fresh simplex usually gets off them.
  const again = nelderMead(objective, best.x, { step: names.map((nm) => stepOf[nm] * 0.5), maxIterations: 60 * names.length, tolerance: 1e-8 });
  if (again.value < best.value) best = again;
  if (!Number.isFinite(best.value)) return undefined;
  const p = toParams(best.x);
  const r = run(y, spec, p, init.s0, period, true);
  if (!r.ok) return undefined;
  const aicc = best.value + 2 * k + (2 * k * (k + 1)) / (n - k - 1);
  return {
    spec,
    name: etsName(spec),
    alpha: p.alpha,
    beta: p.beta,
    gamma: p.gamma,
    phi: spec.trend === "Ad" ? p.phi : spec.trend === "A" ? 1 : 0,
    m: period,
    level: r.level,
    slope: r.slope,
    seasonals: r.seasonals,
    nextPos: n % period,
    sigma2: r.sse / Math.max(1, n - k + 1),
    aicc,
    residuals: r.residuals,
    fitted: r.fitted,
  };
}

/** The candidate models for a series: no multiplicative trend, no additive error with multiplicative season (unstable, as in R). */
export function candidateSpecs(m: number, positive: boolean, n: number): EtsSpec[] {
  const specs: EtsSpec[] = [];
  const seasons: SeasonType[] = m > 1 && m <= 24 && n >= 2 * m + 2 ? ["N", "A", "M"] : ["N"];
  for (const error of positive ? (["A", "M"] as const) : (["A"] as const))
    for (const trend of ["N", "A", "Ad"] as const)
      for (const season of seasons) {
        if (season === "M" && (!positive || error === "A")) continue;
        specs.push({ error, trend, season });
      }
  return specs;
}

/** Fit every candidate and keep the lowest AICc. */
export function autoEts(y: readonly number[], m: number, specs?: EtsSpec[]): EtsFit | undefined {
  const positive = y.every((v) => v > 0);
  let best: EtsFit | undefined;
  for (const spec of specs ?? candidateSpecs(m, positive, y.length)) {
    const fit = fitEts(y, spec, m);
    if (fit && (!best || fit.aicc < best.aicc)) best = fit;
  }
  return best;
}

function step(fit: EtsFit, state: { l: number; b: number; s: number[]; pos: number }, e: number): number {
  const { spec, alpha, beta, gamma, phi, m } = fit;
  const s = spec.season === "N" ? 0 : state.s[state.pos]!;
  const lb = state.l + phi * state.b;
  const mu = spec.season === "M" ? lb * s : spec.season === "A" ? lb + s : lb;
  const y = spec.error === "A" ? mu + e : mu * (1 + e);
  const err = e;
  if (spec.error === "A") {
    if (spec.season === "M") {
      state.l = lb + (alpha * err) / s;
      state.b = phi * state.b + (beta * err) / s;
      state.s[state.pos] = s + (gamma * err) / lb;
    } else {
      state.l = lb + alpha * err;
      state.b = phi * state.b + beta * err;
      if (spec.season === "A") state.s[state.pos] = s + gamma * err;
    }
  } else if (spec.season === "A") {
    state.l = lb + alpha * mu * err;
    state.b = phi * state.b + beta * mu * err;
    state.s[state.pos] = s + gamma * mu * err;
  } else {
    state.l = lb * (1 + alpha * err);
    state.b = phi * state.b + beta * lb * err;
    if (spec.season === "M") state.s[state.pos] = s * (1 + gamma * err);
  }
  state.pos = (state.pos + 1) % m;
  return y;
}

export interface SimulationOptions {
  paths?: number;
  seed?: number;
}

/** Point forecasts (the recursion with zero errors) and quantiles of simulated sample paths. */
export function forecastEts(fit: EtsFit, h: number, options: SimulationOptions = {}): Forecast {
  const fresh = () => ({ l: fit.level, b: fit.slope, s: fit.seasonals.slice(), pos: fit.nextPos });
  const point: number[] = [];
  const st = fresh();
  for (let i = 0; i < h; i++) point.push(step(fit, st, 0));
  const paths = options.paths ?? 1000;
  const random = seededRandom(options.seed ?? 20261201);
  const sigma = Math.sqrt(fit.sigma2);
  const sims: number[][] = Array.from({ length: h }, () => new Array<number>(paths));
  for (let p = 0; p < paths; p++) {
    const sp = fresh();
    for (let i = 0; i < h; i++) sims[i]![p] = step(fit, sp, sigma * standardNormal(random));
  }
  const q = (xs: number[], prob: number) => {
    const pos = prob * (xs.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(xs.length - 1, lo + 1);
    return xs[lo]! + (pos - lo) * (xs[hi]! - xs[lo]!);
  };
  const lo80: number[] = [];
  const hi80: number[] = [];
  const lo95: number[] = [];
  const hi95: number[] = [];
  for (let i = 0; i < h; i++) {
    const xs = sims[i]!.filter(Number.isFinite).sort((a, b) => a - b);
    if (xs.length === 0) {
      lo80.push(point[i]!);
      hi80.push(point[i]!);
      lo95.push(point[i]!);
      hi95.push(point[i]!);
      continue;
    }
    lo80.push(q(xs, 0.1));
    hi80.push(q(xs, 0.9));
    lo95.push(q(xs, 0.025));
    hi95.push(q(xs, 0.975));
  }
  return { point, lo80, hi80, lo95, hi95 };
}
