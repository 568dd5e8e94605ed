// Recurring agreement use cases: create, stop/rename, and change terms from a date. A change of
// quantity or price is a stop of the current agreement the day before plus a new agreement from
// that day, in one batch: both are then prorated by day in that month, and because proration is
// cumulative (workers/domain/agreements/proration.ts) the two parts sum exactly to what the
// domain's prorateSegments gives for a change inside the period. Changes bill prospectively:
// a period already billed in advance is corrected with a credit note, not re-billed.
import { validateTerms, type Cadence } from "../domain/agreements/cadence.ts";
import { addDays } from "../domain/dates.ts";
import { conflict, invalid, notFound, stale } from "../domain/errors.ts";
import { quantityToMilli } from "../domain/invoice-totals.ts";
import { assertAmount } from "../domain/money.ts";
import { agreementAtVersion, getAgreement, insertAgreementStatement, updateAgreementStatement, type AgreementRow } from "../db/agreements.ts";
import { isBatchAssertionFailure, runBatch } from "../db/batch.ts";
import { getCustomer } from "../db/customers.ts";
import { idempotencyCommit } from "../db/idempotency.ts";
import { newId } from "../db/ids.ts";
import { getBranch, getServiceType } from "../db/reference-data.ts";
import type { BillingContext } from "./context.ts";

export interface CreateAgreementInput {
  customerId: string;
  branchId: string;
  serviceTypeId: string;
  description?: string | undefined;
  quantity: number;
  unitPrice: number;
  cadence: Cadence;
  startDate: string;
  endDate?: string | null | undefined;
}

export async function createAgreement(ctx: BillingContext, input: CreateAgreementInput): Promise<string> {
  const branch = await getBranch(ctx.db, ctx.franchiseId, input.branchId, ctx.branchScope);
  if (!branch) throw invalid("unknown_branch", "branchId", `branch ${input.branchId} does not exist`);
  const customer = await getCustomer(ctx.db, ctx.franchiseId, input.customerId);
  if (!customer) throw invalid("unknown_customer", "customerId", `customer ${input.customerId} does not exist`);
  if (customer.customer.status !== "active") throw invalid("customer_archived", "customerId", "the customer is archived");
  const serviceType = await getServiceType(ctx.db, ctx.franchiseId, input.serviceTypeId);
  if (!serviceType) throw invalid("unknown_service_type", "serviceTypeId", `service type ${input.serviceTypeId} does not exist`);
  const terms = { cadence: input.cadence, quantityMilli: quantityToMilli(input.quantity, "quantity"), unitPrice: assertAmount(input.unitPrice, "unitPrice"), startDate: input.startDate, endDate: input.endDate ?? null };
  validateTerms(terms);
  const now = ctx.clock.now();
  const id = newId("agr", now.getTime());
  await runBatch(ctx.db, [
    insertAgreementStatement(ctx.db, { id, franchiseId: ctx.franchiseId, branchId: branch.id, customerId: input.customerId, serviceTypeId: serviceType.id, description: input.description?.trim() || serviceType.name, ...terms, createdAt: now.toISOString(), updatedAt: now.toISOString() }),
    ...idempotencyCommit(ctx.db, ctx.idempotency, "agreement.created", id),
  ]);
  return id;
}

async function loadOr404(ctx: BillingContext, id: string): Promise<AgreementRow> {
  const found = await getAgreement(ctx.db, ctx.franchiseId, id, ctx.branchScope);
  if (!found) throw notFound("agreement", id);
  return found;
}

/** Rename, or stop (endDate; null reopens it). `version` is the one the caller read (If-Match). */
export async function updateAgreement(ctx: BillingContext, id: string, version: number, changes: { description?: string | undefined; endDate?: string | null | undefined }): Promise<void> {
  const current = await loadOr404(ctx, id);
  if (current.version !== version) throw stale("agreement");
  const endDate = changes.endDate === undefined ? current.endDate : changes.endDate;
  validateTerms({ ...current, cadence: current.cadence as Cadence, endDate });
  const set: { description?: string; endDate?: string | null } = {};
  if (changes.description !== undefined) set.description = changes.description.trim();
  if (changes.endDate !== undefined) set.endDate = changes.endDate;
  try {
    await runBatch(ctx.db, [agreementAtVersion(ctx.db, ctx.franchiseId, id, version), updateAgreementStatement(ctx.db, ctx.franchiseId, id, set, ctx.clock.now().toISOString()), ...idempotencyCommit(ctx.db, ctx.idempotency, "agreement.updated", id)]);
  } catch (error) {
    if (isBatchAssertionFailure(error)) throw stale("agreement");
    throw error;
  }
}

/** New terms from `effectiveDate`: the current agreement stops the day before; returns the new agreement's id. */
export async function changeAgreementTerms(ctx: BillingContext, id: string, change: { effectiveDate: string; quantity?: number | undefined; unitPrice?: number | undefined }): Promise<string> {
  const current = await loadOr404(ctx, id);
  if (change.quantity === undefined && change.unitPrice === undefined) throw invalid("nothing_to_change", "quantity", "give a new quantity or unitPrice");
  if (change.effectiveDate <= current.startDate) throw invalid("change_before_start", "effectiveDate", `the agreement starts on ${current.startDate}; a change must take effect after that (or edit the agreement before it starts)`);
  if (current.endDate !== null && change.effectiveDate > current.endDate) throw conflict("agreement_ended", `the agreement ended on ${current.endDate}`);
  const next = {
    cadence: current.cadence as Cadence,
    quantityMilli: change.quantity === undefined ? current.quantityMilli : quantityToMilli(change.quantity, "quantity"),
    unitPrice: change.unitPrice === undefined ? current.unitPrice : assertAmount(change.unitPrice, "unitPrice"),
    startDate: change.effectiveDate,
    endDate: current.endDate,
  };
  validateTerms(next);
  const now = ctx.clock.now();
  const newAgreementId = newId("agr", now.getTime());
  try {
    await runBatch(ctx.db, [
      agreementAtVersion(ctx.db, ctx.franchiseId, id, current.version),
      updateAgreementStatement(ctx.db, ctx.franchiseId, id, { endDate: addDays(change.effectiveDate, -1) }, now.toISOString()),
      insertAgreementStatement(ctx.db, { id: newAgreementId, franchiseId: ctx.franchiseId, branchId: current.branchId, customerId: current.customerId, serviceTypeId: current.serviceTypeId, description: current.description, ...next, createdAt: now.toISOString(), updatedAt: now.toISOString() }),
      ...idempotencyCommit(ctx.db, ctx.idempotency, "agreement.created", newAgreementId),
    ]);
  } catch (error) {
    if (isBatchAssertionFailure(error)) throw stale("agreement");
    throw error;
  }
  return newAgreementId;
}
