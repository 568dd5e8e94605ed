// Rolling-origin backtest: refit at each of the last origins, forecast a few steps, score
// against what happened, for the product model (the combination) and the seasonal naive baseline.
import { type AccuracySummary, type SeriesScore, scoreSeries, summarize } from "./metrics.ts";
import { forecastAll, type ModelName } from "./models.ts";

export interface BacktestResult {
  origins: number;
  horizon: number;
  models: Partial<Record<ModelName, AccuracySummary>>;
}

/** Origins step back from the end one period at a time; each needs at least `minTrain` points before it. */
export function rollingOriginBacktest(
  y: readonly number[],
  m: number,
  horizon: number,
  origins: number,
  minTrain = 12,
  models: ModelName[] = ["combination", "snaive", "naive2"],
): BacktestResult {
  const scores: Partial<Record<ModelName, SeriesScore[]>> = {};
  let used = 0;
  for (let k = 0; k < origins; k++) {
    const origin = y.length - horizon - k;
    if (origin < minTrain) break;
    const train = y.slice(0, origin);
    const actual = y.slice(origin, origin + horizon);
    const set = forecastAll(train, horizon, m, models);
    for (const name of models) {
      const f = set[name];
      if (!f) continue;
      const list = scores[name] ?? [];
      list.push(scoreSeries(train, actual, f, m));
      scores[name] = list;
    }
    used++;
  }
  const out: BacktestResult["models"] = {};
  for (const name of models) if (scores[name]?.length) out[name] = summarize(scores[name]!);
  return { origins: used, horizon, models: out };
}
