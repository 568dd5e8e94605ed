// The BI feed's collections table: cash applied to invoices (payment allocations; customer credit
// is not cash and is left out), by the payment's received day × the invoice's branch × currency
// × payment method. Same figures, same day, as the rollup's `collected` (analytics overview).
import { sql } from "drizzle-orm";
import type { Db } from "./client.ts";

export interface CollectionRow {
  branchId: string;
  currency: string;
  method: string;
  amount: number;
  payments: number;
  invoices: number;
}

export async function collectionsOfDay(db: Db, franchiseId: string, day: string): Promise<CollectionRow[]> {
  return db.all<CollectionRow>(
    sql`SELECT i.branch_id AS branchId, i.currency AS currency, p.method AS method, SUM(a.amount) AS amount,
               COUNT(DISTINCT p.id) AS payments, COUNT(DISTINCT a.invoice_id) AS invoices
        FROM payment_allocations a
        JOIN payments p ON p.id = a.payment_id AND p.franchise_id = a.franchise_id
        JOIN invoices i ON i.id = a.invoice_id AND i.franchise_id = a.franchise_id
        WHERE a.franchise_id = ${franchiseId} AND p.received_at >= ${day} AND p.received_at < ${`${day}~`} AND substr(p.received_at, 1, 10) = ${day}
        GROUP BY i.branch_id, i.currency, p.method ORDER BY i.branch_id, i.currency, p.method`,
  );
}
