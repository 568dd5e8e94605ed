// Forecast: how much cash arrives and how sure that is (13 weeks / 12 months with 80 % and 95 %
// bands over what was collected), how accurate the models were on held-out data next to the
// baselines, and which customers are likely to pay late and why.
import { useState } from "react";
import { api, ok } from "../api/client.ts";
import type { CustomerRisk, ForecastAccuracy } from "../api/types.ts";
import { useApi, useBranches } from "../lib/data.ts";
import { formatMoney, formatNumber, humanize, localeOf } from "../lib/format.ts";
import { useQueryState } from "../lib/router.tsx";
import { can, useSession } from "../lib/session.ts";
import { useAction } from "../lib/use-action.ts";
import { Card, InstantText, PageHeader } from "../ui/bits.tsx";
import { CustomerLink } from "../ui/customer-link.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";
import { type Column, DataTable } from "../ui/table.tsx";
import { CashflowChart } from "./forecast/cashflow-chart.tsx";

const pct = (v: number | null | undefined, digits = 1) => (v === null || v === undefined || !Number.isFinite(v) ? "–" : `${v.toFixed(digits)} %`);
const num = (v: number | null | undefined, digits = 3) => (v === null || v === undefined || !Number.isFinite(v) ? "–" : v.toFixed(digits));
const MODEL_LABELS: Record<string, string> = { combination: "Combination (ETS · Theta · damped)", snaive: "Seasonal naive", naive2: "Naive2" };

type ModelRow = { name: string } & NonNullable<ForecastAccuracy["forecast"]>["models"][string];

function AccuracyCards({ acc }: { acc: ForecastAccuracy }) {
  if (!acc.trainedAt) return <Empty title="Not trained yet">Retrain the models to measure their accuracy on held-out data.</Empty>;
  const rows: ModelRow[] = Object.entries(acc.forecast?.models ?? {}).map(([name, m]) => ({ name, ...m }));
  const cols: Column<ModelRow>[] = [
    { key: "model", header: "Model", cell: (r) => <strong>{MODEL_LABELS[r.name] ?? r.name}</strong> },
    { key: "smape", header: "sMAPE", numeric: true, cell: (r) => pct(r.smape), sort: (r) => r.smape ?? 0 },
    { key: "mase", header: "MASE", numeric: true, cell: (r) => num(r.mase), sort: (r) => r.mase ?? 0 },
    { key: "accuracy", header: "Accuracy (1 − WAPE)", numeric: true, cell: (r) => pct(r.accuracy) },
    { key: "bias", header: "Bias", numeric: true, secondary: true, cell: (r) => pct(r.bias) },
    { key: "cov80", header: "80 % coverage", numeric: true, secondary: true, cell: (r) => pct(r.coverage80, 0) },
    { key: "cov95", header: "95 % coverage", numeric: true, secondary: true, cell: (r) => pct(r.coverage95, 0) },
    { key: "msis", header: "MSIS", numeric: true, secondary: true, cell: (r) => num(r.msis, 2) },
  ];
  const risk = acc.risk;
  // Who asked for the run: the daily retraining schedule, or a person / API key.
  const trigger = acc.trainedBy === "system:forecast-cron" ? "by the retraining schedule" : acc.trainedBy?.startsWith("system:") ? "automatically" : "on request";
  return (
    <>
    <p className="muted small" data-testid="models-trained">
      Models trained <InstantText at={acc.trainedAt} /> {trigger}; the accuracy below is recomputed at every retrain (at least weekly, sooner once 100 new invoices arrive).
    </p>
    <div className="grid-2">
      <Card title="Billing forecast accuracy" actions={<span className="muted small">{acc.forecast ? `${acc.forecast.origins} rolling origins · ${acc.forecast.horizon} months ahead` : ""}</span>}>
        {rows.length === 0 ? <Empty title="Too little history">A backtest needs at least seven months of billing.</Empty> : <DataTable caption="Backtested accuracy next to the baselines" columns={cols} rows={rows} rowKey={(r) => r.name} sortParam="msort" />}
      </Card>
      <Card title="Late-payment model accuracy" actions={<span className="muted small">latest quarter held out</span>}>
        {!risk ? (
          <Empty title="Too little history">The risk model is measured once 40 invoices have been paid.</Empty>
        ) : (
          <table className="table">
            <caption className="visually-hidden">Risk model metrics next to the customer's own past late rate</caption>
            <thead>
              <tr>
                <th>Metric</th>
                <th className="num">Model</th>
                <th className="num">Own past late rate</th>
              </tr>
            </thead>
            <tbody>
              {(
                [
                  ["AUC (higher is better)", risk.auc, risk.baseline.auc],
                  ["Brier (lower)", risk.brier, risk.baseline.brier],
                  ["Log loss (lower)", risk.logLoss, risk.baseline.logLoss],
                  ["Days-to-settle MAE (lower)", risk.daysMae, risk.baseline.daysMae],
                ] as const
              ).map(([label, m, b]) => (
                <tr key={label}>
                  <td>{label}</td>
                  <td className="num">
                    <strong>{num(m)}</strong>
                  </td>
                  <td className="num">{num(b)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {risk && risk.calibration.length > 0 && (
          <p className="muted small">
            Calibration ({formatNumber(risk.invoices)} invoices):{" "}
            {risk.calibration.map((b) => `${Math.round(b.from * 100)}–${Math.round(b.to * 100)} %: predicted ${pct(b.meanPredicted * 100, 0)}, observed ${pct(b.observedRate * 100, 0)} (${b.count})`).join(" · ")}
          </p>
        )}
      </Card>
    </div>
    </>
  );
}

function RiskTable({ rows }: { rows: CustomerRisk[] }) {
  const cols: Column<CustomerRisk>[] = [
    { key: "customer", header: "Customer", cell: (r) => <CustomerLink id={r.customerId} /> },
    { key: "score", header: "P(late)", numeric: true, sort: (r) => r.pLate ?? 0, cell: (r) => <strong className={r.pLate !== null && r.pLate >= 0.5 ? "stat-bad" : undefined}>{pct(r.pLate === null ? null : r.pLate * 100, 0)}</strong> },
    {
      key: "trend",
      header: "Trend (90 d)",
      numeric: true,
      sort: (r) => r.trend ?? 0,
      cell: (r) => (r.trend === null ? "–" : `${r.trend > 0.01 ? "▲" : r.trend < -0.01 ? "▼" : "●"} ${r.trend >= 0 ? "+" : "−"}${Math.abs(r.trend * 100).toFixed(0)} pts`),
    },
    { key: "factors", header: "Top factors", secondary: true, cell: (r) => (r.topFactors.length ? r.topFactors.map((f) => humanize(f.feature)).join(", ") : "–") },
    { key: "days", header: "Expected days to pay", numeric: true, secondary: true, sort: (r) => r.expectedDaysToSettle ?? 0, cell: (r) => (r.expectedDaysToSettle === null ? "–" : formatNumber(Math.round(r.expectedDaysToSettle))) },
    { key: "open", header: "Open invoices", numeric: true, secondary: true, sort: (r) => r.openInvoices, cell: (r) => formatNumber(r.openInvoices) },
  ];
  return <DataTable caption="Customers by late-payment risk" columns={cols} rows={rows} rowKey={(r) => r.customerId} rowHref={(r) => `/customers/${r.customerId}`} sortParam="rsort" />;
}

export function Forecast() {
  const q = useQueryState();
  const view = q.get("view") === "months" ? "months" : "weeks";
  const branches = useBranches();
  const session = useSession();
  const [tick, setTick] = useState(0);
  const cash = useApi((signal) => ok(api.GET("/v1/analytics/forecast/cashflow", { signal })), [tick]);
  const acc = useApi((signal) => ok(api.GET("/v1/analytics/forecast/accuracy", { signal })), [tick]);
  const risk = useApi((signal) => ok(api.GET("/v1/analytics/forecast/risk", { params: { query: { limit: 50 } }, signal })), [tick]);
  const retrain = useAction();
  const [queued, setQueued] = useState(false);
  const fc = cash.data;
  const locale = localeOf(branches.list.find((b) => b.currency === fc?.currency) ?? branches.list[0]);
  const total = (key: "expected" | "lo80" | "hi80") => (fc ? (view === "weeks" ? fc.weeks : fc.months).reduce((s, p) => s + p[key], 0) : 0);

  return (
    <>
      <PageHeader
        title="Forecast"
        subtitle="Expected collections with 80 % and 95 % intervals, the models' measured accuracy, and late-payment risk."
        actions={
          <>
            <label className="inline-field">
              <span>Horizon</span>
              <select value={view} onChange={(e) => q.set({ view: e.target.value === "months" ? "months" : undefined })}>
                <option value="weeks">13 weeks</option>
                <option value="months">12 months</option>
              </select>
            </label>
            {can(session, "write") && (
              <button
                type="button"
                className="btn btn-primary"
                disabled={retrain.busy}
                onClick={() =>
                  retrain.run(async () => {
                    await ok(api.POST("/v1/analytics/forecast/retrain", { headers: { "idempotency-key": crypto.randomUUID() } }));
                    setQueued(true);
                    setTimeout(() => setTick((t) => t + 1), 3000);
                  })
                }
              >
                {retrain.busy ? "Queuing…" : "Retrain models"}
              </button>
            )}
          </>
        }
      />
      {retrain.generalError && (
        <p role="alert" className="error-text">
          {retrain.generalError}
        </p>
      )}
      {queued && !retrain.generalError && (
        <p role="status" className="muted small">
          Retraining queued; scores and accuracy refresh when it finishes.
        </p>
      )}
      <Card
        title={`Cash flow, next ${view === "weeks" ? "13 weeks" : "12 months"}`}
        actions={fc?.currency ? <span className="muted small">{`${formatMoney(total("expected"), fc.currency, locale)} expected (80 %: ${formatMoney(total("lo80"), fc.currency, locale)}–${formatMoney(total("hi80"), fc.currency, locale)} per-period sum)`}</span> : null}
      >
        {cash.error ? (
          <ErrorState error={cash.error} onRetry={cash.reload} />
        ) : !fc ? (
          <Loading rows={6} label="Loading the cash-flow forecast" />
        ) : !fc.currency ? (
          <Empty title="No invoices yet">The forecast starts with the first issued invoice.</Empty>
        ) : (
          <>
            <CashflowChart fc={fc} view={view} locale={locale} />
            <p className="muted small">
              From {formatNumber(fc.source.openInvoices)} open invoices (timed by their customer's own payment history: {formatNumber(fc.source.customersWithOwnHistory)}, by their segment's: {formatNumber(fc.source.segmentHistory)}, by the network's: {formatNumber(fc.source.networkHistory)}) and {formatNumber(fc.source.billingMonths)} months of billing.
            </p>
          </>
        )}
      </Card>
      {acc.error ? <ErrorState error={acc.error} onRetry={acc.reload} /> : !acc.data ? <Loading rows={4} label="Loading accuracy" /> : <AccuracyCards acc={acc.data} />}
      <Card title="Late-payment risk" actions={acc.data?.trainedAt ? <span className="muted small">scored <InstantText at={acc.data.trainedAt} /></span> : null}>
        {risk.error ? (
          <ErrorState error={risk.error} onRetry={risk.reload} />
        ) : !risk.data ? (
          <Loading rows={6} label="Loading risk scores" />
        ) : risk.data.data.length === 0 ? (
          <Empty title="No scores yet">Scores appear after the models train on paid invoices.</Empty>
        ) : (
          <RiskTable rows={risk.data.data} />
        )}
      </Card>
    </>
  );
}
