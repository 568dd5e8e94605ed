// The two risk models, on standardised features: L2-regularised logistic regression (Newton /
// IRLS, exact for this convex loss) for P(late), and L2-regularised least absolute deviations
// (IRLS on |r|, as MAE is what we are judged on) for days to settle.

export interface Standardizer {
  mean: number[];
  sd: number[];
}

export function fitStandardizer(x: readonly number[][]): Standardizer {
  const k = x[0]?.length ?? 0;
  const mean = new Array<number>(k).fill(0);
  const sd = new Array<number>(k).fill(0);
  for (const row of x) row.forEach((v, j) => (mean[j]! += v / x.length));
  for (const row of x) row.forEach((v, j) => (sd[j]! += (v - mean[j]!) ** 2 / x.length));
  return { mean, sd: sd.map((v) => (v > 1e-12 ? Math.sqrt(v) : 1)) };
}

export function standardize(s: Standardizer, row: readonly number[]): number[] {
  return row.map((v, j) => (v - s.mean[j]!) / s.sd[j]!);
}

/** Solve A x = b (A symmetric positive definite) by Gaussian elimination with partial pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const piv = m[c]![c]! || 1e-12;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / piv;
      if (f === 0) continue;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / (row[i]! || 1e-12));
}

/** Weighted ridge: minimise Σ w (y − b0 − x·β)² + λ‖β‖² (intercept unpenalised). */
function weightedRidge(x: readonly number[][], y: readonly number[], w: readonly number[], lambda: number): number[] {
  const k = (x[0]?.length ?? 0) + 1;
  const a = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const b = new Array<number>(k).fill(0);
  x.forEach((row, i) => {
    const z = [1, ...row];
    const wi = w[i]!;
    for (let p = 0; p < k; p++) {
      b[p]! += wi * z[p]! * y[i]!;
      for (let q = p; q < k; q++) a[p]![q]! += wi * z[p]! * z[q]!;
    }
  });
  for (let p = 0; p < k; p++) for (let q = 0; q < p; q++) a[p]![q] = a[q]![p]!;
  for (let p = 1; p < k; p++) a[p]![p]! += lambda;
  return solve(a, b);
}

export interface LinearModel {
  /** Intercept first, then one weight per standardised feature. */
  weights: number[];
  scaler: Standardizer;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function linearScore(model: LinearModel, row: readonly number[]): number {
  const z = standardize(model.scaler, row);
  return z.reduce((s, v, j) => s + v * model.weights[j + 1]!, model.weights[0]!);
}

export function predictProbability(model: LinearModel, row: readonly number[]): number {
  return sigmoid(linearScore(model, row));
}

/** L2 logistic regression by Newton's method (IRLS): each step a weighted ridge solve. */
export function fitLogistic(x: readonly number[][], y: readonly boolean[], lambda: number, iterations = 25): LinearModel {
  const scaler = fitStandardizer(x);
  const z = x.map((r) => standardize(scaler, r));
  const k = (z[0]?.length ?? 0) + 1;
  let beta = new Array<number>(k).fill(0);
  for (let it = 0; it < iterations; it++) {
    const w: number[] = [];
    const work: number[] = [];
    z.forEach((row, i) => {
      const eta = row.reduce((s, v, j) => s + v * beta[j + 1]!, beta[0]!);
      const p = sigmoid(eta);
      const wi = Math.max(p * (1 - p), 1e-6);
      w.push(wi);
      work.push(eta + ((y[i] ? 1 : 0) - p) / wi);
    });
    const next = weightedRidge(z, work, w, lambda);
    const delta = next.reduce((s, v, j) => s + Math.abs(v - beta[j]!), 0);
    beta = next;
    if (delta < 1e-8) break;
  }
  return { weights: beta, scaler };
}

/** L2-penalised least absolute deviations by IRLS (weights 1/max(|r|, ε)). */
export function fitLad(x: readonly number[][], y: readonly number[], lambda: number, iterations = 40): LinearModel {
  const scaler = fitStandardizer(x);
  const z = x.map((r) => standardize(scaler, r));
  let w = y.map(() => 1);
  let beta = weightedRidge(z, y, w, lambda);
  for (let it = 0; it < iterations; it++) {
    w = z.map((row, i) => 1 / Math.max(Math.abs(y[i]! - row.reduce((s, v, j) => s + v * beta[j + 1]!, beta[0]!)), 0.5));
    beta = weightedRidge(z, y, w, lambda);
  }
  return { weights: beta, scaler };
}
