// SES, Holt and damped trend as the M4 benchmarks run them: ETS(A,N,N), ETS(A,A,N) and
// ETS(A,Ad,N) fitted by maximum likelihood on the seasonally adjusted series, reseasonalised.
import { type EtsSpec, fitEts, forecastEts } from "./ets.ts";
import { deseasonalize } from "./seasonality.ts";
import { naive } from "./baselines.ts";
import { type Forecast, scaleForecast } from "./types.ts";

function adjustedEts(y: readonly number[], h: number, m: number, spec: EtsSpec): Forecast {
  const des = deseasonalize(y, m);
  const fit = fitEts(des.adjusted, spec, 1);
  const base = fit ? forecastEts(fit, h) : naive(des.adjusted, h);
  return scaleForecast(base, (i) => des.factor(y.length + i));
}

export const ses = (y: readonly number[], h: number, m: number) => adjustedEts(y, h, m, { error: "A", trend: "N", season: "N" });
export const holt = (y: readonly number[], h: number, m: number) => adjustedEts(y, h, m, { error: "A", trend: "A", season: "N" });
export const damped = (y: readonly number[], h: number, m: number) => adjustedEts(y, h, m, { error: "A", trend: "Ad", season: "N" });
