// Spread forecast jobs over worker threads (one per core) and collect results in order.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ModelName } from "../../workers/domain/forecast/models.ts";
import type { Job, JobResult } from "../forecast-worker.ts";

export interface PoolInput {
  series: { values: number[]; actual?: number[] }[];
  horizon: number;
  season: number;
  models: ModelName[];
  threads?: number;
  chunk?: number;
  onProgress?: (done: number) => void;
}

export async function forecastInPool(input: PoolInput): Promise<{ forecasts: JobResult["forecasts"]; scores: JobResult["scores"] }> {
  const chunk = input.chunk ?? 8;
  const jobs: Job[] = [];
  for (let i = 0; i < input.series.length; i += chunk)
    jobs.push({ id: jobs.length, series: input.series.slice(i, i + chunk), horizon: input.horizon, season: input.season, models: input.models });
  const threads = Math.max(1, Math.min(input.threads ?? availableParallelism(), jobs.length));
  const results: JobResult[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  const workers = Array.from({ length: threads }, () => new Worker(new URL("../forecast-worker.ts", import.meta.url)));
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              if (next >= jobs.length) return resolve();
              w.postMessage(jobs[next++]);
            };
            w.on("message", (r: JobResult) => {
              results[r.id] = r;
              done += jobs[r.id]!.series.length;
              input.onProgress?.(done);
              feed();
            });
            w.on("error", reject);
            w.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`forecast worker exited with ${code}`))));
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { forecasts: results.flatMap((r) => r.forecasts), scores: results.flatMap((r) => r.scores) };
}
