// What every chunk of a run prices with and never changes during the run: the run's own fields,
// its branch (seller snapshot, jurisdiction, series code), the jurisdiction's tax rates and the
// franchise's service-type tax categories. Read ONCE per run (the workflow's "context" step) and
// handed to each chunk, instead of four reads per chunk. Plain data, so a workflow step can
// persist it; the chunk rebuilds the map it needs.
import { getRun } from "../../db/billing-runs.ts";
import type { Db } from "../../db/client.ts";
import { getBranch, serviceTypeTaxCategories, taxRatesFor, type BranchRow } from "../../db/reference-data.ts";
import type { TaxCategory, TaxRate } from "../../domain/tax.ts";

export interface RunContext {
  runId: string;
  period: string;
  issueDate: string;
  actor: string;
  branch: BranchRow;
  taxRates: TaxRate[];
  /** [serviceTypeId, default tax category] */
  categories: Array<[string, TaxCategory]>;
}

/** null when the run is gone or already over (nothing left for a chunk to do). */
export async function loadRunContext(db: Db, franchiseId: string, runId: string): Promise<RunContext | null> {
  const run = await getRun(db, franchiseId, runId);
  if (!run || run.status === "done" || run.status === "failed") return null;
  const branch = await getBranch(db, franchiseId, run.branchId);
  if (!branch) throw new Error(`branch ${run.branchId} of run ${runId} not found`);
  const [taxRates, categories] = await Promise.all([taxRatesFor(db, branch.jurisdiction), serviceTypeTaxCategories(db, franchiseId)]);
  return { runId, period: run.period, issueDate: run.issueDate, actor: run.requestedBy, branch, taxRates, categories: [...categories] };
}
