// The escalations queue: what cadences escalated (notify the branch manager, collections queue,
// formal notice, service hold), newest first, filtered by the desk that works it. A branch
// manager sees their branches' escalations only (the API scopes the list).
import { api, ok } from "../../api/client.ts";
import { useApi } from "../../lib/data.ts";
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

export function Escalations() {
  const q = useQueryState();
  const raw = q.get("queue");
  const queue = raw && raw in QUEUES ? (raw as Queue) : undefined;
  const cursor = q.get("cursor");
  const list = useApi((signal) => ok(api.GET("/v1/dunning/escalations", { params: { query: { limit: 50, cursor, queue } }, signal })), [queue, cursor]);

  const columns: Column<Escalation>[] = [
    { key: "at", header: "Raised", sort: (e) => e.occurredAt, cell: (e) => <InstantText at={e.occurredAt} branchId={e.branchId} /> },
    { key: "customer", header: "Customer", sort: (e) => e.customerName, cell: (e) => <CustomerLink id={e.customerId} /> },
    { key: "actions", header: "Action", cell: (e) => e.actions.map(humanAction).join(", ") || "—" },
    { key: "desk", header: "Assigned to", cell: (e) => e.queues.map((d) => <span key={d} className="badge badge-warn dun-desk">{QUEUES[d]}</span>) },
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
    </Card>
  );
}
