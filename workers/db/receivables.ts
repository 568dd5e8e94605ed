// Receivables aging computed by D1 in two aggregate queries: per currency and bucket, and the
// customers owing the most overdue. Nothing but the sums leaves the database, whatever the number
// of open invoices. Buckets follow workers/domain/aging.ts (agingBucketOf): days past due =
// asOf − due date; 0 or less is "current" (not yet due, or due today).
import { sql, type SQL } from "drizzle-orm";
import type { AgingBucket } from "../domain/aging.ts";
import type { Db } from "./client.ts";
import { inBranchScope, type BranchScope } from "./branch-scope.ts";
import { customers, invoices } from "./schema.ts";

export interface AgingQuery {
  branchId?: string | undefined;
  /** One date for every branch; without it, each branch's own today (branchId → date). */
  asOf?: string | undefined;
  todays: ReadonlyMap<string, string>;
  branchScope?: BranchScope | undefined;
  topCustomers: number;
}

export interface AgingCell {
  currency: string;
  bucket: AgingBucket;
  amount: number;
  count: number;
}

export interface OverdueCustomerRow {
  customerId: string;
  customerName: string;
  currency: string;
  amount: number;
  invoices: number;
  oldestDaysPastDue: number;
}

/** Open invoices with a balance, as (currency, customer, balance, days past due, bucket). */
function agedInvoices(franchiseId: string, q: AgingQuery): SQL {
  // The branch → today map is ONE JSON parameter, so any number of branches fits D1's 100 binds.
  const asOf = q.asOf ? sql`${q.asOf}` : sql`(SELECT value FROM json_each(${JSON.stringify(Object.fromEntries(q.todays))}) WHERE key = ${invoices.branchId})`;
  const scope = inBranchScope(invoices.branchId, q.branchScope);
  return sql`WITH open_invoices AS (
      SELECT ${invoices.currency} AS currency, ${invoices.customerId} AS customer_id, ${invoices.branchId} AS branch_id,
             ${invoices.total} - ${invoices.amountPaid} - ${invoices.amountCredited} AS balance,
             CAST(julianday(${asOf}) - julianday(${invoices.dueDate}) AS INTEGER) AS days
      FROM ${invoices}
      WHERE ${invoices.franchiseId} = ${franchiseId}
        AND ${invoices.status} IN ('issued', 'partially_paid')
        AND ${invoices.dueDate} IS NOT NULL
        ${q.branchId ? sql`AND ${invoices.branchId} = ${q.branchId}` : sql``}
        ${scope ? sql`AND ${scope}` : sql``}
    ), aged AS (
      SELECT currency, customer_id, branch_id, balance, MAX(COALESCE(days, 0), 0) AS days_past_due,
             CASE WHEN days IS NULL OR days <= 0 THEN 'current' WHEN days <= 30 THEN '1-30' WHEN days <= 60 THEN '31-60' WHEN days <= 90 THEN '61-90' ELSE '90+' END AS bucket
      FROM open_invoices WHERE balance > 0
    )`;
}

export async function agingByCurrency(db: Db, franchiseId: string, q: AgingQuery): Promise<AgingCell[]> {
  return db.all<AgingCell>(sql`${agedInvoices(franchiseId, q)}
    SELECT currency, bucket, SUM(balance) AS amount, COUNT(*) AS count FROM aged GROUP BY currency, bucket ORDER BY currency`);
}

/** The same sums per branch too (the BI feed's ar_aging snapshot). */
export async function agingByBranch(db: Db, franchiseId: string, q: AgingQuery): Promise<Array<AgingCell & { branchId: string }>> {
  return db.all<AgingCell & { branchId: string }>(sql`${agedInvoices(franchiseId, q)}
    SELECT branch_id AS branchId, currency, bucket, SUM(balance) AS amount, COUNT(*) AS count FROM aged GROUP BY branch_id, currency, bucket ORDER BY branch_id, currency`);
}

export async function topOverdueCustomers(db: Db, franchiseId: string, q: AgingQuery): Promise<OverdueCustomerRow[]> {
  return db.all<OverdueCustomerRow>(sql`${agedInvoices(franchiseId, q)}
    SELECT aged.customer_id AS customerId, ${customers.name} AS customerName, aged.currency AS currency,
           SUM(aged.balance) AS amount, COUNT(*) AS invoices, MAX(aged.days_past_due) AS oldestDaysPastDue
    FROM aged JOIN ${customers} ON ${customers.id} = aged.customer_id AND ${customers.franchiseId} = ${franchiseId}
    WHERE aged.days_past_due > 0
    GROUP BY aged.customer_id, aged.currency
    ORDER BY amount DESC, aged.customer_id
    LIMIT ${q.topCustomers}`);
}
