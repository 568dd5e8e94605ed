// Loading a branch together with what pricing needs: its tax rates and its local "today".
import { localDateAt } from "../domain/dates.ts";
import { invalid, notFound } from "../domain/errors.ts";
import type { TaxRate } from "../domain/tax.ts";
import { getBranch, taxRatesFor, type BranchRow } from "../db/reference-data.ts";
import type { BillingContext } from "./context.ts";

export interface PricingBranch {
  branch: BranchRow;
  taxRates: TaxRate[];
  today: string;
}

/** `asField` names the body field when the branch is referenced from a request body (422, not 404). */
export async function loadPricingBranch(ctx: BillingContext, branchId: string, asField?: string): Promise<PricingBranch> {
  const branch = await getBranch(ctx.db, ctx.franchiseId, branchId, ctx.branchScope);
  if (!branch) throw asField ? invalid("unknown_branch", asField, `branch ${branchId} does not exist`) : notFound("branch", branchId);
  const taxRates = await taxRatesFor(ctx.db, branch.jurisdiction);
  return { branch, taxRates, today: localDateAt(ctx.clock.now(), branch.timezone) };
}
