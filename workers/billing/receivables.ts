// Receivables aging: D1 sums the open invoices (workers/db/receivables.ts), the domain shapes the report.
import { agingByCurrency, topOverdueCustomers, type OverdueCustomerRow } from "../db/receivables.ts";
import { currencyAging, type CurrencyAging } from "../domain/aging-report.ts";
import type { BillingContext } from "./context.ts";

export interface AgingReport {
  currencies: CurrencyAging[];
  topOverdueCustomers: OverdueCustomerRow[];
}

/** `todays`: each branch's local date, used when no `asOf` is given. */
export async function receivablesAging(
  ctx: BillingContext,
  q: { branchId?: string | undefined; asOf?: string | undefined; todays: ReadonlyMap<string, string>; top: number },
): Promise<AgingReport> {
  const { todays } = q;
  const query = { branchId: q.branchId, asOf: q.asOf, todays, branchScope: ctx.branchScope, topCustomers: q.top };
  const [sums, top] = await Promise.all([agingByCurrency(ctx.db, ctx.franchiseId, query), topOverdueCustomers(ctx.db, ctx.franchiseId, query)]);
  return { currencies: currencyAging(sums), topOverdueCustomers: top };
}
