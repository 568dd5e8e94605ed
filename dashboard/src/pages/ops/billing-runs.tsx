// Billing runs on the Operations page (issue 13): recent runs with live progress (polled every
// 2 s while one is queued or running), and for administrators a form to bill a branch for a month
// from its recurring agreements.
import { type FormEvent, useEffect, useState } from "react";
import { api, ok } from "../../api/client.ts";
import { describeError, isProblem } from "../../api/problem.ts";
import type { BillingRun, Branch } from "../../api/types.ts";
import { useApi } from "../../lib/data.ts";
import { formatNumber } from "../../lib/format.ts";
import { Card, Field, InstantText } from "../../ui/bits.tsx";
import { Empty, ErrorState, Loading } from "../../ui/states.tsx";
import { type Column, DataTable } from "../../ui/table.tsx";

const POLL_MS = 2_000;
const STATUS_TONE: Record<BillingRun["status"], string> = { queued: "neutral", running: "warn", done: "good", failed: "bad" };
const thisMonth = () => new Date().toISOString().slice(0, 7);

function Progress({ run }: { run: BillingRun }) {
  const share = run.planned === 0 ? (run.status === "done" ? 1 : 0) : (run.issued + run.failed) / run.planned;
  return (
    <div className="small">
      <progress max={1} value={share} aria-label={`${run.id} progress`} style={{ width: "100%" }} />
      <div className="muted">
        {formatNumber(run.issued)} issued of {formatNumber(run.planned)}
        {run.failed > 0 ? ` · ${formatNumber(run.failed)} not billed` : ""}
      </div>
    </div>
  );
}

export function BillingRuns({ admin }: { admin: boolean }) {
  const runs = useApi((signal) => ok(api.GET("/v1/billing-runs", { params: { query: { limit: 20 } }, signal })), []);
  const branches = useApi((signal) => (admin ? ok(api.GET("/v1/branches", { params: { query: { limit: 200 } }, signal })) : Promise.resolve(undefined)), [admin]);
  const active = runs.data?.data.some((r) => r.status === "queued" || r.status === "running") ?? false;
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => runs.reload(), POLL_MS);
    return () => clearInterval(timer);
  }, [active, runs.reload]);
  const branchName = new Map((branches.data?.data ?? []).map((b) => [b.id, `${b.code} · ${b.name}`]));

  const columns: Column<BillingRun>[] = [
    { key: "created", header: "Started", sort: (r) => r.createdAt, cell: (r) => <InstantText at={r.createdAt} /> },
    { key: "branch", header: "Branch", cell: (r) => branchName.get(r.branchId) ?? <code>{r.branchId}</code>, secondary: true },
    { key: "period", header: "Month", sort: (r) => r.period, cell: (r) => r.period },
    { key: "status", header: "Status", sort: (r) => r.status, cell: (r) => <span className={`badge badge-${STATUS_TONE[r.status]}`} data-testid={`run-status-${r.id}`}>{r.status}</span> },
    { key: "progress", header: "Progress", cell: (r) => <Progress run={r} /> },
    {
      key: "errors",
      header: "Not billed",
      secondary: true,
      cell: (r) => (r.errors.length === 0 ? <span className="muted">—</span> : <span className="small error-text">{r.errors.slice(0, 2).map((e) => e.code).join(", ")}{r.failed > 2 ? "…" : ""}</span>),
    },
  ];

  return (
    <Card title="Billing runs">
      {admin ? <StartRunForm branches={branches.data?.data ?? []} onStarted={runs.reload} /> : null}
      {runs.error ? (
        <ErrorState error={runs.error} onRetry={runs.reload} />
      ) : !runs.data ? (
        <Loading rows={3} label="Loading billing runs" />
      ) : runs.data.data.length === 0 ? (
        <Empty title="No billing runs yet" icon="∅">
          A run bills a branch's recurring agreements for one month; progress shows here as it goes.
        </Empty>
      ) : (
        <div data-testid="billing-runs">
          <DataTable caption="Billing runs" columns={columns} rows={runs.data.data} rowKey={(r) => r.id} sortParam="bsort" />
        </div>
      )}
    </Card>
  );
}

function StartRunForm({ branches, onStarted }: { branches: Branch[]; onStarted: () => void }) {
  const [branchId, setBranchId] = useState("");
  const [period, setPeriod] = useState(thisMonth);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    setFlash(null);
    try {
      const run = await ok(api.POST("/v1/billing-runs", { body: { branchId: branchId || (branches[0]?.id ?? ""), period, source: "agreements" }, headers: { "idempotency-key": crypto.randomUUID() } }));
      setFlash(`Run ${run.id} queued`);
      onStarted();
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (name: string) => (isProblem(problem) ? problem.fieldErrors[name] : undefined);
  const general = problem && !fieldError("branchId") && !fieldError("period") ? describeError(problem) : null;
  return (
    <form onSubmit={submit} noValidate className="inline-form" aria-label="Start a billing run">
      <Field label="Branch" error={fieldError("branchId")}>
        {(p) => (
          <select {...p} name="branchId" value={branchId || (branches[0]?.id ?? "")} onChange={(e) => setBranchId(e.target.value)}>
            {branches.map((b) => (
              <option key={b.id} value={b.id}>{`${b.code} · ${b.name}`}</option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Month" error={fieldError("period")} hint="bills the agreements due that month">
        {(p) => <input {...p} type="month" name="period" value={period} onChange={(e) => setPeriod(e.target.value)} required />}
      </Field>
      <button type="submit" className="btn btn-primary" disabled={busy || branches.length === 0}>{busy ? "Starting…" : "Start billing run"}</button>
      {general ? <p className="form-error" role="alert">{general}</p> : null}
      {flash ? <p className="muted small" role="status">{flash}</p> : null}
    </form>
  );
}
