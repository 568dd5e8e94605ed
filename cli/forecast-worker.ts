// One worker thread of the forecast CLI: forecasts the series it is sent and, when actuals come
// with them, scores every model on them.
import { parentPort } from "node:worker_threads";
import { type SeriesScore, scoreSeries } from "../workers/domain/forecast/metrics.ts";
import { forecastAll, type ModelName } from "../workers/domain/forecast/models.ts";
import type { Forecast } from "../workers/domain/forecast/types.ts";

export interface Job {
  id: number;
  series: { values: number[]; actual?: number[] }[];
  horizon: number;
  season: number;
  models: ModelName[];
}

export interface JobResult {
  id: number;
  forecasts: Partial<Record<ModelName, Forecast>>[];
  scores: (Partial<Record<ModelName, SeriesScore>> | undefined)[];
}

parentPort!.on("message", (job: Job) => {
  const forecasts: JobResult["forecasts"] = [];
  const scores: JobResult["scores"] = [];
  for (const s of job.series) {
    const set = forecastAll(s.values, job.horizon, job.season, job.models);
    forecasts.push(set);
    if (s.actual && s.actual.length > 0) {
      const sc: Partial<Record<ModelName, SeriesScore>> = {};
      for (const [name, f] of Object.entries(set) as [ModelName, Forecast][]) {
        const n = s.actual.length;
        sc[name] = scoreSeries(
          s.values,
          s.actual,
          { point: f.point.slice(0, n), lo80: f.lo80.slice(0, n), hi80: f.hi80.slice(0, n), lo95: f.lo95.slice(0, n), hi95: f.hi95.slice(0, n) },
          job.season,
        );
      }
      scores.push(sc);
    } else scores.push(undefined);
  }
  parentPort!.postMessage({ id: job.id, forecasts, scores } satisfies JobResult);
});
