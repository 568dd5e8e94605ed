// Convert the IBM accounts-receivable sample (countryCode,customerID,PaperlessDate,invoiceNumber,
// InvoiceDate,DueDate,InvoiceAmount,Disputed,SettledDate,...) to the risk CLI's columns, split in
// time: invoices issued before the cutoff to one file, the rest to another.
// node scripts/ar-to-invoices.ts <ar.csv> <train.csv> <score.csv> [--cutoff 2013-01-01]
import { readFileSync, writeFileSync } from "node:fs";
import { parseDay } from "../cli/lib/dates.ts";

export function arToInvoices(text: string, cutoff: string): { train: string; score: string } {
  const lines = text.trim().split(/\r?\n/);
  const header = lines[0]!.split(",");
  const col = (name: string) => header.indexOf(name);
  const cut = parseDay(cutoff)!;
  const head = "customer_id,invoice_id,invoice_date,due_date,amount,settled_date,disputed";
  const train = [head];
  const score = [head];
  for (const line of lines.slice(1)) {
    const c = line.split(",");
    const row = [
      c[col("customerID")],
      c[col("invoiceNumber")],
      c[col("InvoiceDate")],
      c[col("DueDate")],
      c[col("InvoiceAmount")],
      c[col("SettledDate")],
      c[col("Disputed")],
    ].join(",");
    (parseDay(c[col("InvoiceDate")]!)! < cut ? train : score).push(row);
  }
  return { train: `${train.join("\n")}\n`, score: `${score.join("\n")}\n` };
}

if (import.meta.filename === process.argv[1]) {
  const [input, trainOut, scoreOut] = process.argv.slice(2);
  const ci = process.argv.indexOf("--cutoff");
  if (!input || !trainOut || !scoreOut) {
    console.error("usage: node scripts/ar-to-invoices.ts <ar.csv> <train.csv> <score.csv> [--cutoff 2013-01-01]");
    process.exit(1);
  }
  const { train, score } = arToInvoices(readFileSync(input, "utf8"), ci > 0 ? process.argv[ci + 1]! : "2013-01-01");
  writeFileSync(trainOut, train);
  writeFileSync(scoreOut, score);
}
