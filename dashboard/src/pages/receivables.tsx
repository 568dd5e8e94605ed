import { useMemo } from "react";
import { useApi, useBranches } from "../lib/data.ts";
import { formatMoney, formatNumber, localeOf, minorUnitDigits } from "../lib/format.ts";

const AGE_COLORS = ["#f59f00", "#f76707", "#e03131", "#a61e4d"];
import { agingByCurrency, type AgingRow, BUCKET_LABELS, BUCKETS, loadOverdue, type OverdueCustomer, topOverdueCustomers } from "../lib/receivables.ts";
import { Link, useQueryState } from "../lib/router.tsx";
import { BranchName, Card, Money, PageHeader } from "../ui/bits.tsx";
import { Chart } from "../ui/lazy-chart.tsx";
import { CustomerLink } from "../ui/customer-link.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";
import { type Column, DataTable } from "../ui/table.tsx";

export function Receivables() {
  const q = useQueryState();
  const branches = useBranches();
  const branchId = q.get("branchId");
  const scope = useMemo(() => (branchId ? branches.list.filter((b) => b.id === branchId) : branches.list), [branches.list, branchId]);
  const overdue = useApi((signal) => loadOverdue(branches.list, signal), [branches.list]);
  const invoices = useMemo(() => (overdue.data?.invoices ?? []).filter((i) => !branchId || i.branchId === branchId), [overdue.data, branchId]);
  const aging = useMemo(() => agingByCurrency(invoices), [invoices]);
  const top = useMemo(() => topOverdueCustomers(invoices, 10), [invoices]);
  const localeFor = (currency: string) => localeOf(scope.find((b) => b.currency === currency));

  const charts = aging.map((row) => {
    const scale = 10 ** minorUnitDigits(row.currency);
    const money = (major: number, compact = false) => formatMoney(Math.round(major * scale), row.currency, localeFor(row.currency), { compact });
    return {
      row,
      option: {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v: number) => money(v) },
        grid: { left: 8, right: 16, top: 16, bottom: 24, containLabel: true },
        xAxis: { type: "category", data: BUCKETS.map((b) => BUCKET_LABELS[b].replace(" days", "")), axisLabel: { interval: 0 }, name: "days overdue", nameLocation: "middle", nameGap: 26 },
        yAxis: { type: "value", axisLabel: { formatter: (v: number) => money(v, true) } },
        series: [{ type: "bar", name: row.currency, barMaxWidth: 48, data: BUCKETS.map((b, i) => ({ value: row.buckets[b] / scale, itemStyle: { color: AGE_COLORS[i] } })), itemStyle: { borderRadius: [4, 4, 0, 0] } }],
      },
    };
  });

  const agingCols: Column<AgingRow>[] = [
    { key: "currency", header: "Currency", cell: (r) => <strong>{r.currency}</strong>, sort: (r) => r.currency },
    ...BUCKETS.map((b) => ({ key: b, header: BUCKET_LABELS[b], numeric: true, sort: (r: AgingRow) => r.buckets[b], cell: (r: AgingRow) => formatMoney(r.buckets[b], r.currency, localeFor(r.currency)) })),
    { key: "total", header: "Total overdue", numeric: true, sort: (r) => r.total, cell: (r) => <strong>{formatMoney(r.total, r.currency, localeFor(r.currency))}</strong> },
    { key: "count", header: "Invoices", numeric: true, sort: (r) => r.count, cell: (r) => formatNumber(r.count), secondary: true },
  ];

  const topCols: Column<OverdueCustomer>[] = [
    { key: "customer", header: "Customer", cell: (c) => <CustomerLink id={c.customerId} /> },
    { key: "branch", header: "Branch", cell: (c) => <BranchName branchId={c.branchId} />, secondary: true },
    { key: "invoices", header: "Overdue invoices", numeric: true, secondary: true, sort: (c) => c.invoices, cell: (c) => <Link className="link" href={`/invoices?customerId=${c.customerId}&overdue=true`}>{formatNumber(c.invoices)}</Link> },
    { key: "oldest", header: "Oldest (days)", numeric: true, sort: (c) => c.oldestDays, cell: (c) => formatNumber(c.oldestDays), secondary: true },
    { key: "balance", header: "Overdue balance", numeric: true, sort: (c) => c.balance, cell: (c) => <Money minor={c.balance} currency={c.currency} branchId={c.branchId} /> },
  ];

  return (
    <>
      <PageHeader
        title="Receivables"
        subtitle="Overdue balances by age, in each currency. Invoices not yet due are not included."
        actions={
          <label className="inline-field">
            <span>Branch</span>
            <select value={branchId ?? ""} onChange={(e) => q.set({ branchId: e.target.value || undefined })}>
              <option value="">All branches</option>
              {branches.list.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.code} · {b.name}
                </option>
              ))}
            </select>
          </label>
        }
      />
      {overdue.error ? (
        <ErrorState error={overdue.error} onRetry={overdue.reload} />
      ) : !overdue.data ? (
        <Card title="Aging">
          <Loading rows={8} label="Loading overdue invoices" />
        </Card>
      ) : aging.length === 0 ? (
        <Card>
          <Empty title="Nothing overdue" icon="✓">No invoice in this selection is past its due date.</Empty>
        </Card>
      ) : (
        <>
          <div className={`grid-${Math.min(charts.length, 3)}`}>
            {charts.map(({ row, option }) => (
              <Card key={row.currency} title={`Overdue ${row.currency}`} actions={<span className="muted small">{formatMoney(row.total, row.currency, localeFor(row.currency))}</span>}>
                <Chart option={option} height={220} label={`Overdue ${row.currency} by aging bucket`} />
              </Card>
            ))}
          </div>
          <Card title="Aging by bucket">
            <DataTable caption="Overdue balance by aging bucket and currency" columns={agingCols} rows={aging} rowKey={(r) => r.currency} sortParam="asort" />
          </Card>
          <Card title="Top overdue customers">
            <DataTable caption="Customers with the largest overdue balances" columns={topCols} rows={top} rowKey={(c) => `${c.customerId}|${c.currency}`} rowHref={(c) => `/customers/${c.customerId}`} sortParam="csort" />
          </Card>
        </>
      )}
    </>
  );
}
