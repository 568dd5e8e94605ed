// Event pipeline health. The ops routes arrive with the operations work; until the served API
// has them this page says so instead of failing.
import { optionalRoute } from "../api/client.ts";
import { useApi } from "../lib/data.ts";
import { formatNumber } from "../lib/format.ts";
import { Card, PageHeader, Stat } from "../ui/bits.tsx";
import { Chart } from "../ui/lazy-chart.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";

interface EventStats {
  backlog: number;
  oldestPendingSeconds: number | null;
  deadLetters: number;
}
interface DeadLetter {
  id?: string;
  queue?: string;
  type?: string;
  error?: string;
  failedAt?: string;
  attempts?: number;
}

const duration = (s: number | null) => (s === null || s === undefined ? "—" : s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);

export function Ops() {
  const stats = useApi(() => optionalRoute<EventStats>("GET", "/v1/ops/events"), []);
  const dead = useApi(() => (stats.data ? optionalRoute<{ data: DeadLetter[] }>("GET", "/v1/ops/dead-letters?limit=50") : Promise.resolve(undefined)), [stats.data]);

  return (
    <>
      <PageHeader title="Operations" subtitle="Domain events waiting to be delivered, and deliveries that failed for good." actions={<button type="button" className="btn" onClick={stats.reload}>Refresh</button>} />
      {stats.error ? (
        <ErrorState error={stats.error} onRetry={stats.reload} />
      ) : stats.loading && !stats.data ? (
        <Loading rows={4} />
      ) : !stats.data ? (
        <Card>
          <Empty title="Event monitoring is not available on this server yet" icon="⚙">
            This server does not expose <code>/v1/ops/events</code>. The page fills in once it does.
          </Empty>
        </Card>
      ) : (
        <>
          <div className="stats">
            <Stat label="Backlog" value={formatNumber(stats.data.backlog)} hint="events not yet relayed" tone={stats.data.backlog > 1000 ? "bad" : undefined} />
            <Stat label="Oldest pending" value={duration(stats.data.oldestPendingSeconds)} tone={(stats.data.oldestPendingSeconds ?? 0) > 300 ? "bad" : undefined} />
            <Stat label="Dead letters" value={formatNumber(stats.data.deadLetters)} tone={stats.data.deadLetters > 0 ? "bad" : "good"} />
          </div>
          <Card title="Pipeline">
            <Chart
              label="Events pending and dead-lettered"
              height={180}
              option={{
                grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
                xAxis: { type: "value" },
                yAxis: { type: "category", data: ["Dead letters", "Backlog"] },
                tooltip: {},
                series: [{ type: "bar", barMaxWidth: 28, data: [{ value: stats.data.deadLetters, itemStyle: { color: "#e03131" } }, { value: stats.data.backlog, itemStyle: { color: "#1f4fd1" } }] }],
              }}
            />
          </Card>
          <Card title="Dead letters">
            {dead.error ? <ErrorState error={dead.error} /> : !dead.data ? <Loading rows={3} /> : dead.data.data.length === 0 ? <Empty title="No dead letters" icon="✓" /> : (
              <div className="table-wrap">
                <table className="table">
                  <caption className="visually-hidden">Dead letters</caption>
                  <thead><tr><th scope="col">Queue</th><th scope="col">Type</th><th scope="col">Error</th><th scope="col" className="num">Attempts</th><th scope="col">Failed</th></tr></thead>
                  <tbody>
                    {dead.data.data.map((d, n) => (
                      <tr key={d.id ?? n}><td>{d.queue ?? "—"}</td><td className="mono small">{d.type ?? "—"}</td><td>{d.error ?? "—"}</td><td className="num">{d.attempts ?? "—"}</td><td>{d.failedAt ?? "—"}</td></tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Card>
        </>
      )}
    </>
  );
}
