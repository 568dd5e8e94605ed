import { useMemo } from "react";
import { api, ok } from "../api/client.ts";
import type { AgingBucket, CurrencyAging, OverdueCustomer } from "../api/types.ts";
import { useApi, useBranches } from "../lib/data.ts";
import { formatMoney, formatNumber, learnMinorUnits, localeOf, minorUnitDigits } from "../lib/format.ts";
import { Link, useQueryState } from "../lib/router.tsx";
import { Card, PageHeader } from "../ui/bits.tsx";
import { Chart } from "../ui/lazy-chart.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";
import { type Column, DataTable } from "../ui/table.tsx";

// The server's buckets, in order: not yet due, then by days past due.
const BUCKETS: AgingBucket[] = ["current", "1-30", "31-60", "61-90", "90+"];
const LABELS: Record<AgingBucket, string> = { current: "Current", "1-30": "1–30 days", "31-60": "31–60 days", "61-90": "61–90 days", "90+": "90+ days" };
const COLORS: Record<AgingBucket, string> = { current: "#2b8a3e", "1-30": "#f59f00", "31-60": "#f76707", "61-90": "#e03131", "90+": "#a61e4d" };

export function Receivables() {
  const q = useQueryState();
  const branches = useBranches();
  const branchId = q.get("branchId");
  const report = useApi(
    async (signal) => {
      const r = await ok(api.GET("/v1/receivables/aging", { params: { query: { branchId, top: 10 } }, signal }));
      for (const c of r.currencies) learnMinorUnits(c.currency, c.minorUnits);
      return r;
    },
    [branchId],
  );
  const scope = useMemo(() => (branchId ? branches.list.filter((b) => b.id === branchId) : branches.list), [branches.list, branchId]);
  // A currency's amounts read in the locale of a branch that bills in it.
  const localeFor = (currency: string) => localeOf(scope.find((b) => b.currency === currency) ?? branches.list.find((b) => b.currency === currency));
  const money = (minor: number, currency: string, compact = false) => formatMoney(minor, currency, localeFor(currency), { compact });
  const currencies = report.data?.currencies ?? [];
  const bucket = (c: CurrencyAging, b: AgingBucket) => c.buckets.find((x) => x.bucket === b) ?? { bucket: b, amount: 0, count: 0 };

  const charts = currencies.map((row) => {
    const scale = 10 ** minorUnitDigits(row.currency);
    return {
      row,
      option: {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v: number) => money(Math.round(v * scale), row.currency) },
        grid: { left: 8, right: 16, top: 16, bottom: 28, containLabel: true },
        xAxis: { type: "category", data: BUCKETS.map((b) => LABELS[b].replace(" days", "")), axisLabel: { interval: 0 }, name: "days past due", nameLocation: "middle", nameGap: 26 },
        yAxis: { type: "value", axisLabel: { formatter: (v: number) => money(Math.round(v * scale), row.currency, true) } },
        series: [{ type: "bar", name: row.currency, barMaxWidth: 48, data: BUCKETS.map((b) => ({ value: bucket(row, b).amount / scale, itemStyle: { color: COLORS[b] } })), itemStyle: { borderRadius: [4, 4, 0, 0] } }],
      },
    };
  });

  const agingCols: Column<CurrencyAging>[] = [
    { key: "currency", header: "Currency", cell: (r) => <strong>{r.currency}</strong>, sort: (r) => r.currency },
    ...BUCKETS.map((b) => ({
      key: b,
      header: LABELS[b],
      numeric: true,
      sort: (r: CurrencyAging) => bucket(r, b).amount,
      cell: (r: CurrencyAging) => (
        <span title={`${formatNumber(bucket(r, b).count)} invoice${bucket(r, b).count === 1 ? "" : "s"}`}>{money(bucket(r, b).amount, r.currency)}</span>
      ),
    })),
    { key: "overdue", header: "Overdue", numeric: true, sort: (r) => r.overdue.amount, cell: (r) => <strong>{money(r.overdue.amount, r.currency)}</strong> },
    { key: "total", header: "Total open", numeric: true, sort: (r) => r.total.amount, cell: (r) => money(r.total.amount, r.currency), secondary: true },
    { key: "count", header: "Open invoices", numeric: true, sort: (r) => r.total.count, cell: (r) => formatNumber(r.total.count), secondary: true },
  ];

  const overdueHref = (c: OverdueCustomer) => `/invoices?customerId=${c.customerId}&overdue=true${branchId ? `&branchId=${branchId}` : ""}`;
  const topCols: Column<OverdueCustomer>[] = [
    { key: "customer", header: "Customer", cell: (c) => <Link className="link" href={`/customers/${c.customerId}`}>{c.customerName}</Link>, sort: (c) => c.customerName },
    { key: "invoices", header: "Overdue invoices", numeric: true, secondary: true, sort: (c) => c.invoices, cell: (c) => <Link className="link" href={overdueHref(c)}>{formatNumber(c.invoices)}</Link> },
    { key: "oldest", header: "Oldest (days)", numeric: true, sort: (c) => c.oldestDaysPastDue, cell: (c) => formatNumber(c.oldestDaysPastDue), secondary: true },
    { key: "balance", header: "Overdue balance", numeric: true, sort: (c) => c.amount, cell: (c) => money(c.amount, c.currency) },
  ];

  return (
    <>
      <PageHeader
        title="Receivables"
        subtitle="Open balances by age in each currency: current (not yet due) and days past due, as of each branch's today."
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
      {report.error ? (
        <ErrorState error={report.error} onRetry={report.reload} />
      ) : !report.data ? (
        <Card title="Aging">
          <Loading rows={8} label="Loading receivables" />
        </Card>
      ) : currencies.length === 0 ? (
        <Card>
          <Empty title="Nothing open" icon="✓">
            No issued invoice in this selection has a balance left to collect.
          </Empty>
        </Card>
      ) : (
        <>
          <div className={`grid-${Math.min(charts.length, 3)}`}>
            {charts.map(({ row, option }) => (
              <Card key={row.currency} title={`Receivables ${row.currency}`} actions={<span className="muted small">{money(row.overdue.amount, row.currency)} overdue</span>}>
                <Chart option={option} height={220} label={`Open ${row.currency} balances by aging bucket`} />
              </Card>
            ))}
          </div>
          <Card title="Aging by bucket">
            <DataTable caption="Open balance by aging bucket and currency" columns={agingCols} rows={currencies} rowKey={(r) => r.currency} sortParam="asort" />
          </Card>
          <Card title="Top overdue customers">
            {report.data.topOverdueCustomers.length === 0 ? (
              <Empty title="Nobody is overdue" icon="✓">
                Every open balance in this selection is still within its terms.
              </Empty>
            ) : (
              <DataTable
                caption="Customers with the largest overdue balances"
                columns={topCols}
                rows={report.data.topOverdueCustomers}
                rowKey={(c) => `${c.customerId}|${c.currency}`}
                rowHref={(c) => `/customers/${c.customerId}`}
                sortParam="csort"
              />
            )}
          </Card>
        </>
      )}
    </>
  );
}
