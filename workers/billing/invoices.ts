// Invoice use cases: draft, issue, void. Each loads state, asks the domain, persists one batch.
import { invalid, notFound, conflict } from "../domain/errors.ts";
import { issueDatesFor, priceDraft, repriceForIssue, type DraftInput } from "../domain/invoice-draft.ts";
import { runBatch, isBatchAssertionFailure } from "../db/batch.ts";
import { idempotencyCommit } from "../db/idempotency.ts";
import { getCustomer } from "../db/customers.ts";
import { newId } from "../db/ids.ts";
import { draftStatements, getInvoice, toDraftLine, voidStatements, type IssueCommand } from "../db/invoices.ts";
import { serviceTypeTaxCategories } from "../db/reference-data.ts";
import { loadPricingBranch } from "./branch-context.ts";
import type { BillingContext } from "./context.ts";
import { sequenceFor, unwrapSequenceResult } from "./sequence-client.ts";
import { partiesAtIssue } from "./parties.ts";

export interface CreateDraftInput extends DraftInput {
  customerId: string;
  branchId: string;
  currency: string;
  memo?: string | undefined;
}

export async function createDraftInvoice(ctx: BillingContext, input: CreateDraftInput): Promise<string> {
  const { branch, taxRates, today } = await loadPricingBranch(ctx, input.branchId, "branchId");
  if (input.currency !== branch.currency) {
    throw invalid("currency_mismatch", "currency", `branch ${branch.code} invoices in ${branch.currency}`);
  }
  const customer = await getCustomer(ctx.db, ctx.franchiseId, input.customerId);
  if (!customer) throw invalid("unknown_customer", "customerId", `customer ${input.customerId} does not exist`);
  if (customer.customer.status !== "active") throw invalid("customer_archived", "customerId", "the customer is archived");
  const priced = priceDraft(input, {
    jurisdiction: branch.jurisdiction,
    taxRates,
    serviceTypeTaxCategory: await serviceTypeTaxCategories(ctx.db, ctx.franchiseId),
    today,
  });
  const now = ctx.clock.now();
  const id = newId("inv", now.getTime());
  await runBatch(ctx.db, [
    ...draftStatements(ctx.db, { id, franchiseId: ctx.franchiseId, branchId: branch.id, customerId: input.customerId, currency: input.currency, memo: input.memo ?? null, priced }, now.toISOString(), ctx.actor),
    ...idempotencyCommit(ctx.db, ctx.idempotency, "invoice.drafted", id),
  ]);
  return id;
}

/**
 * Issues a draft: fixes its dates, re-prices it with the tax rates in force on its tax point (the issue date unless the draft set one),
 * and has the branch's InvoiceSequence give it the next number and write it.
 */
export async function issueInvoice(ctx: BillingContext, invoiceId: string): Promise<void> {
  const found = await getInvoice(ctx.db, ctx.franchiseId, invoiceId, ctx.branchScope);
  if (!found) throw notFound("invoice", invoiceId);
  const { invoice, lines } = found;
  if (invoice.status !== "draft") throw conflict("invoice_not_draft", `the invoice is already ${invoice.status}`);
  const { branch, taxRates, today } = await loadPricingBranch(ctx, invoice.branchId);
  const dates = issueDatesFor(invoice, today);
  const repriced = repriceForIssue(lines.map(toDraftLine), { jurisdiction: branch.jurisdiction, taxRates }, dates.taxPointDate);
  const customer = await getCustomer(ctx.db, ctx.franchiseId, invoice.customerId);
  if (!customer) throw notFound("customer", invoice.customerId);
  const cmd: IssueCommand = {
    franchiseId: ctx.franchiseId,
    invoiceId,
    branchId: branch.id,
    customerId: invoice.customerId,
    currency: invoice.currency,
    expectedVersion: invoice.version,
    memo: invoice.memo,
    ...dates,
    lines: repriced.lines,
    totals: repriced.totals,
    parties: partiesAtIssue(branch, customer.customer),
    now: ctx.clock.now().toISOString(),
    actor: ctx.actor,
    idempotency: ctx.idempotency,
  };
  unwrapSequenceResult(await sequenceFor(ctx.env, branch.id).issueInvoice(branch.code, cmd));
}

export async function voidInvoice(ctx: BillingContext, invoiceId: string, reason: string): Promise<void> {
  const found = await getInvoice(ctx.db, ctx.franchiseId, invoiceId, ctx.branchScope);
  if (!found) throw notFound("invoice", invoiceId);
  const { invoice } = found;
  if (invoice.status === "void") throw conflict("invoice_already_void", "the invoice is already void");
  if (invoice.amountPaid > 0 || invoice.amountCredited > 0) {
    throw conflict("invoice_has_settlements", "payments or credit notes are applied to this invoice; issue a credit note instead");
  }
  try {
    await runBatch(ctx.db, [...voidStatements(ctx.db, ctx.franchiseId, found, reason, ctx.clock.now().toISOString(), ctx.actor), ...idempotencyCommit(ctx.db, ctx.idempotency, "invoice.voided", invoice.id)]);
  } catch (error) {
    if (isBatchAssertionFailure(error)) throw conflict("invoice_changed", "the invoice changed while it was being voided; read it again");
    throw error;
  }
}
