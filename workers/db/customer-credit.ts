// Customer credit: later allocations of a payment's remainder, credit applied to an open
// invoice, refunds, and the per-currency balance. Triggers of the customer_credit migration
// keep the pool from going below zero under concurrent writers; these builders add the
// version checks and the events.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { assertInBatch, chunkForParams, type Statement } from "./batch.ts";
import { newId } from "./ids.ts";
import { outboxInsert } from "./outbox.ts";
import { paymentPayload } from "../events/payloads.ts";
import { creditApplications, invoices, paymentAllocations, payments, refunds } from "./schema.ts";
import type { PaymentRow } from "./payments.ts";
import type { InvoiceRow } from "./invoices.ts";
import type { LedgerSums } from "../domain/customer-ledger.ts";

type Allocation = { invoiceId: string; amount: number };

/**
 * Allocates more of a payment; aborts (payment_changed) if another allocation got there first.
 * The event carries the whole payment after the change (earlier allocations included) and which
 * allocations this change added.
 */
export function laterAllocationStatements(db: Db, payment: PaymentRow, earlier: readonly Allocation[], allocations: readonly Allocation[], now: string, actor: string): Statement[] {
  const rows = allocations.map((a) => ({ id: newId("pal"), franchiseId: payment.franchiseId, paymentId: payment.id, invoiceId: a.invoiceId, amount: a.amount, createdAt: now }));
  return [
    assertInBatch(db, "payment_changed", sql`EXISTS (SELECT 1 FROM payments WHERE id = ${payment.id} AND franchise_id = ${payment.franchiseId} AND version = ${payment.version})`),
    ...chunkForParams(rows, 6).map((chunk) => db.insert(paymentAllocations).values(chunk)),
    db.update(payments).set({ version: sql`${payments.version} + 1` }).where(and(eq(payments.franchiseId, payment.franchiseId), eq(payments.id, payment.id))),
    outboxInsert(db, {
      franchiseId: payment.franchiseId,
      type: "payment.allocated",
      aggregateType: "payment",
      aggregateId: payment.id,
      aggregateVersion: payment.version + 1,
      actor,
      payload: {
        ...paymentPayload({ ...payment, allocations: [...earlier, ...allocations] }),
        newAllocations: allocations.map((a) => ({ invoiceId: a.invoiceId, amount: a.amount })),
      },
      occurredAt: now,
    }),
  ];
}

export interface NewRefund {
  id: string;
  franchiseId: string;
  customerId: string;
  currency: string;
  amount: number;
  refundedAt: string;
  method: string;
  reference: string | null;
}

export function refundStatements(db: Db, r: NewRefund, now: string, actor: string): Statement[] {
  return [
    db.insert(refunds).values({ ...r, createdAt: now }),
    outboxInsert(db, {
      franchiseId: r.franchiseId,
      type: "refund.recorded",
      aggregateType: "refund",
      aggregateId: r.id,
      aggregateVersion: 1,
      actor,
      payload: { refundId: r.id, customerId: r.customerId, currency: r.currency, amount: r.amount, refundedAt: r.refundedAt, method: r.method, reference: r.reference },
      occurredAt: now,
    }),
  ];
}

/** Applies customer credit to an open invoice; aborts (invoice_changed) if the invoice moved meanwhile. */
export function creditApplicationStatements(db: Db, invoice: InvoiceRow, amount: number, now: string, actor: string): Statement[] {
  const id = newId("cap");
  return [
    assertInBatch(db, "invoice_changed", sql`EXISTS (SELECT 1 FROM invoices WHERE id = ${invoice.id} AND franchise_id = ${invoice.franchiseId} AND version = ${invoice.version})`),
    db.insert(creditApplications).values({ id, franchiseId: invoice.franchiseId, customerId: invoice.customerId, invoiceId: invoice.id, currency: invoice.currency, amount, createdAt: now }),
    outboxInsert(db, {
      franchiseId: invoice.franchiseId,
      type: "credit.applied",
      aggregateType: "invoice",
      aggregateId: invoice.id,
      aggregateVersion: invoice.version + 1,
      actor,
      payload: { creditApplicationId: id, invoiceId: invoice.id, customerId: invoice.customerId, currency: invoice.currency, amount, amountCredited: invoice.amountCredited + amount },
      occurredAt: now,
    }),
  ];
}

export type RefundRow = typeof refunds.$inferSelect;

export async function getRefund(db: Db, franchiseId: string, id: string): Promise<RefundRow | undefined> {
  return db.select().from(refunds).where(and(eq(refunds.franchiseId, franchiseId), eq(refunds.id, id))).get();
}

/** Per currency, the sums the customer's balance is made of (workers/domain/customer-ledger.ts). */
export async function ledgerSums(db: Db, franchiseId: string, customerId: string): Promise<Array<LedgerSums & { currency: string }>> {
  const rows = await db.all<{ currency: string; invoiced: number; settled: number; open_balance: number; credited: number; paid: number; refunded: number }>(sql`
    SELECT currency, SUM(invoiced) AS invoiced, SUM(settled) AS settled, SUM(open_balance) AS open_balance,
           SUM(credited) AS credited, SUM(paid) AS paid, SUM(refunded) AS refunded
    FROM (
      SELECT currency, total AS invoiced, amount_paid + amount_credited AS settled, total - amount_paid - amount_credited AS open_balance, 0 AS credited, 0 AS paid, 0 AS refunded
        FROM ${invoices} WHERE franchise_id = ${franchiseId} AND customer_id = ${customerId} AND status NOT IN ('draft', 'void')
      UNION ALL SELECT currency, 0, 0, 0, total, 0, 0 FROM credit_notes WHERE franchise_id = ${franchiseId} AND customer_id = ${customerId}
      UNION ALL SELECT currency, 0, 0, 0, 0, amount, 0 FROM ${payments} WHERE franchise_id = ${franchiseId} AND customer_id = ${customerId}
      UNION ALL SELECT currency, 0, 0, 0, 0, 0, amount FROM ${refunds} WHERE franchise_id = ${franchiseId} AND customer_id = ${customerId}
    )
    GROUP BY currency ORDER BY currency`);
  return rows.map((r) => ({ currency: r.currency, invoiced: r.invoiced, settled: r.settled, openBalance: r.open_balance, credited: r.credited, paid: r.paid, refunded: r.refunded }));
}
