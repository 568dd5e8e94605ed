// The cash-flow chart: collected per month (bars) then the forecast (line) with 80 % and 95 %
// bands, drawn as stacked areas (an invisible floor, then the band's height on top).
import type { CashflowForecast } from "../../api/types.ts";
import { formatMoney, minorUnitDigits } from "../../lib/format.ts";
import { Chart } from "../../ui/lazy-chart.tsx";

export function CashflowChart({ fc, view, locale }: { fc: CashflowForecast; view: "weeks" | "months"; locale: string }) {
  const currency = fc.currency ?? "EUR";
  const scale = 10 ** minorUnitDigits(currency);
  const periods = view === "weeks" ? fc.weeks : fc.months;
  const actuals = view === "months" ? fc.actuals.filter((a) => a.month < fc.asOf.slice(0, 7)) : [];
  const labels = [...actuals.map((a) => a.month), ...periods.map((p) => (view === "weeks" ? p.start.slice(5) : p.start.slice(0, 7)))];
  const pad = actuals.map(() => null);
  const major = (v: number) => v / scale;
  const money = (v: number, compact = false) => formatMoney(Math.round(v * scale), currency, locale, { compact });
  const band = (lo: (p: (typeof periods)[number]) => number, hi: (p: (typeof periods)[number]) => number, name: string, color: string) => [
    { name: `${name} floor`, type: "line", stack: name, data: [...pad, ...periods.map((p) => major(lo(p)))], lineStyle: { opacity: 0 }, symbol: "none", tooltip: { show: false } },
    { name, type: "line", stack: name, data: [...pad, ...periods.map((p) => major(hi(p) - lo(p)))], lineStyle: { opacity: 0 }, symbol: "none", areaStyle: { color }, tooltip: { show: false } },
  ];
  const option = {
    tooltip: { trigger: "axis", valueFormatter: (v: number | null) => (v === null || v === undefined ? "–" : money(v)) },
    legend: { data: ["Collected", "Expected", "80 % interval", "95 % interval"], bottom: 0 },
    grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
    xAxis: { type: "category", data: labels },
    yAxis: { type: "value", axisLabel: { formatter: (v: number) => money(v, true) } },
    series: [
      ...band((p) => p.lo95, (p) => p.hi95, "95 % interval", "rgba(51, 154, 240, 0.15)"),
      ...band((p) => p.lo80, (p) => p.hi80, "80 % interval", "rgba(51, 154, 240, 0.3)"),
      { name: "Collected", type: "bar", data: [...actuals.map((a) => major(a.amount)), ...periods.map(() => null)], itemStyle: { color: "#868e96" }, barMaxWidth: 28 },
      { name: "Expected", type: "line", data: [...pad, ...periods.map((p) => major(p.expected))], itemStyle: { color: "#1c7ed6" }, symbolSize: 5 },
    ],
  };
  return <Chart option={option} height={300} label={`Expected collections by ${view === "weeks" ? "week" : "month"} with 80 % and 95 % intervals`} />;
}
