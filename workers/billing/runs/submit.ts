// Submitting a billing run: validate, record the run (and, for ad-hoc items, its whole work
// list) in ONE batch, then send the start message to the invoice-batches queue, whose consumer
// starts the workflow (queues/invoice-batches.ts). The run row's unique (branch, period) index is
// what refuses a second run for the same branch and month, even when two submits race.
import { assertBillingPeriod } from "../../domain/agreements/cadence.ts";
import { conflict, invalid } from "../../domain/errors.ts";
import type { DraftLineInput } from "../../domain/invoice-draft.ts";
import { runBatch } from "../../db/batch.ts";
import { getRunForPeriod, insertRunItemsStatement, insertRunStatement, type BillingRunRow } from "../../db/billing-runs.ts";
import { idempotencyCommit } from "../../db/idempotency.ts";
import { newId } from "../../db/ids.ts";
import { loadPricingBranch } from "../branch-context.ts";
import type { BillingContext } from "../context.ts";
import { createLogger } from "../../observability/logger.ts";
import { startRunMessage } from "./start-message.ts";

/** Ad-hoc items per request: the body limit (1 MB) allows about this many small invoices. */
export const MAX_RUN_ITEMS = 2_000;

export interface SubmitRunInput {
  branchId: string;
  period: string;
  source: "agreements" | "items";
  items?: Array<{ customerId: string; lines: DraftLineInput[] }> | undefined;
}

export const itemBillingKey = (runId: string, position: number) => `run:${runId}:${position}`;

/**
 * Records the run and queues its start. The request never touches the workflow engine: a local
 * engine can hold create() for the instance's first stretch, and a started run's writes would
 * queue this request's reads behind them, so the 202 comes at once. A start message that cannot
 * be sent leaves the run `queued`, and the sweeper starts it.
 */
export async function submitBillingRun(ctx: BillingContext, input: SubmitRunInput): Promise<BillingRunRow> {
  const period = assertBillingPeriod(input.period);
  const { branch, today } = await loadPricingBranch(ctx, input.branchId, "branchId");
  if (input.source === "items" && (!input.items || input.items.length === 0)) throw invalid("items_required", "items", "a run with source \"items\" needs at least one item");
  if (input.source === "agreements" && input.items !== undefined) throw invalid("items_not_allowed", "items", "a run with source \"agreements\" bills the branch's agreements; leave items out");
  if ((input.items?.length ?? 0) > MAX_RUN_ITEMS) throw invalid("too_many_items", "items", `a run can carry at most ${MAX_RUN_ITEMS} items`);
  const existing = await getRunForPeriod(ctx.db, ctx.franchiseId, branch.id, period);
  if (existing) throw runExists(existing);
  const now = ctx.clock.now();
  const id = newId("brun", now.getTime());
  const items = (input.items ?? []).map((item, position) => ({ position, customerId: item.customerId, billingKeys: [itemBillingKey(id, position)], lines: item.lines }));
  try {
    await runBatch(ctx.db, [
      insertRunStatement(ctx.db, { id, franchiseId: ctx.franchiseId, branchId: branch.id, period, source: input.source, issueDate: today, status: "queued", planned: items.length, requestedBy: ctx.actor, createdAt: now.toISOString(), updatedAt: now.toISOString() }),
      ...(items.length > 0 ? [insertRunItemsStatement(ctx.db, ctx.franchiseId, id, items)] : []),
      ...idempotencyCommit(ctx.db, ctx.idempotency, "billing_run.submitted", id),
    ]);
  } catch (error) {
    // A concurrent submit for the same branch and month won the unique index.
    const winner = await getRunForPeriod(ctx.db, ctx.franchiseId, branch.id, period);
    if (winner && winner.id !== id) throw runExists(winner);
    throw error;
  }
  const run = await getRunForPeriod(ctx.db, ctx.franchiseId, branch.id, period);
  if (!run) throw new Error("billing run vanished after it was written");
  await ctx.env.INVOICE_BATCHES.send(startRunMessage(id, ctx.franchiseId), { contentType: "json" }).catch((error: unknown) => {
    createLogger(ctx.env.LOG_LEVEL, { runId: id }).warn("billing run start message not sent; the sweeper will start the run", { error: error instanceof Error ? error.message : String(error) });
  });
  return run;
}

function runExists(run: BillingRunRow) {
  const e = conflict("billing_run_exists", `branch ${run.branchId} already has billing run ${run.id} for ${run.period} (${run.status}); a month is billed once`);
  return Object.assign(e, { existingRunId: run.id });
}
