// The BI feed's tables (documented in docs/bi.md): each a fixed column list and a function
// building one day's partition from the analytics rollup.
import type { BillingContext } from "../billing/context.ts";
import { cellsOfDay, sumRollup } from "../db/analytics-rollups.ts";
import { disputedInvoiceCountsByMonth } from "../db/analytics-disputes.ts";
import { collectionsOfDay } from "../db/bi-collections.ts";
import { agingByBranch } from "../db/receivables.ts";
import { AGING_BUCKETS } from "../domain/aging.ts";
import { zeroAmounts, type CellAmounts } from "../domain/analytics/cells.ts";
import { avgDaysLate, cei, disputeRate, dso, overduePct } from "../domain/analytics/kpis.ts";
import { monthRangeDays, periodDays } from "../domain/analytics/periods.ts";
import { periodSums, plus } from "../analytics/overview.ts";
import type { BiColumn, BiRow } from "./parquet.ts";
import { CAPABILITY_TABLES } from "./capability-tables.ts";

export interface BiTable {
  name: string;
  description: string;
  columns: BiColumn[];
  rows(ctx: BillingContext, date: string): Promise<BiRow[]>;
}

const money = (name: string): BiColumn => ({ name, type: "int64" });

const revenueDaily: BiTable = {
  name: "revenue_daily",
  description: "the rollup cells of the day: billed, credited, recognized, collected by branch × service type × currency",
  columns: [
    { name: "day", type: "date" },
    { name: "branch_id", type: "string" },
    { name: "service_type_id", type: "string", nullable: true },
    { name: "currency", type: "string" },
    money("billed_gross"),
    money("billed_net"),
    money("credited_gross"),
    money("credited_net"),
    money("recognized"),
    money("collected"),
  ],
  async rows(ctx, date) {
    const cells = await cellsOfDay(ctx.db, ctx.franchiseId, date);
    return cells.map((c) => ({
      day: c.day,
      branch_id: c.branchId,
      service_type_id: c.serviceTypeId === "" ? null : c.serviceTypeId,
      currency: c.currency,
      billed_gross: c.billedGross,
      billed_net: c.billedNet,
      credited_gross: c.creditedGross,
      credited_net: c.creditedNet,
      recognized: c.recognized,
      collected: c.collected,
    }));
  },
};

const revenueMonthly: BiTable = {
  name: "revenue_monthly",
  description: "billed vs credited vs recognized (net) by month × branch × currency, and the deferred balance at each month end, as of the partition date",
  columns: [
    { name: "month", type: "string" },
    { name: "branch_id", type: "string" },
    { name: "currency", type: "string" },
    money("billed"),
    money("credited"),
    money("recognized"),
    money("deferred_end"),
  ],
  async rows(ctx, date) {
    const rows = await sumRollup(ctx.db, { franchiseId: ctx.franchiseId, branchScope: null }, null, date, "month_branch");
    const deferred = new Map<string, number>();
    return rows.map((r) => {
      const [month, branchId] = r.group.split("|") as [string, string];
      const k = `${branchId}|${r.currency}`;
      const d = (deferred.get(k) ?? 0) + r.billedNet - r.creditedNet - r.recognized;
      deferred.set(k, d);
      return { month, branch_id: branchId, currency: r.currency, billed: r.billedNet, credited: r.creditedNet, recognized: r.recognized, deferred_end: d };
    });
  },
};

const ratio = (name: string): BiColumn => ({ name, type: "double", nullable: true });
const count = (name: string): BiColumn => ({ name, type: "int64" });

const branchKpis: BiTable = {
  name: "branch_kpis",
  description: "per month × branch × currency up to the partition date (the last month to date): billed, collected, recognized, DSO, CEI, overdue %, average days late, dispute rate",
  columns: [
    { name: "month", type: "string" },
    { name: "branch_id", type: "string" },
    { name: "currency", type: "string" },
    money("billed"),
    money("collected"),
    money("recognized"),
    money("outstanding_end"),
    money("overdue_end"),
    ratio("dso"),
    ratio("cei"),
    ratio("overdue_pct"),
    ratio("avg_days_late"),
    count("invoices_issued"),
    count("invoices_disputed"),
    ratio("dispute_rate"),
  ],
  async rows(ctx, date) {
    const [sums, disputes] = await Promise.all([
      sumRollup(ctx.db, { franchiseId: ctx.franchiseId, branchScope: null }, null, date, "month_branch"),
      disputedInvoiceCountsByMonth(ctx.db, ctx.franchiseId, date),
    ]);
    const disputed = new Map(disputes.map((d) => [`${d.month}|${d.branchId}|${d.currency}`, d.disputed]));
    const rows = sums.map((r) => {
      const [month, branchId] = r.group.split("|") as [string, string];
      return { month, branchId, sums: r as CellAmounts, currency: r.currency };
    });
    rows.sort((a, b) => a.branchId.localeCompare(b.branchId) || a.currency.localeCompare(b.currency) || a.month.localeCompare(b.month));
    // Balances carry from month to month within a branch × currency (rows are in that order).
    const opening = new Map<string, CellAmounts>();
    return rows.map(({ month, branchId, currency, sums: m }) => {
      const k = `${branchId}|${currency}`;
      const start = opening.get(k) ?? zeroAmounts();
      const period = monthRangeDays(month, month);
      const s = periodSums(start, m, periodDays({ from: period.from, to: period.to < date ? period.to : date }));
      opening.set(k, plus(start, m));
      const invoicesDisputed = disputed.get(`${month}|${k}`) ?? 0;
      return {
        month,
        branch_id: branchId,
        currency,
        billed: s.billed,
        collected: s.collected,
        recognized: s.recognized,
        outstanding_end: s.outstandingEnd,
        overdue_end: s.overdueEnd,
        dso: dso(s),
        cei: cei(s),
        overdue_pct: overduePct(s),
        avg_days_late: avgDaysLate(s),
        invoices_issued: m.invoicesIssued,
        invoices_disputed: invoicesDisputed,
        dispute_rate: disputeRate(invoicesDisputed, m.invoicesIssued),
      };
    });
  },
};

const arAging: BiTable = {
  name: "ar_aging",
  description: "open receivables by branch × currency × aging bucket, aged as of the partition date (balances as they stand when the export runs)",
  columns: [
    { name: "as_of", type: "date" },
    { name: "branch_id", type: "string" },
    { name: "currency", type: "string" },
    { name: "bucket", type: "string" },
    money("amount"),
    count("invoices"),
  ],
  async rows(ctx, date) {
    const cells = await agingByBranch(ctx.db, ctx.franchiseId, { asOf: date, todays: new Map(), branchScope: null, topCustomers: 0 });
    const order = (b: string) => (AGING_BUCKETS as readonly string[]).indexOf(b);
    return cells
      .toSorted((a, b) => a.branchId.localeCompare(b.branchId) || a.currency.localeCompare(b.currency) || order(a.bucket) - order(b.bucket))
      .map((c) => ({ as_of: date, branch_id: c.branchId, currency: c.currency, bucket: c.bucket, amount: c.amount, invoices: c.count }));
  },
};

const collections: BiTable = {
  name: "collections",
  description: "cash applied to invoices (payment allocations, not customer credit) by the payment's day × the invoice's branch × currency × payment method",
  columns: [
    { name: "day", type: "date" },
    { name: "branch_id", type: "string" },
    { name: "currency", type: "string" },
    { name: "method", type: "string" },
    money("amount"),
    count("payments"),
    count("invoices"),
  ],
  async rows(ctx, date) {
    const rows = await collectionsOfDay(ctx.db, ctx.franchiseId, date);
    return rows.map((r) => ({ day: date, branch_id: r.branchId, currency: r.currency, method: r.method, amount: r.amount, payments: r.payments, invoices: r.invoices }));
  },
};

export const BI_TABLES: readonly BiTable[] = [revenueDaily, revenueMonthly, branchKpis, arAging, collections, ...CAPABILITY_TABLES];
