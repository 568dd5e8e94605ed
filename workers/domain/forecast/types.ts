// What every forecasting model returns: a point path and 80 % / 95 % prediction intervals.

export interface Forecast {
  point: number[];
  lo80: number[];
  hi80: number[];
  lo95: number[];
  hi95: number[];
}

export function fromSigma(point: number[], sd: readonly number[], z80: number, z95: number): Forecast {
  return {
    point,
    lo80: point.map((p, i) => p - z80 * sd[i]!),
    hi80: point.map((p, i) => p + z80 * sd[i]!),
    lo95: point.map((p, i) => p - z95 * sd[i]!),
    hi95: point.map((p, i) => p + z95 * sd[i]!),
  };
}

/** Multiply every path by a per-step factor (reseasonalising a forecast of adjusted data). */
export function scaleForecast(f: Forecast, factor: (step: number) => number): Forecast {
  const apply = (xs: number[]) => xs.map((x, i) => x * factor(i));
  return { point: apply(f.point), lo80: apply(f.lo80), hi80: apply(f.hi80), lo95: apply(f.lo95), hi95: apply(f.hi95) };
}

export function clampAtZero(f: Forecast): Forecast {
  const z = (xs: number[]) => xs.map((x) => Math.max(0, x));
  return { point: z(f.point), lo80: z(f.lo80), hi80: z(f.hi80), lo95: z(f.lo95), hi95: z(f.hi95) };
}
