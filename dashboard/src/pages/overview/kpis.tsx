// Overview KPIs (analytics): the last 30 days against the 30 before, per currency, and billed vs
// collected for the last six months.
import { useMemo } from "react";
import { useApi, useBranches } from "../../lib/data.ts";
import { changePct, formatPct, formatRatio, last30Days, loadBilledVsCollected, loadOverview } from "../../lib/analytics.ts";
import { formatMoney, localeOf, minorToDecimalString } from "../../lib/format.ts";
import { Card, Stat } from "../../ui/bits.tsx";
import { Chart } from "../../ui/lazy-chart.tsx";
import { ErrorState, Loading } from "../../ui/states.tsx";

export function OverviewKpis() {
  const branches = useBranches();
  const period = useMemo(() => last30Days(), []);
  const kpis = useApi((signal) => loadOverview(period, signal), [period]);
  const months = useApi((signal) => loadBilledVsCollected(6, signal), []);
  const localeFor = (currency: string) => localeOf(branches.list.find((b) => b.currency === currency));

  const option = useMemo(() => {
    const data = months.data ?? [];
    const currencies = [...new Set(data.flatMap((m) => m.rows.map((r) => r.currency)))].sort();
    const value = (m: (typeof data)[number], c: string, f: "billed" | "collected") => Number(minorToDecimalString(m.rows.find((r) => r.currency === c)?.[f] ?? 0, c));
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.map((m) => m.month) },
      yAxis: { type: "value" },
      series: currencies.flatMap((c) => [
        { name: `Billed ${c}`, type: "bar", barMaxWidth: 22, data: data.map((m) => value(m, c, "billed")) },
        { name: `Collected ${c}`, type: "bar", barMaxWidth: 22, data: data.map((m) => value(m, c, "collected")) },
      ]),
    };
  }, [months.data]);

  return (
    <>
      <h2 className="section-title">Last 30 days</h2>
      {kpis.error ? (
        <ErrorState error={kpis.error} onRetry={kpis.reload} />
      ) : !kpis.data ? (
        <Loading rows={2} />
      ) : kpis.data.length === 0 ? (
        <p className="muted">Nothing billed or collected in the last 30 days.</p>
      ) : (
        kpis.data.map((k) => {
          const money = (v: number) => formatMoney(v, k.currency, localeFor(k.currency));
          const vs = (now: number, before: number) => `${formatPct(changePct(now, before))} vs previous 30 days`;
          return (
            <div className="stats analytics-kpis" key={k.currency} data-currency={k.currency}>
              <Stat label={`Billed · ${k.currency}`} value={money(k.billed)} hint={vs(k.billed, k.previous.billed)} />
              <Stat label={`Collected · ${k.currency}`} value={money(k.collected)} hint={vs(k.collected, k.previous.collected)} />
              <Stat label={`Recognized · ${k.currency}`} value={money(k.recognized)} hint={vs(k.recognized, k.previous.recognized)} />
              <Stat label={`Credited · ${k.currency}`} value={money(k.credited)} hint={vs(k.credited, k.previous.credited)} />
              <Stat label={`Outstanding · ${k.currency}`} value={money(k.outstanding)} hint={`${formatRatio(k.overduePct, " %")} overdue`} />
              <Stat label={`DSO · ${k.currency}`} value={formatRatio(k.dso, " d")} hint={`avg ${formatRatio(k.avgDaysToPay, " days")} to pay`} />
            </div>
          );
        })
      )}
      <Card title="Billed vs collected by month">
        {months.error ? <ErrorState error={months.error} onRetry={months.reload} /> : months.data ? <Chart option={option} label="Billed and collected per month and currency" /> : <Loading rows={5} />}
      </Card>
    </>
  );
}
