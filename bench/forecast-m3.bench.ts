// The forecast CLI on M3 monthly (1,428 series, h = 18), exactly as a user runs it: the wide file
// converted to the long format, `cli/forecast.ts --holdout` on all cores, every model scored.
// Targets: Naive2 sMAPE 16.77 / MASE 1.038 reproduced; the combination at or below Theta's 13.85.
// npm run bench -- forecast-m3 [limit]
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { m3ToLong } from "../scripts/m3-to-long.ts";

const M3 = new URL("../../shared/data/m3-monthly/m3_monthly.csv", import.meta.url).pathname;

export async function run(args: string[]) {
  const limit = args[0] ? Number(args[0]) : undefined;
  const dir = mkdtempSync(join(tmpdir(), "m3-"));
  const input = join(dir, "m3-long.csv");
  writeFileSync(input, m3ToLong(readFileSync(M3, "utf8"), limit));
  const report = join(dir, "report.json");
  const started = performance.now();
  const r = spawnSync(
    process.execPath,
    ["cli/forecast.ts", "--input", input, "--horizon", "18", "--season", "12", "--holdout", "--output", join(dir, "out.csv"), "--report", report],
    {
      cwd: new URL("..", import.meta.url).pathname,
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  if (r.status !== 0) throw new Error(`forecast CLI failed (${r.status})`);
  const rep = JSON.parse(readFileSync(report, "utf8"));
  const models = rep.models as Record<string, { smape: number; mase: number; coverage80: number; coverage95: number; msis: number }>;
  const round = (v: number, d: number) => Number(v.toFixed(d));
  return {
    series: rep.series,
    wallSeconds: round((performance.now() - started) / 1000, 1),
    perModel: Object.fromEntries(
      Object.entries(models).map(([k, s]) => [
        k,
        { smape: round(s.smape, 3), mase: round(s.mase, 4), cov80: round(s.coverage80, 1), cov95: round(s.coverage95, 1), msis: round(s.msis, 3) },
      ]),
    ),
    naive2Reproduced: models.naive2!.smape.toFixed(2) === "16.77" && models.naive2!.mase.toFixed(3) === "1.038",
    combinationAtOrBelowTheta1385: models.combination!.smape <= 13.85,
  };
}
