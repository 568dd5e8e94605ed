// Accounting integrations: is the franchise's Xero or QuickBooks Online connection healthy
// (backlog, lag against the 5-minute SLA, error rate, rate budget), what failed and what to do
// about it (with replay), the conflicts waiting for a decision, and the mappings. Changing
// anything is for administrators.
import { useState } from "react";
import { api, ok } from "../api/client.ts";
import { useApi } from "../lib/data.ts";
import { formatNumber, humanize } from "../lib/format.ts";
import { can, useSession } from "../lib/session.ts";
import { useAction } from "../lib/use-action.ts";
import { Card, InstantText, PageHeader, Stat } from "../ui/bits.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";
import { type Column, DataTable } from "../ui/table.tsx";
import { AlertsPanel } from "./integrations/alerts.tsx";
import { ContactOwnerPanel } from "./integrations/contact-owner.tsx";
import { ConflictReview } from "./integrations/conflicts.tsx";
import { Mappings } from "./integrations/mappings.tsx";
import { NetSuiteConnect } from "./integrations/netsuite-connect.tsx";
import type { Integration, IntegrationStatus, LastError } from "./integrations/types.ts";

type Provider = "xero" | "qbo" | "netsuite";
const PROVIDER_NAMES: Record<Provider, string> = { xero: "Xero", qbo: "QuickBooks Online", netsuite: "NetSuite" };
const providerName = (p: string) => PROVIDER_NAMES[p as Provider] ?? p;

const seconds = (s: number | null) => (s === null ? "—" : s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);

export function Integrations() {
  const session = useSession();
  const admin = can(session, "admin");
  const list = useApi((signal) => ok(api.GET("/v1/integrations", { signal })), []);
  const current = list.data?.data.find((i) => i.status !== "disconnected");
  return (
    <>
      <PageHeader title="Integrations" subtitle="Invoices, credit notes and payments synced to your accounting system, and what needs your attention." actions={<button type="button" className="btn" onClick={list.reload}>Refresh</button>} />
      {list.error ? (
        <Card title="Accounting system">
          <ErrorState error={list.error} onRetry={list.reload} />
        </Card>
      ) : !list.data ? (
        <Card title="Accounting system">
          <Loading rows={3} label="Loading integrations" />
        </Card>
      ) : !current || current.status === "pending" ? (
        <ConnectCard admin={admin} pending={current} onConnected={list.reload} />
      ) : (
        <Connection integration={current} admin={admin} onReconnected={list.reload} />
      )}
    </>
  );
}

function ConnectCard({ admin, pending, onConnected }: { admin: boolean; pending: Integration | undefined; onConnected: () => void }) {
  const action = useAction();
  const [opening, setOpening] = useState<Provider | null>(null);
  const connect = (provider: "xero" | "qbo") =>
    action.run(async () => {
      setOpening(provider);
      const started = await ok(api.POST("/v1/integrations", { body: { provider } })).finally(() => setOpening(null));
      if (started.authorizeUrl) location.assign(started.authorizeUrl);
    });
  const pendingName = pending ? providerName(pending.provider) : null;
  return (
    <Card title="Accounting system">
      <Empty title={pendingName ? `${pendingName} connection not finished` : "Not connected"} icon="⇄">
        {pendingName ? `The ${pendingName} consent was started but not completed.` : "Connect Xero, QuickBooks Online or NetSuite once: every issued invoice, credit note and payment then appears there within minutes."}
      </Empty>
      {admin ? (
        <p>
          {(["xero", "qbo"] as const).map((p) => (
            <span key={p}>
              <button type="button" className="btn" onClick={() => connect(p)} disabled={action.busy}>
                {opening === p ? `Opening ${PROVIDER_NAMES[p]}…` : `Connect ${PROVIDER_NAMES[p]}`}
              </button>{" "}
            </span>
          ))}
          {action.generalError && <span className="error-text small">{action.generalError}</span>}
        </p>
      ) : (
        <p className="muted small">An administrator can connect it.</p>
      )}
      {admin && !pending && (
        <>
          <p className="muted small">Or NetSuite (client credentials: no consent screen):</p>
          <NetSuiteConnect onConnected={onConnected} />
        </>
      )}
    </Card>
  );
}

function Connection({ integration, admin, onReconnected }: { integration: Integration; admin: boolean; onReconnected: () => void }) {
  const id = integration.id;
  const name = providerName(integration.provider);
  const status = useApi((signal) => ok(api.GET("/v1/integrations/{id}/status", { params: { path: { id } }, signal })), [id]);
  const conflicts = useApi((signal) => ok(api.GET("/v1/integrations/{id}/conflicts", { params: { path: { id }, query: { status: "open" } }, signal })), [id]);
  const mappings = useApi((signal) => ok(api.GET("/v1/integrations/{id}/mappings", { params: { path: { id } }, signal })), [id]);
  const replay = useAction();
  const [flash, setFlash] = useState<string | null>(null);
  const refresh = () => {
    status.reload();
    conflicts.reload();
    mappings.reload();
  };
  const replayRecords = (recordIds?: string[]) =>
    replay.run(async () => {
      const result = await ok(api.POST("/v1/integrations/{id}/replay", { params: { path: { id } }, body: recordIds ? { scope: "listed", recordIds } : { scope: "failed" } }));
      setFlash(result.replayed.length === 0 ? "Nothing to replay." : `${formatNumber(result.replayed.length)} ${result.replayed.length === 1 ? "record" : "records"} sent again.`);
      refresh();
    });

  const columns: Column<LastError>[] = [
    { key: "doc", header: "Document", cell: (e) => <><div className="mono small">{e.entityNumber ?? e.entityId}</div><div className="muted small">{humanize(e.entityType)} · {e.operation}</div></> },
    { key: "state", header: "State", cell: (e) => <span className={`badge ${e.state === "failed" || e.state === "conflict" ? "badge-bad" : "badge-neutral"}`}>{humanize(e.state)}</span> },
    { key: "message", header: `${name} said`, cell: (e) => <span className="small">{e.message ?? "—"}</span>, secondary: true },
    { key: "fix", header: "What to do", cell: (e) => <span className="small">{e.fix ?? "—"}</span> },
    { key: "at", header: "When", cell: (e) => <InstantText at={e.at} />, secondary: true },
    {
      key: "replay",
      header: "",
      cell: (e) =>
        admin && e.state !== "conflict" ? (
          <button type="button" className="btn btn-sm" disabled={replay.busy} onClick={() => replayRecords([e.recordId])} aria-label={`Retry ${e.entityNumber ?? e.entityId}`}>
            Retry
          </button>
        ) : null,
    },
  ];

  return (
    <>
      {flash && <p className="flash" role="status">{flash}</p>}
      {replay.generalError && <p className="error-text" role="alert">{replay.generalError}</p>}
      {(integration.status === "reconnect_required" || status.data?.status === "reconnect_required") && (
        <ReconnectCard integration={integration} name={name} admin={admin} refusal={status.data?.lastErrors.find((e) => e.errorClass === "reconnect_required")}
          onReconnected={() => {
            onReconnected();
            refresh();
          }}
        />
      )}
      <Card title={`${name} · ${integration.organisation ?? "organisation"}`} actions={<button type="button" className="btn btn-sm" onClick={refresh}>Refresh</button>}>
        {status.error ? <ErrorState error={status.error} onRetry={status.reload} /> : !status.data ? <Loading rows={2} label="Loading sync status" /> : <StatusStats s={status.data} name={name} />}
      </Card>
      <Card title="Failures and retries" actions={admin ? <button type="button" className="btn btn-sm" disabled={replay.busy} onClick={() => replayRecords()}>Replay all failed</button> : undefined}>
        {!status.data ? (
          <Loading rows={3} label="Loading failures" />
        ) : status.data.lastErrors.length === 0 ? (
          <Empty title="Nothing failing" icon="✓">Every record reached {name} or is on its way.</Empty>
        ) : (
          <DataTable caption="Latest failures" columns={columns} rows={status.data.lastErrors} rowKey={(e) => e.recordId} sortParam="esort" />
        )}
      </Card>
      <Card title="Conflicts to review">
        {conflicts.error ? (
          <ErrorState error={conflicts.error} onRetry={conflicts.reload} />
        ) : !conflicts.data ? (
          <Loading rows={2} label="Loading conflicts" />
        ) : conflicts.data.data.length === 0 ? (
          <Empty title="No conflicts" icon="✓">Nothing was changed on both sides.</Empty>
        ) : (
          conflicts.data.data.map((c) => <ConflictReview key={c.id} integrationId={id} conflict={c} canResolve={admin} onResolved={refresh} providerName={name} />)
        )}
      </Card>
      <Card title="Alerts">
        {status.error ? <ErrorState error={status.error} onRetry={status.reload} /> : !status.data ? <Loading rows={2} label="Loading alerts" /> : <AlertsPanel integrationId={id} alerts={status.data.alerts} canEdit={admin} onSaved={status.reload} />}
      </Card>
      <Card title="Contact edits">
        <ContactOwnerPanel integration={integration} providerName={name} canEdit={admin} />
      </Card>
      <Card title="Mappings">
        {mappings.error ? <ErrorState error={mappings.error} onRetry={mappings.reload} /> : !mappings.data ? <Loading rows={3} label="Loading mappings" /> : <Mappings integrationId={id} mappings={mappings.data.data} canEdit={admin} onSaved={refresh} providerName={name} />}
      </Card>
    </>
  );
}

/** The ERP refused our credentials: nothing is sent until an administrator reconnects. */
function ReconnectCard({ integration, name, admin, refusal, onReconnected }: { integration: Integration; name: string; admin: boolean; refusal: LastError | undefined; onReconnected: () => void }) {
  const action = useAction();
  const reauthorize = () =>
    action.run(async () => {
      const started = await ok(api.POST("/v1/integrations", { body: { provider: integration.provider } }));
      if (started.authorizeUrl) location.assign(started.authorizeUrl);
    });
  return (
    <Card title="Reconnect required" className="card-bad">
      <p role="alert">
        <strong>{name} refused Ledgerline's credentials.</strong> Nothing is sent to {name} until the connection is made again; then replay the records that failed (below).
      </p>
      {refusal?.message && <p className="small">{name} said: {refusal.message}</p>}
      <p className="small">What to do: {refusal?.fix ?? `Reconnect ${name} below.`}</p>
      {admin ? (
        integration.provider === "netsuite" ? (
          <NetSuiteConnect onConnected={onReconnected} submitLabel="Reconnect NetSuite" />
        ) : (
          <p>
            <button type="button" className="btn" onClick={reauthorize} disabled={action.busy}>
              {action.busy ? `Opening ${name}…` : `Reconnect ${name}`}
            </button>{" "}
            {action.generalError && <span className="error-text small">{action.generalError}</span>}
          </p>
        )
      ) : (
        <p className="muted small">An administrator can reconnect it.</p>
      )}
    </Card>
  );
}

function StatusStats({ s, name }: { s: IntegrationStatus; name: string }) {
  const p95 = s.lagSeconds.p95;
  return (
    <div className="stats" data-testid="integration-status">
      <Stat label="Connection" value={humanize(s.status)} hint={s.lastSyncedAt ? "last sync shown below" : "no sync yet"} tone={s.status === "connected" ? "good" : "bad"} />
      <Stat label="Backlog" value={formatNumber(s.backlog)} hint={s.oldestPendingAgeSeconds === null ? "nothing waiting" : `oldest waits ${seconds(s.oldestPendingAgeSeconds)}`} tone={s.oldestPendingAgeSeconds !== null && s.oldestPendingAgeSeconds > s.lagSeconds.slaSeconds ? "bad" : undefined} />
      <Stat label="Lag p50 / p95" value={`${seconds(s.lagSeconds.p50)} / ${seconds(p95)}`} hint={`SLA ${seconds(s.lagSeconds.slaSeconds)} · ${formatNumber(s.lagSeconds.samples)} synced in 24 h`} tone={s.lagSeconds.withinSla === false ? "bad" : s.lagSeconds.withinSla ? "good" : undefined} />
      <Stat label="Failed · conflicts" value={`${formatNumber(s.states.failed)} · ${formatNumber(s.states.conflict)}`} hint={`error rate ${(s.errorRate * 100).toFixed(1)} % (1 h)`} tone={s.states.failed + s.states.conflict > 0 ? "bad" : "good"} />
      {s.budget && <Stat label={`${name} calls`} value={`${formatNumber(s.budget.callsLastMinute)}/${formatNumber(s.budget.perMinute)} min`} hint={`${formatNumber(s.budget.callsLastDay)} of ${formatNumber(s.budget.perDay)} today${s.budget.pausedUntil ? ` · paused by ${name}` : ""}`} />}
    </div>
  );
}
