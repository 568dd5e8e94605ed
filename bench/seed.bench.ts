// Demo seed generation speed: `npm start` on a fresh clone waits for it. Target: the default data
// set (2,000 customers, 40-60k invoices) generated and rendered to SQL in under 15 s on 2 cores.
// (A timing, so it lives here and not in the test suite, where a loaded machine made it flaky.)
import { generateDemoData } from "../scripts/seed/generate.ts";
import { toSqlFile } from "../scripts/seed/sql.ts";

const TARGET_MS = 15_000;

export async function run(args: string[]) {
  const rounds = Number(args[0] ?? 3);
  const timings: number[] = [];
  let invoices = 0;
  let sqlBytes = 0;
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    const data = await generateDemoData({ anchorMonth: "2026-11" });
    const sql = toSqlFile(data);
    timings.push(Math.round(performance.now() - started));
    invoices = data.invoices.length;
    sqlBytes = sql.length;
  }
  const bestMs = Math.min(...timings);
  return { rounds, timingsMs: timings, bestMs, invoices, sqlBytes, targetMs: TARGET_MS, met: bestMs < TARGET_MS };
}
