// Writes the demo data as SQL plus the demo credentials as JSON.
//   node scripts/seed/cli.ts --out .wrangler/seed.sql --credentials demo-credentials.partial.json \
//        [--anchor YYYY-MM] [--customers 1000,1000] [--months 36] [--seed 1]
// The default anchor is the current UTC month: the only place the generator reads a clock.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { generateDemoData } from "./generate.ts";
import { INSERT_ORDER } from "./rows.ts";
import { toSqlFile } from "./sql.ts";

const USAGE = "usage: node scripts/seed/cli.ts --out <file.sql> --credentials <file.json> [--anchor YYYY-MM] [--customers N,N] [--months N] [--seed N]";

function integerOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new RangeError(`--${name} must be a whole number`);
  return Number(value);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: "string" },
      credentials: { type: "string" },
      anchor: { type: "string" },
      customers: { type: "string" },
      months: { type: "string" },
      seed: { type: "string" },
    },
  });
  if (!values.out || !values.credentials) {
    console.error(USAGE);
    process.exit(2);
  }
  const started = performance.now();
  const data = await generateDemoData({
    anchorMonth: values.anchor ?? new Date().toISOString().slice(0, 7),
    customersPerFranchise: values.customers?.split(",").map((n) => integerOption(n.trim(), "customers")!),
    months: integerOption(values.months, "months"),
    seed: integerOption(values.seed, "seed"),
  });
  const generatedMs = performance.now() - started;
  const sql = toSqlFile(data);
  for (const file of [values.out, values.credentials]) mkdirSync(dirname(file), { recursive: true });
  writeFileSync(values.out, sql);
  writeFileSync(values.credentials, `${JSON.stringify(data.credentials, null, 2)}\n`);
  const totalMs = performance.now() - started;
  const counts = INSERT_ORDER.map((table) => `${table}=${data[table].length}`).join(" ");
  console.error(`seed: ${counts}; ${(Buffer.byteLength(sql) / 1e6).toFixed(1)} MB SQL; generated in ${Math.round(generatedMs)} ms, written in ${Math.round(totalMs)} ms`);
}

main().catch((error: unknown) => {
  console.error(`seed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
