// Per-queue health (GET /v1/ops/metrics → queues): backlog and the oldest pending message's age
// now, retries, dead letters and messages processed over the last hour, one row per queue; red
// when a queue misses its SLO (workers/domain/queue-slos.ts, docs/slo.md). Platform-wide counts.
// At 390 px the table keeps queue, backlog and oldest; the rest goes on a line under the name.
import { QUEUE_SLOS, queueBreach, SLO_QUEUES } from "../../../../workers/domain/queue-slos.ts";
import type { QueueName } from "../../../../workers/domain/queue-metrics.ts";
import type { OpsMetrics } from "../../api/types.ts";
import { formatNumber } from "../../lib/format.ts";
import { Card } from "../../ui/bits.tsx";
import { ErrorState, Loading } from "../../ui/states.tsx";
import { type Column, DataTable } from "../../ui/table.tsx";
import type { Loaded } from "../../lib/data.ts";

type QueueStats = NonNullable<OpsMetrics["queues"]["reminders"]>;

interface Row {
  queue: QueueName;
  q: QueueStats;
  dlq: QueueStats;
  breach: string | null;
}

export const age = (s: number) => (s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : s < 172_800 ? `${(s / 3600).toFixed(1)} h` : `${Math.round(s / 86_400)} days`);

const bad = (on: boolean, text: string) => (on ? <span className="error-text">{text}</span> : text);

const columns: Column<Row>[] = [
  {
    key: "queue",
    header: "Queue",
    sort: (r) => r.queue,
    cell: (r) => (
      <>
        <div>{QUEUE_SLOS[r.queue].label}</div>
        <code className="small muted">{r.queue}</code>
        {r.breach && <div className="small error-text">{r.breach}</div>}
        <div className="secondary-inline muted small">
          {formatNumber(r.q.retries)} retries · {bad(r.q.deadLetters + r.dlq.backlog > 0, `${formatNumber(r.q.deadLetters)} dead`)} · {formatNumber(r.q.processedLastHour)} processed
        </div>
      </>
    ),
  },
  {
    key: "backlog",
    header: "Backlog",
    numeric: true,
    sort: (r) => r.q.backlog,
    cell: (r) => (
      <>
        {bad(r.q.backlog > QUEUE_SLOS[r.queue].backlog, formatNumber(r.q.backlog))}
        {/* The runtime's own reading, when it disagrees with the count (it leaves out messages in flight or delayed). */}
        {r.q.runtime && r.q.runtime.backlog !== r.q.backlog && <div className="muted small">queue reports {formatNumber(r.q.runtime.backlog)}</div>}
      </>
    ),
  },
  {
    key: "oldest",
    header: "Oldest",
    numeric: true,
    sort: (r) => r.q.oldestAgeSeconds,
    cell: (r) => (r.q.backlog === 0 ? "—" : bad(r.q.oldestAgeSeconds > QUEUE_SLOS[r.queue].oldestAgeSeconds, age(r.q.oldestAgeSeconds))),
  },
  { key: "retries", header: "Retries", numeric: true, sort: (r) => r.q.retries, cell: (r) => formatNumber(r.q.retries), secondary: true },
  { key: "dead", header: "Dead letters", numeric: true, sort: (r) => r.q.deadLetters + r.dlq.backlog, cell: (r) => bad(r.q.deadLetters + r.dlq.backlog > 0, formatNumber(r.q.deadLetters)), secondary: true },
  { key: "processed", header: "Processed", numeric: true, sort: (r) => r.q.processedLastHour, cell: (r) => formatNumber(r.q.processedLastHour), secondary: true },
];

export function Queues({ metrics }: { metrics: Loaded<OpsMetrics> }) {
  return (
    <Card title="Queues" actions={<span className="muted small">Now, and over the last hour · all franchises</span>}>
      {metrics.error ? (
        <ErrorState error={metrics.error} onRetry={metrics.reload} />
      ) : !metrics.data ? (
        <Loading rows={4} label="Loading queues" />
      ) : (
        <QueueTable m={metrics.data} />
      )}
    </Card>
  );
}

function QueueTable({ m }: { m: OpsMetrics }) {
  const queues = m.queues as unknown as Record<string, QueueStats | undefined>;
  // The queues are shared by every franchise: their counts are for the platform operator only.
  if (!queues.reminders) return <p className="muted small">Queue depth across the platform is shown to the platform operator's administrators. Your franchise's event pipeline is in the card above.</p>;
  const rows: Row[] = SLO_QUEUES.map((queue) => {
    const q = queues[queue]!;
    const dlq = queues[`${queue}-dlq`]!;
    return { queue, q, dlq, breach: queueBreach(queue, q, dlq.backlog) };
  });
  const breaching = rows.filter((r) => r.breach).length;
  return (
    <div data-testid="queues">
      <p className={breaching ? "error-text small" : "muted small"} role="status">
        {breaching === 0 ? "Every queue is within its target." : `${breaching} ${breaching === 1 ? "queue misses its" : "queues miss their"} target.`} Backlog counts messages sent and not yet processed; retries, dead letters and processed are for the last hour.
      </p>
      <DataTable caption="Queues" columns={columns} rows={rows} rowKey={(r) => r.queue} sortParam="qsort" />
    </div>
  );
}
