// Reconciliation: the maintained rollup against (a) a fresh computation from the billing tables
// and (b) plain SQL sums of invoices, credit notes and payments, for every month × branch ×
// currency, to the cent; and the monthly rollup (what long-range reads use) against the daily one. Reads every document of the franchise, so it is an on-demand check,
// not a dashboard query.
import { sql } from "drizzle-orm";
import type { BillingContext } from "../billing/context.ts";
import type { Db } from "../db/client.ts";
import { sumWholeRollup } from "../db/analytics-rollups.ts";
import { AMOUNT_FIELDS, type CellAmounts, zeroAmounts } from "../domain/analytics/cells.ts";
import { computeCells } from "./rebuild.ts";

export interface ReconciliationMismatch {
  month: string;
  branchId: string;
  currency: string;
  field: string;
  rollup: number;
  expected: number;
  source: "recomputed" | "ledger" | "monthly";
}

export interface Reconciliation {
  ok: boolean;
  checked: number;
  mismatches: ReconciliationMismatch[];
}

const MAX_REPORTED = 100;

/** billed / credited / collected straight from the documents, per month × branch × currency. */
async function ledgerSums(db: Db, franchiseId: string): Promise<Map<string, Pick<CellAmounts, "billedGross" | "creditedGross" | "collected" | "invoicesIssued">>> {
  const [billed, credited, collected] = await Promise.all([
    db.all<{ k: string; v: number; n: number }>(
      sql`SELECT substr(issue_date, 1, 7) || '|' || branch_id || '|' || currency AS k, SUM(total) AS v, COUNT(*) AS n FROM invoices WHERE franchise_id = ${franchiseId} AND status IN ('issued', 'partially_paid', 'paid') GROUP BY k`,
    ),
    db.all<{ k: string; v: number }>(
      sql`SELECT substr(c.issue_date, 1, 7) || '|' || c.branch_id || '|' || c.currency AS k, SUM(c.total) AS v FROM credit_notes c JOIN invoices i ON i.id = c.invoice_id
          WHERE c.franchise_id = ${franchiseId} AND i.status <> 'void' GROUP BY k`,
    ),
    db.all<{ k: string; v: number }>(
      sql`SELECT substr(p.received_at, 1, 7) || '|' || i.branch_id || '|' || i.currency AS k, SUM(a.amount) AS v FROM payment_allocations a
          JOIN payments p ON p.id = a.payment_id JOIN invoices i ON i.id = a.invoice_id WHERE a.franchise_id = ${franchiseId} GROUP BY k`,
    ),
  ]);
  const out = new Map<string, Pick<CellAmounts, "billedGross" | "creditedGross" | "collected" | "invoicesIssued">>();
  const at = (k: string) => out.get(k) ?? (out.set(k, { billedGross: 0, creditedGross: 0, collected: 0, invoicesIssued: 0 }).get(k) as Pick<CellAmounts, "billedGross" | "creditedGross" | "collected" | "invoicesIssued">);
  for (const r of billed) {
    at(r.k).billedGross += r.v;
    at(r.k).invoicesIssued += r.n;
  }
  for (const r of credited) at(r.k).creditedGross += r.v;
  for (const r of collected) at(r.k).collected += r.v;
  return out;
}

export async function reconcile(ctx: BillingContext): Promise<Reconciliation> {
  const inScope = (branchId: string) => !ctx.branchScope || ctx.branchScope.includes(branchId);
  const scope = { franchiseId: ctx.franchiseId, branchScope: ctx.branchScope };
  const [rollupRows, monthlyRows, fresh, ledger] = await Promise.all([
    sumWholeRollup(ctx.db, scope, "daily", "month_branch"),
    sumWholeRollup(ctx.db, scope, "monthly", "month_branch"),
    computeCells(ctx.db, ctx.franchiseId),
    ledgerSums(ctx.db, ctx.franchiseId),
  ]);
  const rollup = new Map(rollupRows.map((r) => [`${r.group}|${r.currency}`, r as CellAmounts]));
  const monthly = new Map(monthlyRows.map((r) => [`${r.group}|${r.currency}`, r as CellAmounts]));
  const recomputed = new Map<string, CellAmounts>();
  for (const c of fresh.cells) {
    if (!inScope(c.branchId)) continue;
    const k = `${c.day.slice(0, 7)}|${c.branchId}|${c.currency}`;
    const acc = recomputed.get(k) ?? (recomputed.set(k, zeroAmounts()).get(k) as CellAmounts);
    for (const f of AMOUNT_FIELDS) acc[f] += c[f];
  }
  const keys = new Set([...rollup.keys(), ...monthly.keys(), ...recomputed.keys(), ...[...ledger.keys()].filter((k) => inScope(k.split("|")[1] as string))]);
  const mismatches: ReconciliationMismatch[] = [];
  const report = (k: string, field: string, got: number, expected: number, source: ReconciliationMismatch["source"]) => {
    if (got === expected || mismatches.length >= MAX_REPORTED) return;
    const [month, branchId, currency] = k.split("|") as [string, string, string];
    mismatches.push({ month, branchId, currency, field, rollup: got, expected, source });
  };
  for (const k of [...keys].sort()) {
    const r = rollup.get(k) ?? zeroAmounts();
    const fresh = recomputed.get(k) ?? zeroAmounts();
    for (const f of AMOUNT_FIELDS) report(k, f, r[f], fresh[f], "recomputed");
    const m = monthly.get(k) ?? zeroAmounts();
    for (const f of AMOUNT_FIELDS) report(k, f, m[f], r[f], "monthly");
    const l = ledger.get(k) ?? { billedGross: 0, creditedGross: 0, collected: 0, invoicesIssued: 0 };
    report(k, "billedGross", r.billedGross, l.billedGross, "ledger");
    report(k, "creditedGross", r.creditedGross, l.creditedGross, "ledger");
    report(k, "collected", r.collected, l.collected, "ledger");
    report(k, "invoicesIssued", r.invoicesIssued, l.invoicesIssued, "ledger");
  }
  return { ok: mismatches.length === 0, checked: keys.size, mismatches };
}
