// Reading billing runs with their first failures, within the caller's branches.
import { notFound } from "../../domain/errors.ts";
import { failedItems, getRun, listRuns, type BillingRunItemRow, type BillingRunRow } from "../../db/billing-runs.ts";
import type { BillingContext } from "../context.ts";

export interface RunView {
  run: BillingRunRow;
  failures: BillingRunItemRow[];
}

const visible = (ctx: BillingContext, run: BillingRunRow) => !ctx.branchScope || ctx.branchScope.includes(run.branchId);

export async function getRunView(ctx: BillingContext, runId: string, errorsShown: number): Promise<RunView> {
  const run = await getRun(ctx.db, ctx.franchiseId, runId);
  if (!run || !visible(ctx, run)) throw notFound("billing_run", runId);
  return { run, failures: run.failed > 0 ? await failedItems(ctx.db, ctx.franchiseId, runId, errorsShown) : [] };
}

/** limit + 1 runs, newest first (the extra one says there is a next page). */
export async function listRunViews(ctx: BillingContext, opts: { before?: string | undefined; limit: number }, errorsShown: number): Promise<RunView[]> {
  const runs = await listRuns(ctx.db, ctx.franchiseId, { ...opts, branchIds: ctx.branchScope });
  const views: RunView[] = [];
  for (const run of runs) views.push({ run, failures: run.failed > 0 && views.length < opts.limit ? await failedItems(ctx.db, ctx.franchiseId, run.id, errorsShown) : [] });
  return views;
}
