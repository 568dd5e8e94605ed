// The branch comparison: a sortable table with the network median, a chart of revenue by
// branch, and a CSV export whose cells cannot run as spreadsheet formulas.
import { useMemo } from "react";
import { toCsv } from "../../../../workers/domain/csv.ts";
import type { BranchComparison, BranchRow } from "../../lib/analytics.ts";
import { formatPct, formatRatio } from "../../lib/analytics.ts";
import { minorToDecimalString } from "../../lib/format.ts";
import { Card, Money } from "../../ui/bits.tsx";
import { Chart } from "../../ui/lazy-chart.tsx";
import { type Column, DataTable } from "../../ui/table.tsx";

export function branchCsv(data: BranchComparison): string {
  const header = ["rank", "code", "branch", "currency", "revenue", "revenue_previous", "growth_pct", "dso", "cei", "overdue_pct", "avg_days_late", "dispute_rate"];
  return toCsv(
    data.data.map((b) => [b.rank, b.code, b.name, b.currency, minorToDecimalString(b.revenue, b.currency), minorToDecimalString(b.revenuePrevious, b.currency), b.growthPct, b.dso, b.cei, b.overduePct, b.avgDaysLate, b.disputeRate]),
    header,
  );
}

function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function BranchComparisonCard({ data, period }: { data: BranchComparison; period: { from: string; to: string } }) {
  const m = data.median;
  const cols: Column<BranchRow>[] = [
    { key: "rank", header: "Rank", numeric: true, cell: (b) => b.rank, sort: (b) => b.rank },
    { key: "branch", header: "Branch", cell: (b) => <strong>{b.code}</strong>, sort: (b) => b.code },
    { key: "revenue", header: "Revenue", numeric: true, cell: (b) => <Money minor={b.revenue} currency={b.currency} branchId={b.branchId} />, sort: (b) => b.revenue },
    { key: "growth", header: "Growth", numeric: true, cell: (b) => formatPct(b.growthPct), sort: (b) => b.growthPct ?? -Infinity },
    { key: "dso", header: "DSO", numeric: true, cell: (b) => formatRatio(b.dso), sort: (b) => b.dso ?? Infinity },
    { key: "cei", header: "CEI %", numeric: true, cell: (b) => formatRatio(b.cei), sort: (b) => b.cei ?? -Infinity, secondary: true },
    { key: "overdue", header: "Overdue %", numeric: true, cell: (b) => formatRatio(b.overduePct), sort: (b) => b.overduePct ?? Infinity, secondary: true },
    { key: "late", header: "Avg days late", numeric: true, cell: (b) => formatRatio(b.avgDaysLate), sort: (b) => b.avgDaysLate ?? Infinity, secondary: true },
    { key: "disputes", header: "Dispute rate %", numeric: true, cell: (b) => formatRatio(b.disputeRate), sort: (b) => b.disputeRate ?? Infinity, secondary: true },
    { key: "vs", header: "DSO vs median", numeric: true, cell: (b) => formatRatio(b.vsMedian.dso), sort: (b) => b.vsMedian.dso ?? Infinity, secondary: true },
  ];
  const option = useMemo(
    () => ({
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.data.map((b) => `${b.code} (${b.currency})`), axisLabel: { interval: 0, rotate: data.data.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", name: "CEI %" },
      series: [{ name: "CEI %", type: "bar", barMaxWidth: 30, data: data.data.map((b) => b.cei ?? 0) }, { name: "Network median", type: "line", data: data.data.map(() => m.cei ?? 0), symbol: "none" }],
    }),
    [data, m.cei],
  );
  return (
    <Card
      title="Branch comparison"
      actions={
        <button type="button" className="btn" onClick={() => download(`branches-${period.from}-${period.to}.csv`, branchCsv(data))}>
          Export CSV
        </button>
      }
    >
      <p className="muted small">
        Network median: DSO {formatRatio(m.dso)} · CEI {formatRatio(m.cei, " %")} · overdue {formatRatio(m.overduePct, " %")} · growth {formatPct(m.growthPct)}
      </p>
      {data.data.length === 0 ? <p className="muted">No branch has figures in this period.</p> : <DataTable caption="Branch comparison" columns={cols} rows={data.data} rowKey={(b) => `${b.branchId}-${b.currency}`} sortParam="bsort" />}
      {data.data.length > 0 && <Chart option={option} label="Collection effectiveness by branch, with the network median" />}
    </Card>
  );
}
