// Credit notes: priced against the invoice they correct (capped per tax group), numbered in the
// branch's credit series, naming the parties the invoice was issued to and from.
import { invalid } from "../domain/errors.ts";
import { planCreditNote, type CreditLineInput } from "../domain/credit-note.ts";
import type { InvoiceStatus } from "../domain/settlement.ts";
import type { TaxGroup } from "../domain/invoice-totals.ts";
import { creditedGroupsOf } from "../db/credit-notes.ts";
import { newId } from "../db/ids.ts";
import { getInvoice } from "../db/invoices.ts";
import { loadPricingBranch } from "./branch-context.ts";
import type { BillingContext } from "./context.ts";
import { sequenceFor, unwrapSequenceResult } from "./sequence-client.ts";

export async function createCreditNote(ctx: BillingContext, input: { invoiceId: string; reason: string; lines: CreditLineInput[] }): Promise<string> {
  const found = await getInvoice(ctx.db, ctx.franchiseId, input.invoiceId, ctx.branchScope);
  if (!found) throw invalid("unknown_invoice", "invoiceId", `invoice ${input.invoiceId} does not exist`);
  const { invoice } = found;
  const taxGroups = JSON.parse(invoice.taxBreakdown) as TaxGroup[];
  const alreadyCredited = await creditedGroupsOf(ctx.db, ctx.franchiseId, invoice.id);
  const plan = planCreditNote(
    { status: invoice.status as InvoiceStatus, total: invoice.total, amountPaid: invoice.amountPaid, amountCredited: invoice.amountCredited, taxGroups, alreadyCredited },
    input.lines,
  );
  const { branch, today } = await loadPricingBranch(ctx, invoice.branchId);
  const now = ctx.clock.now();
  const creditNoteId = newId("cn", now.getTime());
  const result = await sequenceFor(ctx.env, branch.id).issueCreditNote(branch.code, {
    franchiseId: ctx.franchiseId,
    creditNoteId,
    invoiceId: invoice.id,
    branchId: branch.id,
    customerId: invoice.customerId,
    currency: invoice.currency,
    reason: input.reason,
    issueDate: today,
    lines: plan.lines,
    totals: plan.totals,
    appliedToInvoice: plan.appliedToInvoice,
    seller: invoice.seller,
    buyer: invoice.buyer,
    now: now.toISOString(),
    actor: ctx.actor,
    idempotency: ctx.idempotency,
  });
  unwrapSequenceResult(result);
  return creditNoteId;
}
