// How a late-payment model is judged: AUC (rank), Brier and log loss (calibration and sharpness),
// a calibration table by predicted decile, and MAE of days to settle.

export function auc(labels: readonly boolean[], scores: readonly number[]): number {
  const idx = scores.map((s, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSumPos = 0;
  let pos = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const avgRank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++)
      if (labels[idx[k]!]) {
        rankSumPos += avgRank;
        pos++;
      }
    i = j + 1;
  }
  const neg = labels.length - pos;
  return pos === 0 || neg === 0 ? Number.NaN : (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

export function brier(labels: readonly boolean[], p: readonly number[]): number {
  return labels.reduce((s, y, i) => s + ((y ? 1 : 0) - p[i]!) ** 2, 0) / labels.length;
}

export function logLoss(labels: readonly boolean[], p: readonly number[]): number {
  const eps = 1e-15;
  return -labels.reduce((s, y, i) => s + (y ? Math.log(Math.max(p[i]!, eps)) : Math.log(Math.max(1 - p[i]!, eps))), 0) / labels.length;
}

export interface CalibrationBin {
  from: number;
  to: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

export function calibrationTable(labels: readonly boolean[], p: readonly number[], bins = 10): CalibrationBin[] {
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const from = b / bins;
    const to = (b + 1) / bins;
    const idx = p.map((v, i) => i).filter((i) => p[i]! >= from && (b === bins - 1 ? p[i]! <= to : p[i]! < to));
    if (idx.length === 0) continue;
    out.push({
      from,
      to,
      count: idx.length,
      meanPredicted: idx.reduce((s, i) => s + p[i]!, 0) / idx.length,
      observedRate: idx.filter((i) => labels[i]).length / idx.length,
    });
  }
  return out;
}

export function meanAbsoluteError(actual: readonly number[], predicted: readonly number[]): number {
  return actual.reduce((s, a, i) => s + Math.abs(a - predicted[i]!), 0) / actual.length;
}
