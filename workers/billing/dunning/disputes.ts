// Disputes pause chasing of the disputed invoice until resolved; promises to pay pause the
// customer until a date. Both are events (the customer's DO reacts at once) and history records.
import { addDays, localDateAt } from "../../domain/dates.ts";
import { conflict, invalid, notFound } from "../../domain/errors.ts";
import { isBatchAssertionFailure, runBatch } from "../../db/batch.ts";
import { communicationInsert, disputeInsert, disputeResolve, getDispute, promiseInsert, type DisputeRow, type PromiseRow } from "../../db/dunning.ts";
import { newId } from "../../db/ids.ts";
import { idempotencyCommit } from "../../db/idempotency.ts";
import { getInvoice } from "../../db/invoices.ts";
import { outboxInsert } from "../../db/outbox.ts";
import type { BillingContext } from "../context.ts";
import { loadCustomerOr404 } from "./consent.ts";
import { disputePayload, promisePayload } from "./records.ts";

export async function openDispute(ctx: BillingContext, invoiceId: string, reason: string): Promise<DisputeRow> {
  const found = await getInvoice(ctx.db, ctx.franchiseId, invoiceId, ctx.branchScope);
  if (!found) throw notFound("invoice", invoiceId);
  const { invoice } = found;
  if (invoice.status !== "issued" && invoice.status !== "partially_paid") throw conflict("invoice_not_open", `invoice ${invoiceId} is ${invoice.status}: only an open invoice can be disputed`);
  const now = ctx.clock.now();
  const row: DisputeRow = { id: newId("dsp", now.getTime()), franchiseId: ctx.franchiseId, invoiceId, customerId: invoice.customerId, reason, openedAt: now.toISOString(), resolvedAt: null, resolution: null, openedBy: ctx.actor };
  try {
    await runBatch(ctx.db, [
      ...disputeInsert(ctx.db, row),
      outboxInsert(ctx.db, { franchiseId: ctx.franchiseId, type: "dispute.opened", aggregateType: "dispute", aggregateId: row.id, aggregateVersion: 1, actor: ctx.actor, payload: disputePayload(row), occurredAt: row.openedAt }),
      communicationInsert(ctx.db, ctx.franchiseId, { customerId: row.customerId, kind: "dispute_opened", invoiceIds: [invoiceId], reason, actor: ctx.actor, occurredAt: row.openedAt }),
      ...idempotencyCommit(ctx.db, ctx.idempotency, "dispute.opened", row.id),
    ]);
  } catch (error) {
    if (isBatchAssertionFailure(error)) throw conflict("dispute_already_open", `invoice ${invoiceId} already has an open dispute`);
    throw error;
  }
  return row;
}

/** The dispute, if its invoice is visible to the caller (a branch manager sees their branches'). */
export async function getVisibleDispute(ctx: BillingContext, id: string): Promise<DisputeRow> {
  const row = await getDispute(ctx.db, ctx.franchiseId, id);
  if (!row || !(await getInvoice(ctx.db, ctx.franchiseId, row.invoiceId, ctx.branchScope))) throw notFound("dispute", id);
  return row;
}

export async function resolveDispute(ctx: BillingContext, id: string, resolution: string): Promise<DisputeRow> {
  const row = await getVisibleDispute(ctx, id);
  if (row.resolvedAt !== null) throw conflict("dispute_not_open", `dispute ${id} was already resolved`);
  const now = ctx.clock.now().toISOString();
  const after = { ...row, resolvedAt: now, resolution };
  try {
    await runBatch(ctx.db, [
      ...disputeResolve(ctx.db, ctx.franchiseId, id, resolution, now),
      outboxInsert(ctx.db, { franchiseId: ctx.franchiseId, type: "dispute.resolved", aggregateType: "dispute", aggregateId: id, aggregateVersion: 2, actor: ctx.actor, payload: disputePayload(after), occurredAt: now }),
      communicationInsert(ctx.db, ctx.franchiseId, { customerId: row.customerId, kind: "dispute_resolved", invoiceIds: [row.invoiceId], reason: resolution, actor: ctx.actor, occurredAt: now }),
    ]);
  } catch (error) {
    if (isBatchAssertionFailure(error)) throw conflict("dispute_not_open", `dispute ${id} was already resolved`);
    throw error;
  }
  return after;
}

export async function recordPromiseToPay(ctx: BillingContext, customerId: string, until: string, amount: number | null): Promise<PromiseRow> {
  const { customer } = await loadCustomerOr404(ctx, customerId);
  const now = ctx.clock.now();
  const today = localDateAt(now, customer.timezone);
  if (until < today) throw invalid("promise_in_past", "until", `until must be today (${today} for the customer) or later`);
  if (until > addDays(today, 365)) throw invalid("promise_too_far", "until", "a promise to pay can pause chasing for at most a year");
  const row: PromiseRow = { id: newId("ptp", now.getTime()), franchiseId: ctx.franchiseId, customerId, until, amount, createdAt: now.toISOString(), createdBy: ctx.actor };
  await runBatch(ctx.db, [
    promiseInsert(ctx.db, row),
    outboxInsert(ctx.db, { franchiseId: ctx.franchiseId, type: "promise_to_pay.recorded", aggregateType: "promise_to_pay", aggregateId: row.id, aggregateVersion: 1, actor: ctx.actor, payload: promisePayload(row), occurredAt: row.createdAt }),
    communicationInsert(ctx.db, ctx.franchiseId, { customerId, kind: "promise_to_pay", reason: `until ${until}${amount === null ? "" : ` amount ${amount}`}`, actor: ctx.actor, occurredAt: row.createdAt }),
    ...idempotencyCommit(ctx.db, ctx.idempotency, "promise_to_pay.recorded", row.id),
  ]);
  return row;
}
