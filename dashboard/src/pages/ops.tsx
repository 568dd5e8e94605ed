// Event pipeline health (any signed-in role: counts only) and, for administrators, the dead
// letters with a replay action (they carry full event payloads, so the API keeps them to admins).
import { useState } from "react";
import { api, ok } from "../api/client.ts";
import { describeError } from "../api/problem.ts";
import type { DeadLetter, EventPipeline } from "../api/types.ts";
import { useApi } from "../lib/data.ts";
import { formatNumber } from "../lib/format.ts";
import { useQueryState } from "../lib/router.tsx";
import { can, useSession } from "../lib/session.ts";
import { Card, Dl, InstantText, PageHeader, Stat } from "../ui/bits.tsx";
import { Dialog } from "../ui/dialog.tsx";
import { Pager } from "../ui/pager.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";
import { type Column, DataTable } from "../ui/table.tsx";
import { ApiTraffic, useOpsMetrics } from "./ops/api-traffic.tsx";
import { Queues } from "./ops/queues.tsx";
import { BillingRuns } from "./ops/billing-runs.tsx";

// The relay runs every minute: pending events older than a few runs mean it is stuck or slow.
const LAG_ALERT_SECONDS = 300;
const BACKLOG_ALERT = 1000;

const duration = (s: number) => (s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : s < 172_800 ? `${(s / 3600).toFixed(1)} h` : `${Math.round(s / 86_400)} days`);

/** What a dead letter's body says about itself, when it is a domain event envelope. */
function describeBody(body: unknown): { type?: string; subject?: string } {
  if (typeof body !== "object" || body === null) return {};
  const b = body as Record<string, unknown>;
  const type = typeof b.type === "string" ? b.type : undefined;
  const subject = typeof b.aggregateType === "string" && typeof b.aggregateId === "string" ? `${b.aggregateType} ${b.aggregateId}` : undefined;
  return { type, subject };
}

function health(p: EventPipeline): { label: string; hint: string; tone: "good" | "bad" } {
  if (p.deadLetters > 0) return { label: "Needs attention", hint: `${formatNumber(p.deadLetters)} ${p.deadLetters === 1 ? "message" : "messages"} failed for good`, tone: "bad" };
  if (p.backlog > 0 && p.oldestPendingSeconds > LAG_ALERT_SECONDS) return { label: "Delayed", hint: "events wait longer than the relay's usual minute", tone: "bad" };
  if (p.backlog > BACKLOG_ALERT) return { label: "Busy", hint: "a large backlog is draining", tone: "bad" };
  return { label: "Healthy", hint: "events are delivered within minutes", tone: "good" };
}

export function Ops() {
  const session = useSession();
  const admin = can(session, "admin");
  const cursor = useQueryState().get("cursor");
  const stats = useApi((signal) => ok(api.GET("/v1/ops/events", { signal })), []);
  const dead = useApi((signal) => (admin ? ok(api.GET("/v1/ops/dead-letters", { params: { query: { limit: 50, cursor } }, signal })) : Promise.resolve(undefined)), [admin, cursor]);
  const metrics = useOpsMetrics();
  const [replaying, setReplaying] = useState<DeadLetter | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const refresh = () => {
    stats.reload();
    dead.reload();
    metrics.reload();
  };

  const columns: Column<DeadLetter>[] = [
    { key: "at", header: "Failed", sort: (d) => d.createdAt, cell: (d) => <InstantText at={d.createdAt} /> },
    { key: "queue", header: "Queue", sort: (d) => d.queue, cell: (d) => <code>{d.queue}</code> },
    {
      key: "event",
      header: "Message",
      cell: (d) => {
        const { type, subject } = describeBody(d.body);
        return (
          <>
            <div className="mono small">{type ?? "Not a domain event"}</div>
            <div className="muted small">{subject ?? d.messageId}</div>
          </>
        );
      },
      secondary: true,
    },
    { key: "error", header: "Last error", cell: (d) => (d.lastError ? <span className="small error-text">{d.lastError}</span> : <span className="muted">—</span>) },
    { key: "attempts", header: "Attempts", numeric: true, sort: (d) => d.attempts, cell: (d) => formatNumber(d.attempts), secondary: true },
    {
      key: "state",
      header: "Status",
      sort: (d) => (d.replayedAt ? 1 : 0),
      cell: (d) =>
        d.replayedAt ? (
          <>
            <span className="badge badge-neutral">Replayed</span>
            <div className="muted small">
              <InstantText at={d.replayedAt} />
            </div>
          </>
        ) : (
          <button type="button" className="btn btn-sm" onClick={() => setReplaying(d)} aria-label={`Replay ${d.id}`}>
            Replay…
          </button>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Operations"
        subtitle="Domain events on their way to the queues, the queues themselves, API traffic, and messages that failed for good."
        actions={
          <button type="button" className="btn" onClick={refresh}>
            Refresh
          </button>
        }
      />
      {flash && (
        <p className="flash" role="status">
          {flash}
        </p>
      )}
      {stats.error ? (
        <Card title="Event pipeline">
          <ErrorState error={stats.error} onRetry={stats.reload} />
        </Card>
      ) : !stats.data ? (
        <Card title="Event pipeline">
          <Loading rows={3} label="Loading pipeline health" />
        </Card>
      ) : (
        <PipelineStats pipeline={stats.data} />
      )}
      <Queues metrics={metrics} />
      <ApiTraffic metrics={metrics} />
      <BillingRuns admin={admin} />
      <Card title="Dead letters" actions={admin && dead.data ? <span className="muted small">Newest first</span> : undefined}>
        {!admin ? (
          <Empty title="Dead letters are for administrators" icon="⚙">
            They hold whole event payloads. The counts above are what your role can see.
          </Empty>
        ) : dead.error ? (
          <ErrorState error={dead.error} onRetry={dead.reload} />
        ) : !dead.data ? (
          <Loading rows={4} label="Loading dead letters" />
        ) : dead.data.data.length === 0 ? (
          <Empty title={cursor ? "No more dead letters" : "No dead letters"} icon="✓">
            Every message was delivered, or is still being retried.
          </Empty>
        ) : (
          <>
            <DataTable caption="Dead letters" columns={columns} rows={dead.data.data} rowKey={(d) => d.id} sortParam="dsort" />
            <Pager nextCursor={dead.data.nextCursor} count={dead.data.data.length} noun="dead letters on this page" />
          </>
        )}
      </Card>
      <ReplayDialog
        key={replaying?.id ?? "closed"}
        letter={replaying}
        onClose={() => setReplaying(null)}
        onReplayed={(d) => {
          setReplaying(null);
          setFlash(`Sent back to ${d.queue}. If it fails again it comes back here as a new dead letter.`);
          refresh();
        }}
      />
    </>
  );
}

function PipelineStats({ pipeline: p }: { pipeline: EventPipeline }) {
  const h = health(p);
  return (
    <div className="stats" data-testid="pipeline-health">
      <Stat label="Pipeline" value={h.label} hint={h.hint} tone={h.tone} />
      <Stat label="Backlog" value={formatNumber(p.backlog)} hint={p.backlog === 1 ? "event not yet on the queue" : "events not yet on the queue"} tone={p.backlog > BACKLOG_ALERT ? "bad" : undefined} />
      <Stat label="Oldest pending" value={p.backlog === 0 ? "None" : duration(p.oldestPendingSeconds)} hint="how far delivery lags" tone={p.backlog > 0 && p.oldestPendingSeconds > LAG_ALERT_SECONDS ? "bad" : undefined} />
      <Stat label="Dead letters" value={formatNumber(p.deadLetters)} hint="not yet replayed" tone={p.deadLetters > 0 ? "bad" : "good"} />
    </div>
  );
}

function ReplayDialog({ letter, onClose, onReplayed }: { letter: DeadLetter | null; onClose: () => void; onReplayed: (d: DeadLetter) => void }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
  // One key per opening (the dialog is keyed by the letter): a double click or a retry after a
  // lost response replays once.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const replay = async () => {
    if (!letter) return;
    setBusy(true);
    setProblem(null);
    try {
      onReplayed(await ok(api.POST("/v1/ops/dead-letters/{id}/replay", { params: { path: { id: letter.id } }, headers: { "idempotency-key": idempotencyKey } })));
    } catch (e) {
      setProblem(e);
    } finally {
      setBusy(false);
    }
  };
  const { type, subject } = describeBody(letter?.body);
  return (
    <Dialog open={!!letter} title="Replay this message?" onClose={onClose}>
      {letter && (
        <>
          <p className="muted">
            It is sent once more to <code>{letter.queue}</code>. Consumers skip what they already handled, so a replay does not apply anything twice.
          </p>
          <Dl
            items={[
              ["Message", type ? `${type}${subject ? ` · ${subject}` : ""}` : letter.messageId],
              ["Failed", <InstantText key="f" at={letter.createdAt} />],
              ["Attempts", formatNumber(letter.attempts)],
              ["Last error", letter.lastError ?? "—"],
            ]}
          />
          <details className="payload">
            <summary>Message body</summary>
            <pre className="code-block">{JSON.stringify(letter.body, null, 2) ?? "(empty)"}</pre>
          </details>
          {problem ? (
            <p className="form-error" role="alert">
              {describeError(problem)}
            </p>
          ) : null}
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="button" className="btn btn-primary" onClick={replay} disabled={busy}>
              {busy ? "Replaying…" : "Replay message"}
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}
