import { useMemo } from "react";
import type { Invoice } from "../api/types.ts";
import { useApi, useBranches } from "../lib/data.ts";
import { formatMoney, formatNumber, localeOf, todayIn } from "../lib/format.ts";
import { agingByCurrency, BUCKET_LABELS, BUCKETS, loadOverdue } from "../lib/receivables.ts";
import { Link } from "../lib/router.tsx";
import { useSession } from "../lib/session.ts";
import { BranchName, Card, DateText, Money, PageHeader, Stat } from "../ui/bits.tsx";
import { Chart } from "../ui/lazy-chart.tsx";
import { CustomerLink } from "../ui/customer-link.tsx";
import { ErrorState, Loading } from "../ui/states.tsx";
import { type Column, DataTable } from "../ui/table.tsx";
import type { Branch } from "../api/types.ts";
import { OverviewKpis } from "./overview/kpis.tsx";

export function Overview() {
  const session = useSession();
  const branches = useBranches();
  const overdue = useApi((signal) => loadOverdue(branches.list, signal), [branches.list]);
  const aging = useMemo(() => agingByCurrency(overdue.data?.invoices ?? []), [overdue.data]);
  const worst = useMemo(() => [...(overdue.data?.invoices ?? [])].sort((a, b) => b.balanceDue - a.balanceDue).slice(0, 8), [overdue.data]);
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
        const sum = overdue.data.invoices.filter((i) => i.branchId === b.id).reduce((a, i) => a + i.balanceDue, 0);
        return <Money minor={sum} currency={b.currency} branchId={b.id} />;
      },
    },
  ];

  const worstCols: Column<Invoice>[] = [
    { key: "number", header: "Invoice", cell: (i) => <Link className="link mono" href={`/invoices/${i.id}`}>{i.number ?? "Draft"}</Link> },
    { key: "customer", header: "Customer", cell: (i) => <CustomerLink id={i.customerId} /> },
    { key: "branch", header: "Branch", cell: (i) => <BranchName branchId={i.branchId} />, secondary: true },
    { key: "days", header: "Days late", numeric: true, cell: (i) => formatNumber(i.daysPastDue), secondary: true },
    { key: "balance", header: "Balance", numeric: true, cell: (i) => <Money minor={i.balanceDue} currency={i.currency} branchId={i.branchId} /> },
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
        <Card title="Largest overdue invoices" actions={<Link className="link small" href="/invoices?overdue=true">All overdue →</Link>}>
          {overdue.error ? <ErrorState error={overdue.error} onRetry={overdue.reload} /> : overdue.data ? <DataTable caption="Largest overdue invoices" columns={worstCols} rows={worst} rowKey={(i) => i.id} rowHref={(i) => `/invoices/${i.id}`} sortParam="wsort" /> : <Loading rows={5} />}
        </Card>
      </div>
      <Card title="Branches">
        <DataTable caption="Branches" columns={branchCols} rows={branches.list} rowKey={(b) => b.id} sortParam="bsort" />
      </Card>
    </>
  );
}
