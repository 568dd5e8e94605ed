// Reads of the billing tables that the analytics rollup is derived from: issued invoices with
// their lines, and what settled them (credit notes, cash allocations, customer credit). Every
// query is scoped by franchise and takes its invoice ids as one JSON parameter.
import { sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import type { RecognitionCreditNote, RecognitionInvoice, Settlement } from "../domain/analytics/recognition.ts";

export interface InvoiceFacts {
  id: string;
  invoice: RecognitionInvoice;
  creditNotes: RecognitionCreditNote[];
  settlements: Settlement[];
}

/** Issued (not draft, not void) invoice ids after `afterId`, in id order: pages for a rebuild. */
export async function issuedInvoiceIds(db: Db, franchiseId: string, afterId: string, limit: number): Promise<string[]> {
  const rows = await db.all<{ id: string }>(
    sql`SELECT id FROM invoices WHERE franchise_id = ${franchiseId} AND status IN ('issued', 'partially_paid', 'paid') AND id > ${afterId} ORDER BY id LIMIT ${limit}`,
  );
  return rows.map((r) => r.id);
}

/** The invoices (issued or not) with their lines only: what an event about them needs. */
export async function loadInvoices(db: Db, franchiseId: string, ids: readonly string[]): Promise<Map<string, RecognitionInvoice & { status: string }>> {
  const json = JSON.stringify(ids);
  const [heads, lines] = await Promise.all([
    db.all<{ id: string; branch_id: string; currency: string; issue_date: string | null; due_date: string | null; total: number; status: string }>(
      sql`SELECT id, branch_id, currency, issue_date, due_date, total, status FROM invoices WHERE franchise_id = ${franchiseId} AND id IN (SELECT value FROM json_each(${json}))`,
    ),
    db.all<{ invoice_id: string; net_amount: number; service_type_id: string | null; service_period_start: string | null; service_period_end: string | null }>(
      sql`SELECT invoice_id, net_amount, service_type_id, service_period_start, service_period_end FROM invoice_lines
          WHERE franchise_id = ${franchiseId} AND invoice_id IN (SELECT value FROM json_each(${json})) ORDER BY invoice_id, position`,
    ),
  ]);
  const out = new Map<string, RecognitionInvoice & { status: string }>();
  for (const h of heads) out.set(h.id, { branchId: h.branch_id, currency: h.currency, issueDate: h.issue_date ?? "", dueDate: h.due_date, total: h.total, status: h.status, lines: [] });
  for (const l of lines) {
    const inv = out.get(l.invoice_id);
    if (inv) (inv.lines as RecognitionInvoice["lines"][number][]).push({ netAmount: l.net_amount, serviceTypeId: l.service_type_id, servicePeriodStart: l.service_period_start, servicePeriodEnd: l.service_period_end });
  }
  return out;
}

/** Everything the rollup derives from these invoices: lines, credit notes, cash allocations (on the payment's date), credit applied. */
export async function loadInvoiceFacts(db: Db, franchiseId: string, ids: readonly string[]): Promise<InvoiceFacts[]> {
  const json = JSON.stringify(ids);
  const [invoices, credits, cash, applied] = await Promise.all([
    loadInvoices(db, franchiseId, ids),
    db.all<{ invoice_id: string; issue_date: string; subtotal: number; total: number }>(
      sql`SELECT invoice_id, issue_date, subtotal, total FROM credit_notes WHERE franchise_id = ${franchiseId} AND invoice_id IN (SELECT value FROM json_each(${json}))`,
    ),
    db.all<{ invoice_id: string; day: string; amount: number }>(
      sql`SELECT a.invoice_id, substr(p.received_at, 1, 10) AS day, a.amount FROM payment_allocations a JOIN payments p ON p.id = a.payment_id
          WHERE a.franchise_id = ${franchiseId} AND a.invoice_id IN (SELECT value FROM json_each(${json}))`,
    ),
    db.all<{ invoice_id: string; day: string; amount: number }>(
      sql`SELECT invoice_id, substr(created_at, 1, 10) AS day, amount FROM credit_applications WHERE franchise_id = ${franchiseId} AND invoice_id IN (SELECT value FROM json_each(${json}))`,
    ),
  ]);
  const facts = new Map<string, InvoiceFacts>();
  for (const [id, invoice] of invoices) if (invoice.status !== "draft" && invoice.status !== "void" && invoice.issueDate) facts.set(id, { id, invoice, creditNotes: [], settlements: [] });
  for (const c of credits) facts.get(c.invoice_id)?.creditNotes.push({ issueDate: c.issue_date, subtotal: c.subtotal, total: c.total });
  for (const p of cash) facts.get(p.invoice_id)?.settlements.push({ date: p.day, amount: p.amount, kind: "cash" });
  for (const a of applied) facts.get(a.invoice_id)?.settlements.push({ date: a.day, amount: a.amount, kind: "credit" });
  return [...facts.values()];
}
