// The escalations queue: what cadences escalated (notify the branch manager, collections queue,
// formal notice, service hold), newest first, filtered by the desk that works it. A branch
// manager sees their branches' escalations only (the API scopes the list). Staff who can write
// take an escalation, acknowledge the ones assigned to them and resolve them; viewers only read.
import { useState } from "react";
import { api, ok } from "../../api/client.ts";
import { useApi } from "../../lib/data.ts";
import { can, useSession } from "../../lib/session.ts";
import { useAction } from "../../lib/use-action.ts";
import { Dialog } from "../../ui/dialog.tsx";
import { useQueryState } from "../../lib/router.tsx";
import { BranchName, Card, InstantText } from "../../ui/bits.tsx";
import { CustomerLink } from "../../ui/customer-link.tsx";
import { Pager } from "../../ui/pager.tsx";
import { Empty, ErrorState, Loading } from "../../ui/states.tsx";
import { type Column, DataTable } from "../../ui/table.tsx";
import { humanAction } from "./step-editor.tsx";
import type { Escalation } from "./types.ts";

const QUEUES = { branch_manager: "Branch manager", collections: "Collections desk" } as const;
type Queue = keyof typeof QUEUES;
const STATUS = { open: "Open", acknowledged: "Acknowledged", resolved: "Resolved" } as const;
const STATUS_BADGE = { open: "badge-warn", acknowledged: "badge-info", resolved: "badge-good" } as const;

/** The row's actions for the signed-in staff user: take it, acknowledge it (assignee only), resolve it. */
function EscalationActions({ e, me, onDone, onResolve }: { e: Escalation; me: string; onDone: () => void; onResolve: (e: Escalation) => void }) {
  const action = useAction();
  if (e.status === "resolved") return <span className="muted small">—</span>;
  const post = (path: "assign" | "acknowledge", body?: { assigneeId: string }) =>
    action.run(async () => {
      if (path === "assign") await ok(api.POST("/v1/dunning/escalations/{id}/assign", { params: { path: { id: e.id } }, body: body! }));
      else await ok(api.POST("/v1/dunning/escalations/{id}/acknowledge", { params: { path: { id: e.id } } }));
      onDone();
    });
  const mine = e.assignee?.id === me;
  return (
    <span className="row-actions">
      {!mine && <button type="button" className="btn btn-sm" disabled={action.busy} onClick={() => post("assign", { assigneeId: me })}>Take</button>}
      {mine && e.status === "open" && <button type="button" className="btn btn-sm" disabled={action.busy} onClick={() => post("acknowledge")}>Acknowledge</button>}
      <button type="button" className="btn btn-sm" disabled={action.busy} onClick={() => onResolve(e)}>Resolve</button>
      {action.generalError && <span role="alert" className="field-error small">{action.generalError}</span>}
    </span>
  );
}

function ResolveDialog({ e, onClose, onDone }: { e: Escalation | null; onClose: () => void; onDone: () => void }) {
  const [resolution, setResolution] = useState("");
  const action = useAction();
  const close = () => { setResolution(""); action.reset(); onClose(); };
  return (
    <Dialog open={e !== null} title="Resolve escalation" onClose={close}>
      <form
        aria-label="Resolve escalation"
        onSubmit={(ev) => {
          ev.preventDefault();
          if (!e) return;
          void action.run(async () => {
            await ok(api.POST("/v1/dunning/escalations/{id}/resolve", { params: { path: { id: e.id } }, body: { resolution } }));
            close();
            onDone();
          });
        }}
      >
        <label className="field">
          <span>How was it resolved?</span>
          <textarea required maxLength={1000} value={resolution} onChange={(ev) => setResolution(ev.target.value)} aria-invalid={action.fieldError("resolution") ? true : undefined} />
          {action.fieldError("resolution") && <span className="field-error">{action.fieldError("resolution")}</span>}
        </label>
        {action.generalError && <p role="alert" className="field-error">{action.generalError}</p>}
        <div className="toolbar">
          <button type="submit" className="btn btn-primary" disabled={action.busy || resolution.trim() === ""}>Resolve</button>
          <button type="button" className="btn" onClick={close}>Cancel</button>
        </div>
      </form>
    </Dialog>
  );
}

export function Escalations() {
  const q = useQueryState();
  const raw = q.get("queue");
  const queue = raw && raw in QUEUES ? (raw as Queue) : undefined;
  const cursor = q.get("cursor");
  const session = useSession();
  const writable = can(session, "write");
  const me = session?.user.id ?? "";
  const mineOnly = q.get("assignee") === "me" && me !== "";
  const rawStatus = q.get("status");
  const status = rawStatus && rawStatus in STATUS ? (rawStatus as keyof typeof STATUS) : undefined;
  const [resolving, setResolving] = useState<Escalation | null>(null);
  const list = useApi((signal) => ok(api.GET("/v1/dunning/escalations", { params: { query: { limit: 50, cursor, queue, status, ...(mineOnly ? { assignee: "me" as const } : {}) } }, signal })), [queue, cursor, status, mineOnly]);

  const columns: Column<Escalation>[] = [
    { key: "at", header: "Raised", sort: (e) => e.occurredAt, cell: (e) => <InstantText at={e.occurredAt} branchId={e.branchId} /> },
    { key: "customer", header: "Customer", sort: (e) => e.customerName, cell: (e) => <CustomerLink id={e.customerId} /> },
    { key: "actions", header: "Action", cell: (e) => e.actions.map(humanAction).join(", ") || "—" },
    { key: "desk", header: "Desk", cell: (e) => e.queues.map((d) => <span key={d} className="badge badge-warn dun-desk">{QUEUES[d]}</span>), secondary: true },
    { key: "assignee", header: "Assignee", sort: (e) => e.assignee?.name ?? "", cell: (e) => (e.assignee ? <span data-testid="escalation-assignee">{e.assignee.id === me ? `${e.assignee.name} (you)` : e.assignee.name}</span> : <span className="muted">Unassigned</span>) },
    { key: "status", header: "State", sort: (e) => e.status, cell: (e) => <span className={`badge ${STATUS_BADGE[e.status]}`} title={e.resolution ?? undefined}>{STATUS[e.status]}</span> },
    ...(writable && me ? [{ key: "work", header: "Actions", cell: (e: Escalation) => <EscalationActions e={e} me={me} onDone={list.reload} onResolve={setResolving} /> }] : []),
    { key: "branch", header: "Branch", cell: (e) => <BranchName branchId={e.branchId} />, secondary: true },
    { key: "invoices", header: "Invoices", numeric: true, cell: (e) => e.invoiceIds.length, secondary: true },
    { key: "step", header: "Step", cell: (e) => <span className="mono small">{e.stepId ?? "—"}{e.cadenceVersion !== null ? ` · v${e.cadenceVersion}` : ""}</span>, secondary: true },
  ];

  return (
    <Card title="Escalations">
      <div className="toolbar filters">
        <label className="inline-field">
          <span>Desk</span>
          <select aria-label="Desk" value={queue ?? ""} onChange={(e) => q.set({ queue: e.target.value || undefined, cursor: undefined })}>
            <option value="">Every desk</option>
            {(Object.keys(QUEUES) as Queue[]).map((k) => <option key={k} value={k}>{QUEUES[k]}</option>)}
          </select>
        </label>
        <label className="inline-field">
          <span>State</span>
          <select aria-label="State" value={status ?? ""} onChange={(e) => q.set({ status: e.target.value || undefined, cursor: undefined })}>
            <option value="">Any state</option>
            {(Object.keys(STATUS) as Array<keyof typeof STATUS>).map((k) => <option key={k} value={k}>{STATUS[k]}</option>)}
          </select>
        </label>
        {me && (
          <label className="inline-field">
            <input type="checkbox" checked={mineOnly} onChange={(e) => q.set({ assignee: e.target.checked ? "me" : undefined, cursor: undefined })} />
            <span>Assigned to me</span>
          </label>
        )}
      </div>
      {list.error ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading rows={6} label="Loading escalations" />
      ) : list.data.data.length === 0 ? (
        <Empty title={queue ? `Nothing for the ${QUEUES[queue].toLowerCase()}` : "No escalations"} icon="⚑">
          A cadence step with an escalation (notify the branch manager, collections queue, formal notice, service hold) adds a row here when it fires.
        </Empty>
      ) : (
        <>
          <DataTable caption="Escalations, newest first" columns={columns} rows={list.data.data} rowKey={(e) => e.id} rowHref={(e) => `/dunning?view=customer&customer=${e.customerId}`} sortParam="esort" />
          <Pager nextCursor={list.data.nextCursor} count={list.data.data.length} noun="escalations" />
        </>
      )}
      <ResolveDialog e={resolving} onClose={() => setResolving(null)} onDone={list.reload} />
    </Card>
  );
}
