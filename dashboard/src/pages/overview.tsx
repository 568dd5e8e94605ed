import { useMemo } from "react";
import type { OverdueCustomer } from "../api/types.ts";
import { useApi, useBranches } from "../lib/data.ts";
import { formatMoney, formatNumber, localeOf, todayIn } from "../lib/format.ts";
import { BUCKET_LABELS, BUCKETS, loadOverviewAging, overdueByCurrency } from "../lib/receivables.ts";
import { Link } from "../lib/router.tsx";
import { useSession } from "../lib/session.ts";
import { Card, DateText, Money, PageHeader, Stat } from "../ui/bits.tsx";
import { Chart } from "../ui/lazy-chart.tsx";
import { ErrorState, Loading } from "../ui/states.tsx";
import { type Column, DataTable } from "../ui/table.tsx";
import type { Branch } from "../api/types.ts";
import { OverviewKpis } from "./overview/kpis.tsx";

export function Overview() {
  const session = useSession();
  const branches = useBranches();
  // Aging from GET /v1/receivables/aging: network-wide, and per branch for the branch table.
  const overdue = useApi((signal) => loadOverviewAging(branches.list, signal), [branches.list]);
  const aging = useMemo(() => overdueByCurrency(overdue.data?.network), [overdue.data]);
  const worst = overdue.data?.network.topOverdueCustomers ?? [];
  const greeting = new Intl.DateTimeFormat(navigator.language || "en-GB", { weekday: "long", day: "numeric", month: "long" }).format(Date.now());

  const option = useMemo(
    () => ({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: BUCKETS.map((b) => BUCKET_LABELS[b]), axisLabel: { interval: 0 } },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: aging.map((row) => ({
        name: row.currency,
        type: "bar",
        barMaxWidth: 34,
        data: BUCKETS.map((b) => (row.total ? Math.round((row.buckets[b] / row.total) * 1000) / 10 : 0)),
      })),
    }),
    [aging],
  );

  const branchCols: Column<Branch>[] = [
    { key: "code", header: "Code", cell: (b) => <strong>{b.code}</strong>, sort: (b) => b.code },
    { key: "name", header: "Branch", cell: (b) => <Link className="link" href={`/invoices?branchId=${b.id}`}>{b.name}</Link>, sort: (b) => b.name },
    { key: "tz", header: "Timezone", cell: (b) => b.timezone, secondary: true },
    { key: "today", header: "Local date", cell: (b) => <DateText date={todayIn(b.timezone)} branchId={b.id} />, secondary: true },
    { key: "currency", header: "Currency", cell: (b) => b.currency, sort: (b) => b.currency },
    {
      key: "overdue",
      header: "Overdue",
      numeric: true,
      cell: (b) => {
        if (!overdue.data) return <span className="placeholder">…</span>;
        // Never summed across currencies: one amount per currency the branch has overdue.
        const rows = overdueByCurrency(overdue.data.byBranch.get(b.id));
        if (rows.length === 0) return <Money minor={0} currency={b.currency} branchId={b.id} />;
        return rows.map((r, i) => (
          <span key={r.currency}>
            {i > 0 && " · "}
            <Money minor={r.total} currency={r.currency} branchId={b.id} />
          </span>
        ));
      },
    },
  ];

  const worstCols: Column<OverdueCustomer>[] = [
    { key: "customer", header: "Customer", cell: (c) => <Link className="link" href={`/customers/${c.customerId}`}>{c.customerName}</Link>, sort: (c) => c.customerName },
    { key: "invoices", header: "Invoices", numeric: true, cell: (c) => formatNumber(c.invoices), secondary: true },
    { key: "days", header: "Oldest, days late", numeric: true, cell: (c) => formatNumber(c.oldestDaysPastDue), secondary: true },
    { key: "balance", header: "Overdue", numeric: true, cell: (c) => formatMoney(c.amount, c.currency, localeOf(branches.list.find((b) => b.currency === c.currency))) },
  ];

  return (
    <>
      <PageHeader title={`Good to see you, ${session?.user.name.split(" ")[0] ?? ""}`} subtitle={`${greeting} · ${branches.list.length} branches`} />
      <OverviewKpis />
      <h2 className="section-title">Overdue now</h2>
      <div className="stats">
        {overdue.loading && !overdue.data ? (
          <Stat label="Overdue receivables" value={<span className="placeholder">Calculating…</span>} />
        ) : (
          aging.map((row) => {
            const branch = branches.list.find((b) => b.currency === row.currency);
            return (
              <Stat
                key={row.currency}
                label={`Overdue · ${row.currency}`}
                value={formatMoney(row.total, row.currency, localeOf(branch))}
                hint={`${formatNumber(row.count)} invoices · ${row.total ? Math.round((row.buckets["90+"] / row.total) * 100) : 0}% over 90 days`}
                tone="bad"
              />
            );
          })
        )}
        {overdue.data && aging.length === 0 && <Stat label="Overdue receivables" value="None" tone="good" hint="Every issued invoice is within terms" />}
      </div>
      <div className="grid-2">
        <Card title="Share of overdue balance by age" actions={<Link className="link small" href="/receivables">Receivables report →</Link>}>
          {overdue.error ? <ErrorState error={overdue.error} onRetry={overdue.reload} /> : overdue.data ? <Chart option={option} label="Share of overdue balance by aging bucket, per currency" /> : <Loading rows={5} />}
        </Card>
        <Card title="Largest overdue balances" actions={<Link className="link small" href="/invoices?overdue=true">All overdue →</Link>}>
          {overdue.error ? <ErrorState error={overdue.error} onRetry={overdue.reload} /> : overdue.data ? <DataTable caption="Largest overdue balances" columns={worstCols} rows={worst} rowKey={(c) => `${c.customerId}|${c.currency}`} rowHref={(c) => `/customers/${c.customerId}`} sortParam="wsort" /> : <Loading rows={5} />}
        </Card>
      </div>
      <Card title="Branches">
        <DataTable caption="Branches" columns={branchCols} rows={branches.list} rowKey={(b) => b.id} sortParam="bsort" />
      </Card>
    </>
  );
}
