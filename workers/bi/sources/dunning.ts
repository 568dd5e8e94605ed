// What the dunning capability has for the BI feed: its append-only communications history,
// counted per UTC day × branch × currency × channel, and the cash that followed a reminder.
// A message belongs to the branch (and currency) of its first invoice by due date, else to the
// customer's home branch: the rule of the escalations queue (workers/db/dunning-escalations.ts).
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";

export interface CommunicationCount {
  branchId: string | null;
  currency: string | null;
  channel: string | null;
  kind: string;
  reason: string | null;
  n: number;
}

/** Communications of one UTC day by branch × currency × channel × kind × reason. */
export async function communicationCountsOfDay(db: Db, franchiseId: string, day: string): Promise<CommunicationCount[]> {
  return db.all<CommunicationCount>(
    sql`WITH day AS (
          SELECT c.kind, c.channel, c.reason,
                 (SELECT i.branch_id || '|' || i.currency FROM json_each(c.invoice_ids) AS j
                    JOIN invoices AS i ON i.id = j.value AND i.franchise_id = c.franchise_id
                   ORDER BY i.due_date, i.id LIMIT 1) AS first_invoice,
                 cu.home_branch_id AS home_branch, b.currency AS home_currency
          FROM communications AS c
          JOIN customers AS cu ON cu.id = c.customer_id AND cu.franchise_id = c.franchise_id
          LEFT JOIN branches AS b ON b.id = cu.home_branch_id AND b.franchise_id = c.franchise_id
          WHERE c.franchise_id = ${franchiseId} AND c.occurred_at >= ${day} AND c.occurred_at < ${`${day}~`} AND substr(c.occurred_at, 1, 10) = ${day}
        )
        SELECT CASE WHEN first_invoice IS NULL THEN home_branch ELSE substr(first_invoice, 1, instr(first_invoice, '|') - 1) END AS branchId,
               CASE WHEN first_invoice IS NULL THEN home_currency ELSE substr(first_invoice, instr(first_invoice, '|') + 1) END AS currency,
               channel, kind, reason, count(*) AS n
        FROM day GROUP BY 1, 2, 3, 4, 5`,
  );
}

/** Days before a payment in which a reminder naming the invoice counts as "the reminder before it". */
export const ATTRIBUTION_WINDOW_DAYS = 14;

export interface CollectedAfterReminder {
  branchId: string;
  currency: string;
  channel: string;
  amount: number;
  invoices: number;
}

/**
 * Cash allocated to invoices on payments received that UTC day, where a reminder naming the
 * invoice was sent in the 14 days before the payment arrived; credited to the channel of the
 * latest such reminder (last touch). It says the money followed a reminder, not that the
 * reminder caused it.
 */
export async function collectedAfterReminderOfDay(db: Db, franchiseId: string, day: string): Promise<CollectedAfterReminder[]> {
  return db.all<CollectedAfterReminder>(
    sql`WITH cash AS (
          SELECT a.amount, a.invoice_id, i.branch_id, i.currency,
                 (SELECT c.channel FROM communications AS c
                   WHERE c.franchise_id = a.franchise_id AND c.customer_id = i.customer_id AND c.kind = 'sent'
                     AND c.occurred_at <= p.received_at
                     AND c.occurred_at >= strftime('%Y-%m-%dT%H:%M:%fZ', p.received_at, ${`-${ATTRIBUTION_WINDOW_DAYS} days`})
                     AND EXISTS (SELECT 1 FROM json_each(c.invoice_ids) AS j WHERE j.value = a.invoice_id)
                   ORDER BY c.occurred_at DESC, c.id DESC LIMIT 1) AS channel
          FROM payment_allocations AS a
          JOIN payments AS p ON p.id = a.payment_id AND p.franchise_id = a.franchise_id
          JOIN invoices AS i ON i.id = a.invoice_id AND i.franchise_id = a.franchise_id
          WHERE a.franchise_id = ${franchiseId} AND p.received_at >= ${day} AND p.received_at < ${`${day}~`} AND substr(p.received_at, 1, 10) = ${day}
        )
        SELECT branch_id AS branchId, currency, channel, sum(amount) AS amount, count(DISTINCT invoice_id) AS invoices
        FROM cash WHERE channel IS NOT NULL GROUP BY 1, 2, 3`,
  );
}
