// Nelder–Mead simplex minimiser. Written here because the ETS and Theta likelihoods are
// small (2–6 parameters), non-smooth at the admissibility bounds (we return +Infinity outside
// them) and have no analytic gradient: a derivative-free simplex is what R's forecast::ets
// uses too, and no maintained JS optimiser runs both in a Worker and in Node without deps.

export interface MinimizeOptions {
  maxIterations?: number;
  tolerance?: number;
  /** Initial step per coordinate (absolute). */
  step?: number | readonly number[];
}

export interface MinimizeResult {
  x: number[];
  value: number;
  iterations: number;
}

export function nelderMead(f: (x: readonly number[]) => number, start: readonly number[], options: MinimizeOptions = {}): MinimizeResult {
  const n = start.length;
  const maxIterations = options.maxIterations ?? 200 * n;
  const tolerance = options.tolerance ?? 1e-8;
  const steps = Array.from({ length: n }, (_, i) => {
    const s = options.step;
    if (typeof s === "number") return s;
    if (s) return s[i] ?? 0.1;
    return start[i] !== 0 ? 0.05 * Math.abs(start[i]!) + 0.01 : 0.01;
  });
  const simplex: number[][] = [start.slice()];
  for (let i = 0; i < n; i++) {
    const p = start.slice();
    p[i] = p[i]! + steps[i]!;
    simplex.push(p);
  }
  const values = simplex.map((p) => safe(f(p)));
  let iterations = 0;
  const order = Array.from({ length: n + 1 }, (_, i) => i);
  while (iterations < maxIterations) {
    iterations++;
    order.sort((a, b) => values[a]! - values[b]!);
    const best = order[0]!;
    const worst = order[n]!;
    const second = order[n - 1]!;
    const fBest = values[best]!;
    const fWorst = values[worst]!;
    if (Math.abs(fWorst - fBest) <= tolerance * (Math.abs(fBest) + tolerance) && Number.isFinite(fWorst)) break;
    const centroid = new Array<number>(n).fill(0);
    for (const idx of order) {
      if (idx === worst) continue;
      const p = simplex[idx]!;
      for (let j = 0; j < n; j++) centroid[j]! += p[j]! / n;
    }
    const along = (t: number) => centroid.map((c, j) => c + t * (simplex[worst]![j]! - c));
    const reflected = along(-1);
    const fr = safe(f(reflected));
    if (fr < fBest) {
      const expanded = along(-2);
      const fe = safe(f(expanded));
      if (fe < fr) replace(worst, expanded, fe);
      else replace(worst, reflected, fr);
    } else if (fr < values[second]!) {
      replace(worst, reflected, fr);
    } else {
      const contracted = fr < fWorst ? along(-0.5) : along(0.5);
      const fc = safe(f(contracted));
      if (fc < Math.min(fr, fWorst)) replace(worst, contracted, fc);
      else {
        const b = simplex[best]!;
        for (const idx of order) {
          if (idx === best) continue;
          const p = simplex[idx]!.map((v, j) => b[j]! + 0.5 * (v - b[j]!));
          replace(idx, p, safe(f(p)));
        }
      }
    }
  }
  let bestIdx = 0;
  for (let i = 1; i <= n; i++) if (values[i]! < values[bestIdx]!) bestIdx = i;
  return { x: simplex[bestIdx]!, value: values[bestIdx]!, iterations };

  function replace(idx: number, p: number[], v: number) {
    simplex[idx] = p;
    values[idx] = v;
  }
}

function safe(v: number): number {
  return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
}
