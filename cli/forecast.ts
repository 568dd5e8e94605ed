// npm run forecast -- --input series.csv --horizon 18 --season 12 --output out.csv
//
// Input: long CSV `series_id,period,value` (periods YYYY-MM, YYYY-MM-DD or integers).
// Output: `series_id,period,point,lo80,hi80,lo95,hi95,model`, one row per series × step (the
// combination by default; --model <name> or --model all). Scoring: --holdout fits on all but the
// last `horizon` values of each series and scores every model on them; --evaluate <actuals.csv>
// scores the forecasts against a long CSV of held-out values. Runs on all cores (worker threads).
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type AccuracySummary, type SeriesScore, summarize } from "../workers/domain/forecast/metrics.ts";
import { MODEL_NAMES, type ModelName } from "../workers/domain/forecast/models.ts";
import { nextPeriods, periodKind, periodOrdinal } from "../workers/domain/forecast/periods.ts";
import { csvField, readTable } from "./lib/csv-read.ts";
import { forecastInPool } from "./lib/pool.ts";
import { progressBar } from "./lib/progress.ts";

const USAGE = `usage: npm run forecast -- --input series.csv --horizon 18 [--season 12] [--output out.csv]
  [--model combination|all|${MODEL_NAMES.join("|")}] [--holdout | --evaluate actuals.csv] [--report report.json] [--threads N]`;

interface Series {
  id: string;
  labels: string[];
  values: number[];
}

function readSeries(text: string, what: string): Series[] {
  const rows = readTable(text, ["series_id", "period", "value"], what);
  const byId = new Map<string, { label: string; value: number }[]>();
  rows.forEach((r, i) => {
    const value = Number(r.value);
    if (r.value === "" || !Number.isFinite(value)) throw new Error(`${what} row ${i + 2}: value "${r.value}" is not a number`);
    if (!periodKind(r.period!)) throw new Error(`${what} row ${i + 2}: period "${r.period}" is not YYYY-MM, YYYY-MM-DD or an integer`);
    const list = byId.get(r.series_id!) ?? [];
    list.push({ label: r.period!, value });
    byId.set(r.series_id!, list);
  });
  return [...byId].map(([id, obs]) => {
    const kind = periodKind(obs[0]!.label)!;
    obs.sort((a, b) => periodOrdinal(a.label, kind) - periodOrdinal(b.label, kind));
    return { id, labels: obs.map((o) => o.label), values: obs.map((o) => o.value) };
  });
}

function defaultSeason(label: string, labels: readonly string[]): number {
  const kind = periodKind(label);
  if (kind === "month") return 12;
  if (kind === "date" && labels.length > 1) {
    const step = periodOrdinal(labels[1]!, "date") - periodOrdinal(labels[0]!, "date");
    if (step === 7) return 52;
    if (step >= 28 && step <= 31) return 12;
    if (step >= 89 && step <= 92) return 4;
    if (step === 1) return 7;
  }
  return 1;
}

function formatTable(summary: Partial<Record<ModelName, AccuracySummary>>): string {
  const base = summary.naive2;
  const head = ["model", "sMAPE", "MASE", "OWA", "MAPE", "WAPE", "bias%", "cov80%", "cov95%", "MSIS"];
  const lines = [head.map((h, i) => (i === 0 ? h.padEnd(12) : h.padStart(8))).join("")];
  for (const name of MODEL_NAMES) {
    const s = summary[name];
    if (!s) continue;
    const owa = base ? 0.5 * (s.smape / base.smape + s.mase / base.mase) : Number.NaN;
    const cells = [s.smape, s.mase, owa, s.mape, s.wape, s.bias, s.coverage80, s.coverage95, s.msis].map((v, i) =>
      i === 1 || i === 2 ? v.toFixed(3) : v.toFixed(2),
    );
    lines.push([name.padEnd(12), ...cells.map((c) => c.padStart(8))].join(""));
  }
  return lines.join("\n");
}

async function main() {
  const { values: a } = parseArgs({
    options: {
      input: { type: "string" },
      horizon: { type: "string" },
      season: { type: "string" },
      output: { type: "string" },
      model: { type: "string", default: "combination" },
      holdout: { type: "boolean", default: false },
      evaluate: { type: "string" },
      report: { type: "string" },
      threads: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (a.help) return void console.log(USAGE);
  if (!a.input || !a.horizon) throw new Error(`--input and --horizon are required\n${USAGE}`);
  const horizon = Number(a.horizon);
  if (!Number.isInteger(horizon) || horizon < 1) throw new Error(`--horizon must be a positive integer, got "${a.horizon}"`);
  const wanted: ModelName[] = a.model === "all" ? [...MODEL_NAMES] : [a.model as ModelName];
  if (!wanted.every((m) => (MODEL_NAMES as readonly string[]).includes(m)))
    throw new Error(`--model "${a.model}" is not one of all, ${MODEL_NAMES.join(", ")}`);
  const scoring = a.holdout || a.evaluate !== undefined;
  const models: ModelName[] = scoring ? [...MODEL_NAMES] : wanted;

  const all = readSeries(readFileSync(a.input, "utf8"), a.input);
  if (all.length === 0) throw new Error(`${a.input}: no series`);
  const season = a.season ? Number(a.season) : defaultSeason(all[0]!.labels[0]!, all[0]!.labels);
  if (!Number.isInteger(season) || season < 1) throw new Error(`--season must be a positive integer, got "${a.season}"`);

  let actuals: Map<string, Map<string, number>> | undefined;
  if (a.evaluate) {
    actuals = new Map();
    for (const s of readSeries(readFileSync(a.evaluate, "utf8"), a.evaluate)) actuals.set(s.id, new Map(s.labels.map((l, i) => [l, s.values[i]!])));
  }
  const jobs = all.map((s) => {
    if (a.holdout) {
      const cut = Math.max(1, s.values.length - horizon);
      return { ...s, fitLabels: s.labels.slice(0, cut), fit: s.values.slice(0, cut), actual: s.values.slice(cut) };
    }
    const future = nextPeriods(s.labels, horizon);
    const act = actuals?.get(s.id);
    const actual: number[] = [];
    if (act)
      for (const l of future)
        if (act.has(l)) actual.push(act.get(l)!);
        else break;
    return { ...s, fitLabels: s.labels, fit: s.values, actual: act ? actual : undefined };
  });

  const bar = progressBar(jobs.length, "forecast");
  const started = performance.now();
  const { forecasts, scores } = await forecastInPool({
    series: jobs.map((j) => ({ values: j.fit, actual: j.actual })),
    horizon,
    season,
    models,
    threads: a.threads ? Number(a.threads) : undefined,
    onProgress: (d) => bar.update(d),
  });
  bar.done();
  const seconds = (performance.now() - started) / 1000;

  const out: string[] = ["series_id,period,point,lo80,hi80,lo95,hi95,model"];
  jobs.forEach((j, i) => {
    const labels = nextPeriods(j.fitLabels, horizon);
    for (const name of wanted) {
      const f = forecasts[i]![name]!;
      for (let k = 0; k < horizon; k++)
        out.push([j.id, labels[k]!, f.point[k]!, f.lo80[k]!, f.hi80[k]!, f.lo95[k]!, f.hi95[k]!, name].map((v) => csvField(v)).join(","));
    }
  });
  const csv = `${out.join("\n")}\n`;
  if (a.output) writeFileSync(a.output, csv);
  else process.stdout.write(csv);
  process.stderr.write(`forecast: ${jobs.length} series × ${horizon} steps (season ${season}) in ${seconds.toFixed(1)}s\n`);

  if (scoring) {
    const per: Partial<Record<ModelName, SeriesScore[]>> = {};
    for (const sc of scores)
      if (sc)
        for (const [name, s] of Object.entries(sc) as [ModelName, SeriesScore][]) {
          per[name] = per[name] ?? [];
          per[name].push(s);
        }
    const summary: Partial<Record<ModelName, AccuracySummary>> = {};
    for (const [name, list] of Object.entries(per) as [ModelName, SeriesScore[]][]) summary[name] = summarize(list);
    const table = formatTable(summary);
    (a.output ? process.stdout : process.stderr).write(`${table}\n`);
    if (a.report) writeFileSync(a.report, `${JSON.stringify({ series: jobs.length, horizon, season, seconds, models: summary }, null, 2)}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`forecast: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
