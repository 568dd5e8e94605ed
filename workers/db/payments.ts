// Payments and their allocations. One batch records the payment, its allocations and the event;
// triggers settle the invoices and refuse over-allocation even under concurrent payments.
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import type { Db } from "./client.ts";
import type { Statement } from "./batch.ts";
import { selectInChunks, statementsInChunks } from "./chunks.ts";
import { newId } from "./ids.ts";
import { outboxInsert } from "./outbox.ts";
import { paymentPayload } from "../events/payloads.ts";
import { paymentAllocations, payments } from "./schema.ts";

export type PaymentRow = typeof payments.$inferSelect;
export type AllocationRow = typeof paymentAllocations.$inferSelect;

export interface NewPayment {
  id: string;
  franchiseId: string;
  customerId: string;
  currency: string;
  amount: number;
  receivedAt: string;
  method: string;
  reference: string | null;
  allocations: ReadonlyArray<{ invoiceId: string; amount: number }>;
}

export function paymentStatements(db: Db, p: NewPayment, now: string, actor: string): Statement[] {
  const { allocations, ...payment } = p;
  const statements: Statement[] = [db.insert(payments).values({ ...payment, createdAt: now })];
  statements.push(
    ...statementsInChunks(allocations, (chunk) =>
      db.insert(paymentAllocations).values(chunk.map((a) => ({ id: newId("pal"), franchiseId: p.franchiseId, paymentId: p.id, invoiceId: a.invoiceId, amount: a.amount, createdAt: now }))),
    ),
  );
  statements.push(
    outboxInsert(db, {
      franchiseId: p.franchiseId,
      type: "payment.recorded",
      aggregateType: "payment",
      aggregateId: p.id,
      aggregateVersion: 1,
      actor,
      payload: paymentPayload(p),
      occurredAt: now,
    }),
  );
  return statements;
}

export interface PaymentWithAllocations {
  payment: PaymentRow;
  allocations: AllocationRow[];
}

export async function getPayment(db: Db, franchiseId: string, id: string): Promise<PaymentWithAllocations | undefined> {
  const payment = await db.select().from(payments).where(and(eq(payments.franchiseId, franchiseId), eq(payments.id, id))).get();
  if (!payment) return undefined;
  const allocations = await db.select().from(paymentAllocations).where(and(eq(paymentAllocations.franchiseId, franchiseId), eq(paymentAllocations.paymentId, id))).all();
  return { payment, allocations };
}

export async function listPayments(db: Db, franchiseId: string, opts: { customerId?: string | undefined; before?: string | undefined; limit: number }): Promise<PaymentWithAllocations[]> {
  const conditions = [eq(payments.franchiseId, franchiseId)];
  if (opts.customerId) conditions.push(eq(payments.customerId, opts.customerId));
  if (opts.before) conditions.push(lt(payments.id, opts.before));
  const rows = await db.select().from(payments).where(and(...conditions)).orderBy(desc(payments.id)).limit(opts.limit + 1).all();
  if (rows.length === 0) return [];
  const allocations = await selectInChunks(rows.map((r) => r.id), (ids) =>
    db.select().from(paymentAllocations).where(and(eq(paymentAllocations.franchiseId, franchiseId), inArray(paymentAllocations.paymentId, ids))),
  );
  const byPayment = Map.groupBy(allocations, (a) => a.paymentId);
  return rows.map((payment) => ({ payment, allocations: byPayment.get(payment.id) ?? [] }));
}
