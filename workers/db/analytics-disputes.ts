// The dispute rate's numerator: invoices issued in a period (not void) that have been disputed at
// least once, per branch × currency. Disputes are few next to invoices, so this walks the
// franchise's disputes (index invoice_disputes_invoice) and looks each invoice up by key. CROSS
// JOIN pins that order: left to itself (no table statistics) SQLite scanned every invoice of the
// franchise and probed the disputes, ~20× slower on the demo data.
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "./client.ts";
import type { BranchScope } from "./branch-scope.ts";

export interface DisputedCount {
  branchId: string;
  currency: string;
  disputed: number;
}

export async function disputedInvoiceCounts(db: Db, franchiseId: string, branchScope: BranchScope, from: string, to: string): Promise<DisputedCount[]> {
  const scope: SQL = branchScope ? sql`AND i.branch_id IN (SELECT value FROM json_each(${JSON.stringify(branchScope)}))` : sql``;
  return db.all<DisputedCount>(
    sql`SELECT i.branch_id AS branchId, i.currency AS currency, COUNT(DISTINCT d.invoice_id) AS disputed
        FROM invoice_disputes d CROSS JOIN invoices i
        WHERE d.franchise_id = ${franchiseId} AND i.id = d.invoice_id AND i.franchise_id = d.franchise_id AND i.issue_date BETWEEN ${from} AND ${to} AND i.status IN ('issued', 'partially_paid', 'paid') ${scope}
        GROUP BY i.branch_id, i.currency`,
  );
}

/** Per month of issue × branch × currency, up to `to` (the BI feed's branch_kpis). */
export async function disputedInvoiceCountsByMonth(db: Db, franchiseId: string, to: string): Promise<Array<DisputedCount & { month: string }>> {
  return db.all<DisputedCount & { month: string }>(
    sql`SELECT substr(i.issue_date, 1, 7) AS month, i.branch_id AS branchId, i.currency AS currency, COUNT(DISTINCT d.invoice_id) AS disputed
        FROM invoice_disputes d CROSS JOIN invoices i
        WHERE d.franchise_id = ${franchiseId} AND i.id = d.invoice_id AND i.franchise_id = d.franchise_id AND i.issue_date <= ${to} AND i.status IN ('issued', 'partially_paid', 'paid')
        GROUP BY month, i.branch_id, i.currency`,
  );
}
