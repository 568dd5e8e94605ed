// Exact integer splits: a total divided over weights so the parts sum to the total to the cent
// (largest remainder, ties to the earlier part). BigInt inside, because amount × weight can pass 2^53.

/** Splits `total` (any sign) over non-negative `weights`; all-zero weights put everything on the first part. */
export function splitByWeights(total: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  const sum = weights.reduce((a, w) => a + w, 0);
  if (sum === 0) return weights.map((_, i) => (i === 0 ? total : 0));
  const sign = total < 0 ? -1n : 1n;
  const abs = BigInt(Math.abs(total));
  const big = BigInt(sum);
  const parts = weights.map((w) => (abs * BigInt(w)) / big);
  const rests = weights.map((w, i) => ({ i, rest: (abs * BigInt(w)) % big }));
  let left = abs - parts.reduce((a, p) => a + p, 0n);
  rests.sort((a, b) => (b.rest > a.rest ? 1 : b.rest < a.rest ? -1 : a.i - b.i));
  for (const r of rests) {
    if (left === 0n) break;
    parts[r.i] = (parts[r.i] ?? 0n) + 1n;
    left -= 1n;
  }
  return parts.map((p) => Number(p * sign));
}
