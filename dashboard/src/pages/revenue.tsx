// Revenue: recognized vs billed vs deferred by month, profitability by service type, and the
// branch comparison (all from /v1/analytics/*, amounts per currency).
import { useMemo } from "react";
import { useApi, useBranches } from "../lib/data.ts";
import { last30Days, lastMonths, loadBranches, loadProfitability, loadRevenue, type ProfitabilityRow, formatRatio } from "../lib/analytics.ts";
import { minorToDecimalString } from "../lib/format.ts";
import { Card, Money, PageHeader } from "../ui/bits.tsx";
import { Chart } from "../ui/lazy-chart.tsx";
import { ErrorState, Loading } from "../ui/states.tsx";
import { type Column, DataTable } from "../ui/table.tsx";
import { BranchComparisonCard } from "./revenue/branch-table.tsx";

type ServiceTotal = Pick<ProfitabilityRow, "currency" | "serviceTypeId" | "serviceTypeName" | "costRateBps" | "revenue" | "cost" | "margin"> & { marginPct: number | null };

export function Revenue() {
  const branches = useBranches();
  const months = useMemo(() => lastMonths(12), []);
  const from = months[0]!.month;
  const to = months[months.length - 1]!.month;
  const period = useMemo(() => last30Days(), []);
  const revenue = useApi((signal) => loadRevenue(from, to, signal), [from, to]);
  const profit = useApi((signal) => loadProfitability(from, to, signal), [from, to]);
  const compare = useApi((signal) => loadBranches(period, signal), [period]);

  const currencies = useMemo(() => [...new Set((revenue.data ?? []).map((r) => r.currency))].sort(), [revenue.data]);
  const option = useMemo(() => {
    const rows = revenue.data ?? [];
    const v = (c: string, month: string, f: "billed" | "recognized" | "deferredEnd") => Number(minorToDecimalString(rows.find((r) => r.currency === c && r.month === month)?.[f] ?? 0, c));
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: months.map((m) => m.month) },
      yAxis: { type: "value" },
      series: currencies.flatMap((c) => [
        { name: `Billed ${c}`, type: "bar", barMaxWidth: 18, data: months.map((m) => v(c, m.month, "billed")) },
        { name: `Recognized ${c}`, type: "bar", barMaxWidth: 18, data: months.map((m) => v(c, m.month, "recognized")) },
        { name: `Deferred ${c}`, type: "line", data: months.map((m) => v(c, m.month, "deferredEnd")) },
      ]),
    };
  }, [revenue.data, currencies, months]);

  const byService = useMemo<ServiceTotal[]>(() => {
    const acc = new Map<string, ServiceTotal>();
    for (const r of profit.data ?? []) {
      const k = `${r.currency}|${r.serviceTypeId ?? ""}`;
      const t = acc.get(k) ?? { currency: r.currency, serviceTypeId: r.serviceTypeId, serviceTypeName: r.serviceTypeName, costRateBps: r.costRateBps, revenue: 0, cost: 0, margin: 0, marginPct: null };
      t.revenue += r.revenue;
      t.cost += r.cost;
      t.margin += r.margin;
      t.marginPct = t.revenue === 0 ? null : Math.round((t.margin / t.revenue) * 1000) / 10;
      acc.set(k, t);
    }
    return [...acc.values()].sort((a, b) => a.currency.localeCompare(b.currency) || b.revenue - a.revenue);
  }, [profit.data]);
  const branchFor = (currency: string) => branches.list.find((b) => b.currency === currency)?.id ?? null;

  const serviceCols: Column<ServiceTotal>[] = [
    { key: "service", header: "Service type", cell: (s) => s.serviceTypeName, sort: (s) => s.serviceTypeName },
    { key: "currency", header: "Currency", cell: (s) => s.currency, sort: (s) => s.currency, secondary: true },
    { key: "revenue", header: "Revenue", numeric: true, cell: (s) => <Money minor={s.revenue} currency={s.currency} branchId={branchFor(s.currency)} />, sort: (s) => s.revenue },
    { key: "cost", header: "Cost", numeric: true, cell: (s) => <Money minor={s.cost} currency={s.currency} branchId={branchFor(s.currency)} />, sort: (s) => s.cost, secondary: true },
    { key: "margin", header: "Gross margin", numeric: true, cell: (s) => <Money minor={s.margin} currency={s.currency} branchId={branchFor(s.currency)} />, sort: (s) => s.margin },
    { key: "pct", header: "Margin %", numeric: true, cell: (s) => formatRatio(s.marginPct, " %"), sort: (s) => s.marginPct ?? -Infinity },
  ];

  return (
    <>
      <PageHeader title="Revenue" subtitle={`${from} to ${to} · recognized net of tax, per currency`} />
      <Card title="Billed vs recognized vs deferred">
        {revenue.error ? <ErrorState error={revenue.error} onRetry={revenue.reload} /> : !revenue.data ? <Loading rows={5} /> : revenue.data.length === 0 ? <p className="muted">No revenue in the last 12 months.</p> : <Chart option={option} label="Billed, recognized and deferred revenue by month" />}
      </Card>
      <Card title="Profitability by service type (12 months)">
        {profit.error ? <ErrorState error={profit.error} onRetry={profit.reload} /> : !profit.data ? <Loading rows={4} /> : byService.length === 0 ? <p className="muted">No recognized revenue yet.</p> : <DataTable caption="Profitability by service type" columns={serviceCols} rows={byService} rowKey={(s) => `${s.currency}-${s.serviceTypeId ?? "none"}`} sortParam="psort" />}
      </Card>
      {compare.error ? <ErrorState error={compare.error} onRetry={compare.reload} /> : !compare.data ? <Loading rows={5} /> : <BranchComparisonCard data={compare.data} period={period} />}
    </>
  );
}
