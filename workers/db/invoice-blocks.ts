// Creating AND issuing a block of invoices in one D1 batch (billing runs, issue 13). Each table's
// rows go in a few statements that read them from one JSON parameter each (json_each): a handful
// of bound parameters per statement, far under D1's 100, and each JSON parameter kept under
// JSON_SLICE_BYTES (D1 caps a string value at 2 MB), so a block of 500 invoices costs one round trip.
// The rows are exactly what the API's draft + issue would have written: the same columns, version
// 2, frozen seller/buyer snapshots, and the outbox events invoice.drafted (v1) + invoice.issued
// (v2) with the same payloads, so every consumer (e-invoicing, analytics, audit, ERP) treats a
// run's invoices like any other.
import { sql } from "drizzle-orm";
import { canonicalJson } from "../domain/canonical-json.ts";
import type { DraftLine } from "../domain/invoice-draft.ts";
import type { InvoiceTotals } from "../domain/invoice-totals.ts";
import type { PartySnapshots } from "../domain/party-snapshot.ts";
import { invoicePayload } from "../events/payloads.ts";
import type { Statement } from "./batch.ts";
import { rawStatement } from "./raw-statement.ts";
import type { Db } from "./client.ts";
import { newId } from "./ids.ts";
import { runProgressIncrement } from "./billing-runs.ts";

/** One priced invoice of a block, ready to be numbered. */
export interface BlockInvoice {
  invoiceId: string;
  customerId: string;
  /** Dedupe keys (billing_run_invoices): "agr:<agreement>:<period>" per agreement billed, or "run:<run>:<position>". */
  billingKeys: string[];
  /** The run item it comes from. */
  position: number;
  dueDate: string;
  memo: string | null;
  lines: DraftLine[];
  totals: InvoiceTotals;
  parties: PartySnapshots;
}

export interface BlockCommand {
  franchiseId: string;
  branchId: string;
  runId: string;
  currency: string;
  issueDate: string;
  now: string;
  actor: string;
  invoices: BlockInvoice[];
}

/** The largest JSON parameter one statement gets: far under D1's 2 MB per value. */
export const JSON_SLICE_BYTES = 256_000;

/** `rows` as JSON arrays of at most `maxBytes` each (a row larger than that gets an array of its own). */
export function jsonSlices(rows: readonly unknown[], maxBytes = JSON_SLICE_BYTES): string[] {
  const slices: string[] = [];
  let current: string[] = [];
  let bytes = 2;
  for (const row of rows) {
    const text = JSON.stringify(row);
    if (current.length > 0 && bytes + text.length + 1 > maxBytes) {
      slices.push(`[${current.join(",")}]`);
      current = [];
      bytes = 2;
    }
    current.push(text);
    bytes += text.length + 1;
  }
  if (current.length > 0) slices.push(`[${current.join(",")}]`);
  return slices;
}

/**
 * A block's statements in two groups: `inserts` (the rows the block creates: invoices, lines,
 * outbox events, billing keys; what the raw-insert bench replays) and `bookkeeping` (the run's
 * items flipped to issued and its progress counters). Both go in the same batch.
 */
export interface BlockStatements {
  inserts: Statement[];
  bookkeeping: Statement[];
}

const v = (field: string) => sql.raw(`json_extract(value, '$.${field}')`);

/**
 * The statements of a block numbered firstSeq, firstSeq + 1, ... in the order of cmd.invoices.
 * `numberOf` formats a sequence number. The caller prepends the series assertion.
 */
export function blockIssueStatements(db: Db, cmd: BlockCommand, firstSeq: number, numberOf: (seq: number) => string): BlockStatements {
  const { franchiseId, branchId, currency, issueDate, now, actor, runId } = cmd;
  const invoiceRows = cmd.invoices.map((inv, i) => {
    const seq = firstSeq + i;
    return {
      id: inv.invoiceId,
      customer_id: inv.customerId,
      seq,
      number: numberOf(seq),
      status: inv.totals.total === 0 ? "paid" : "issued",
      due_date: inv.dueDate,
      subtotal: inv.totals.subtotal,
      tax_total: inv.totals.taxTotal,
      total: inv.totals.total,
      tax_breakdown: JSON.stringify(inv.totals.taxBreakdown),
      memo: inv.memo,
      seller: JSON.stringify(inv.parties.seller),
      buyer: JSON.stringify(inv.parties.buyer),
    };
  });
  const lineRows = cmd.invoices.flatMap((inv) =>
    inv.lines.map((l) => ({
      id: newId("il"),
      invoice_id: inv.invoiceId,
      position: l.position,
      description: l.description,
      quantity_milli: l.quantityMilli,
      unit_price: l.unitPrice,
      discount_bps: l.discountBps,
      discount_amount: l.discountAmount,
      net_amount: l.netAmount,
      service_type_id: l.serviceTypeId,
      tax_category: l.taxCategory,
      tax_rate_ppm: l.taxRatePpm,
      service_period_start: l.servicePeriodStart,
      service_period_end: l.servicePeriodEnd,
    })),
  );
  const eventRows = cmd.invoices.flatMap((inv, i) => {
    const row = invoiceRows[i]!;
    const base = { id: inv.invoiceId, branchId, customerId: inv.customerId, currency, issueDate, dueDate: inv.dueDate, ...inv.totals, amountPaid: 0, amountCredited: 0, memo: inv.memo, voidReason: null, voidedAt: null };
    const drafted = invoicePayload({ ...base, number: null, status: "draft", version: 1, issuedAt: null }, inv.lines);
    const issued = invoicePayload({ ...base, number: row.number, status: row.status, version: 2, issuedAt: now }, inv.lines);
    return [
      { id: newId("evt"), type: "invoice.drafted", aggregate_id: inv.invoiceId, aggregate_version: 1, payload: canonicalJson(drafted) },
      { id: newId("evt"), type: "invoice.issued", aggregate_id: inv.invoiceId, aggregate_version: 2, payload: canonicalJson(issued) },
    ];
  });
  const keyRows = cmd.invoices.flatMap((inv) => inv.billingKeys.map((key) => ({ billing_key: key, invoice_id: inv.invoiceId })));
  const each = (rows: unknown[], statement: (json: string) => Statement) => jsonSlices(rows).map(statement);
  const inserts = [
    ...each(invoiceRows, (json) => rawStatement(db, sql`INSERT INTO invoices (id, franchise_id, branch_id, customer_id, seq, number, status, currency, issue_date, due_date, due_in_days,
        subtotal, tax_total, total, amount_paid, amount_credited, tax_breakdown, memo, seller, buyer, version, created_at, updated_at, issued_at)
      SELECT ${v("id")}, ${franchiseId}, ${branchId}, ${v("customer_id")}, ${v("seq")}, ${v("number")}, ${v("status")}, ${currency}, ${issueDate}, ${v("due_date")}, NULL,
        ${v("subtotal")}, ${v("tax_total")}, ${v("total")}, 0, 0, ${v("tax_breakdown")}, ${v("memo")}, ${v("seller")}, ${v("buyer")}, 2, ${now}, ${now}, ${now}
      FROM json_each(${json})`)),
    ...each(lineRows, (json) => rawStatement(db, sql`INSERT INTO invoice_lines (id, franchise_id, invoice_id, position, description, quantity_milli, unit_price, discount_bps, discount_amount, net_amount,
        service_type_id, tax_category, tax_rate_ppm, service_period_start, service_period_end)
      SELECT ${v("id")}, ${franchiseId}, ${v("invoice_id")}, ${v("position")}, ${v("description")}, ${v("quantity_milli")}, ${v("unit_price")}, ${v("discount_bps")}, ${v("discount_amount")}, ${v("net_amount")},
        ${v("service_type_id")}, ${v("tax_category")}, ${v("tax_rate_ppm")}, ${v("service_period_start")}, ${v("service_period_end")}
      FROM json_each(${json})`)),
    // The franchise's next outbox positions, like outboxInsert: MAX(seq) is read once per
    // statement (SQLite materialises a SELECT that reads the table it inserts into), + row index;
    // the next slice's statement reads the MAX this one left, so positions stay gapless.
    ...each(eventRows, (json) => rawStatement(db, sql`INSERT INTO outbox_events (id, franchise_id, type, aggregate_type, aggregate_id, aggregate_version, actor, payload, occurred_at, seq)
      SELECT ${v("id")}, ${franchiseId}, ${v("type")}, 'invoice', ${v("aggregate_id")}, ${v("aggregate_version")}, ${actor}, ${v("payload")}, ${now},
        (SELECT COALESCE(MAX(seq), 0) FROM outbox_events WHERE franchise_id = ${franchiseId}) + key + 1
      FROM json_each(${json})`)),
    // The dedupe ledger: its primary key aborts the whole batch if any key was billed before.
    ...each(keyRows, (json) => rawStatement(db, sql`INSERT INTO billing_run_invoices (franchise_id, billing_key, invoice_id, run_id)
      SELECT ${franchiseId}, ${v("billing_key")}, ${v("invoice_id")}, ${runId} FROM json_each(${json})`)),
  ];
  const bookkeeping = [
    itemsIssuedStatement(db, runId, cmd.invoices),
    // Counted, not recounted: this batch either creates all of the block's invoices or none (the
    // billing keys' primary key aborts a repeat), so the increment happens exactly once.
    runProgressIncrement(db, franchiseId, runId, cmd.invoices.length, now),
  ];
  return { inserts, bookkeeping };
}

/**
 * The block's run items flipped to issued with their invoice ids. The ids travel as one dense JSON
 * array indexed by position - first (null where an item of the range is not in the block), so each
 * item is found by a range on its index and its id by a direct path: linear in the block. (UPDATE
 * ... FROM json_each made SQLite scan every planned item of the run against the whole array.)
 */
function itemsIssuedStatement(db: Db, runId: string, invoices: readonly BlockInvoice[]): Statement {
  const first = Math.min(...invoices.map((inv) => inv.position));
  const last = Math.max(...invoices.map((inv) => inv.position));
  const ids: Array<string | null> = new Array(last - first + 1).fill(null);
  for (const inv of invoices) ids[inv.position - first] = inv.invoiceId;
  // D1 binds JS numbers as REAL: the index is cast, or the path would read "$[0.0]".
  const idAt = sql`json_extract(${JSON.stringify(ids)}, '$[' || CAST(position - ${first} AS INTEGER) || ']')`;
  return rawStatement(db, sql`UPDATE billing_run_items SET status = 'issued', invoice_id = ${idAt}
    WHERE run_id = ${runId} AND status = 'planned' AND position BETWEEN ${first} AND ${last} AND ${idAt} IS NOT NULL`);
}
