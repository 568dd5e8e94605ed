// Prints the R2 bucket-lock configuration of the e-invoice archive, generated from the retention
// policies (workers/domain/retention-locks.ts), for `wrangler r2 bucket lock set`. See
// docs/retention.md.
//   node scripts/r2-lock-rules.ts --franchise fr_…=ES,DE [--franchise …] [--from 2024] [--to 2027] [--bucket ledgerline-archive]
import { parseArgs } from "node:util";
import { lockRules } from "../workers/domain/retention-locks.ts";
import { RETENTION_POLICIES } from "../workers/domain/retention.ts";

const { values } = parseArgs({
  options: {
    franchise: { type: "string", multiple: true, default: [] },
    from: { type: "string" },
    to: { type: "string" },
    bucket: { type: "string", default: "ledgerline-archive" },
    help: { type: "boolean", default: false },
  },
});
if (values.help || values.franchise.length === 0) {
  console.error("usage: node scripts/r2-lock-rules.ts --franchise <franchiseId>=<JUR,JUR> [...] [--from <year>] [--to <year>] [--bucket <name>]");
  process.exit(values.help ? 0 : 2);
}
const thisYear = new Date().getUTCFullYear();
const from = Number(values.from ?? thisYear);
const to = Number(values.to ?? thisYear + 1);
if (!Number.isInteger(from) || !Number.isInteger(to) || to < from) {
  console.error("--from and --to must be years, from <= to");
  process.exit(2);
}
const franchises = values.franchise.map((arg) => {
  const [franchiseId, list] = arg.split("=");
  return { franchiseId: franchiseId!, jurisdictions: (list ?? "").split(",").filter(Boolean) };
});
const years = Array.from({ length: to - from + 1 }, (_, i) => from + i);
const config = { rules: lockRules(franchises, years, RETENTION_POLICIES) };
console.error(`# ${config.rules.length} rules; apply with: npx wrangler r2 bucket lock set ${values.bucket} --file <this output>`);
console.error("# EU-jurisdiction buckets: add --jurisdiction eu. Re-run each year (the next year's prefix) and when a franchise adds a jurisdiction.");
console.log(JSON.stringify(config, null, 2));
