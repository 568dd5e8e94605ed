// Convert the M3 monthly file (wide: series,n,nf,category,start_year,start_month,v1..vN) to the
// forecast CLI's long format, periods as YYYY-MM from each series' own start.
// node scripts/m3-to-long.ts <m3_monthly.csv> <out.csv> [--limit N]
import { readFileSync, writeFileSync } from "node:fs";

export function m3ToLong(text: string, limit = Number.POSITIVE_INFINITY): string {
  const lines = text.trim().split(/\r?\n/).slice(1);
  const out = ["series_id,period,value"];
  const every = Number.isFinite(limit) ? Math.max(1, Math.floor(lines.length / limit)) : 1;
  for (let i = 0; i < lines.length && out.length >= 0; i += every) {
    if (Number.isFinite(limit) && i / every >= limit) break;
    const cells = lines[i]!.split(",");
    const n = Number(cells[1]);
    let year = Number(cells[4]);
    let month = Number(cells[5]);
    if (!(year > 0)) year = 1990;
    if (!(month >= 1 && month <= 12)) month = 1;
    for (let t = 0; t < n; t++) {
      const ord = year * 12 + (month - 1) + t;
      out.push(`${cells[0]},${Math.floor(ord / 12)}-${String((ord % 12) + 1).padStart(2, "0")},${cells[6 + t]}`);
    }
  }
  return `${out.join("\n")}\n`;
}

if (import.meta.filename === process.argv[1]) {
  const [input, output] = process.argv.slice(2);
  const li = process.argv.indexOf("--limit");
  if (!input || !output) {
    console.error("usage: node scripts/m3-to-long.ts <m3_monthly.csv> <out.csv> [--limit N]");
    process.exit(1);
  }
  writeFileSync(output, m3ToLong(readFileSync(input, "utf8"), li > 0 ? Number(process.argv[li + 1]) : undefined));
}
