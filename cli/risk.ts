// npm run risk -- --train invoices.csv --score invoices.csv --output scores.csv [--evaluate]
//
// Input columns: customer_id,invoice_id,invoice_date,due_date,amount,settled_date,disputed (blank
// settled_date = still open; dates YYYY-MM-DD or M/D/YYYY). Output: invoice_id,p_late,
// expected_days_to_settle for every invoice of --score. Each invoice is scored only from what
// its issue date knew: earlier invoices of its customer, and only settlements before that day.
// --evaluate compares the scores with the settled invoices' real outcomes (and the customer's
// own past late rate as the baseline) and prints AUC, Brier, log loss and days MAE.
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { InvoiceRecord } from "../workers/domain/risk/features.ts";
import { baselineScores, evaluateScores, scoreInvoices, trainRiskModel } from "../workers/domain/risk/model.ts";
import { calibrationTable } from "../workers/domain/risk/risk-metrics.ts";
import { csvField, readTable } from "./lib/csv-read.ts";
import { parseDay } from "./lib/dates.ts";

const USAGE = "usage: npm run risk -- --train invoices.csv --score invoices.csv [--output scores.csv] [--evaluate] [--report report.json]";
const COLUMNS = ["customer_id", "invoice_id", "invoice_date", "due_date", "amount", "settled_date", "disputed"];

function readInvoices(file: string): InvoiceRecord[] {
  return readTable(readFileSync(file, "utf8"), COLUMNS, file).map((r, i) => {
    const where = `${file} row ${i + 2}`;
    const issued = parseDay(r.invoice_date!);
    const due = parseDay(r.due_date!);
    if (issued === undefined) throw new Error(`${where}: invoice_date "${r.invoice_date}" is not YYYY-MM-DD or M/D/YYYY`);
    if (due === undefined) throw new Error(`${where}: due_date "${r.due_date}" is not YYYY-MM-DD or M/D/YYYY`);
    const settled = r.settled_date ? parseDay(r.settled_date) : undefined;
    if (r.settled_date && settled === undefined)
      throw new Error(`${where}: settled_date "${r.settled_date}" is not a date (leave it blank for an open invoice)`);
    const amount = Number(r.amount);
    if (r.amount === "" || !Number.isFinite(amount)) throw new Error(`${where}: amount "${r.amount}" is not a number`);
    if (!r.customer_id || !r.invoice_id) throw new Error(`${where}: customer_id and invoice_id are required`);
    return { customerId: r.customer_id, invoiceId: r.invoice_id, issued, due, amount, settled, disputed: /^(yes|true|1|y)$/i.test(r.disputed ?? "") };
  });
}

function main() {
  const { values: a } = parseArgs({
    options: {
      train: { type: "string" },
      score: { type: "string" },
      output: { type: "string" },
      evaluate: { type: "boolean", default: false },
      report: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (a.help) return void console.log(USAGE);
  if (!a.train || !a.score) throw new Error(`--train and --score are required\n${USAGE}`);
  const train = readInvoices(a.train);
  const score = readInvoices(a.score);
  // Everything either file knows is history; an invoice in both keeps its training row.
  const known = new Map<string, InvoiceRecord>();
  for (const r of [...score, ...train]) known.set(r.invoiceId, r);
  const history = [...known.values()];
  const started = performance.now();
  const model = trainRiskModel(train, history);
  const scores = scoreInvoices(model, history, score);
  const rows = [
    "invoice_id,p_late,expected_days_to_settle",
    ...scores.map((s) => [s.invoiceId, s.pLate, s.expectedDaysToSettle].map((v) => csvField(v)).join(",")),
  ];
  const csv = `${rows.join("\n")}\n`;
  if (a.output) writeFileSync(a.output, csv);
  else process.stdout.write(csv);
  process.stderr.write(
    `risk: trained on ${model.trainedOn} settled invoices (λ = ${model.lambda}), scored ${scores.length} in ${((performance.now() - started) / 1000).toFixed(1)}s\n`,
  );
  if (a.evaluate) {
    const model_ = evaluateScores(score, scores);
    const base = evaluateScores(score, baselineScores(history, score, train));
    const settled = score.filter((s) => s.settled !== undefined);
    const byId = new Map(scores.map((s) => [s.invoiceId, s.pLate]));
    const calibration = calibrationTable(
      settled.map((s) => s.settled! > s.due),
      settled.map((s) => byId.get(s.invoiceId)!),
    );
    const fmt = (name: string, e: typeof model_) =>
      `${name.padEnd(22)}${e.auc.toFixed(3).padStart(8)}${e.brier.toFixed(3).padStart(8)}${e.logLoss.toFixed(3).padStart(9)}${e.daysMae.toFixed(2).padStart(9)}`;
    const out = a.output ? process.stdout : process.stderr;
    out.write(
      `${"model".padEnd(22)}${"AUC".padStart(8)}${"Brier".padStart(8)}${"logloss".padStart(9)}${"daysMAE".padStart(9)}   (${model_.invoices} settled invoices)\n`,
    );
    out.write(`${fmt("logistic + LAD", model_)}\n${fmt("own past late rate", base)}\n`);
    if (a.report) writeFileSync(a.report, `${JSON.stringify({ model: model_, baseline: base, lambda: model.lambda, calibration }, null, 2)}\n`);
  }
}

try {
  main();
} catch (err) {
  process.stderr.write(`risk: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
