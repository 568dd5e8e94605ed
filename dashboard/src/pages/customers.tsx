import { api, ok } from "../api/client.ts";
import type { Customer } from "../api/types.ts";
import { useApi } from "../lib/data.ts";
import { humanize } from "../lib/format.ts";
import { rememberCustomerName } from "../lib/names.ts";
import { Link, useQueryState } from "../lib/router.tsx";
import { BranchName, Card, InstantText, PageHeader } from "../ui/bits.tsx";
import { Pager } from "../ui/pager.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";
import { type Column, DataTable } from "../ui/table.tsx";

const SEGMENTS = ["consumer", "smb", "enterprise"] as const;
type Segment = (typeof SEGMENTS)[number];

export function Customers() {
  const q = useQueryState();
  const segment = q.get("segment") as Segment | undefined;
  const cursor = q.get("cursor");
  const list = useApi(
    async (signal) => {
      const page = await ok(api.GET("/v1/customers", { params: { query: { limit: 50, cursor, segment } }, signal }));
      for (const c of page.data) rememberCustomerName(c.id, c.name);
      return page;
    },
    [segment, cursor],
  );

  const columns: Column<Customer>[] = [
    { key: "name", header: "Customer", sort: (c) => c.name, cell: (c) => (<><Link className="link" href={`/customers/${c.id}`}>{c.name}</Link><div className="muted small secondary-inline">{c.email ?? c.phone ?? ""}</div></>) },
    { key: "segment", header: "Segment", sort: (c) => c.segment, cell: (c) => <span className="badge badge-neutral">{c.segment === "smb" ? "SMB" : humanize(c.segment)}</span> },
    { key: "email", header: "Email", cell: (c) => c.email ?? "—", secondary: true },
    { key: "branch", header: "Home branch", cell: (c) => <BranchName branchId={c.homeBranchId} />, secondary: true },
    { key: "status", header: "Status", sort: (c) => c.status, cell: (c) => <span className={`badge badge-${c.status === "active" ? "good" : "neutral"}`}>{humanize(c.status)}</span> },
    { key: "since", header: "Customer since", sort: (c) => c.createdAt, cell: (c) => <InstantText at={c.createdAt} branchId={c.homeBranchId} dateOnly />, secondary: true },
  ];

  return (
    <>
      <PageHeader title="Customers" subtitle="Newest first." />
      <Card>
        <fieldset className="filters" aria-label="Customer filters">
          <label className="inline-field">
            <span>Segment</span>
            <select value={segment ?? ""} onChange={(e) => q.set({ segment: e.target.value || undefined, cursor: undefined })}>
              <option value="">All segments</option>
              {SEGMENTS.map((s) => (
                <option key={s} value={s}>
                  {s === "smb" ? "SMB" : humanize(s)}
                </option>
              ))}
            </select>
          </label>
        </fieldset>
        {list.error ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : !list.data ? (
          <Loading rows={10} label="Loading customers" />
        ) : list.data.data.length === 0 ? (
          <Empty title="No customers here yet" icon="☺">Customers created through the API appear here.</Empty>
        ) : (
          <>
            <DataTable caption="Customers" columns={columns} rows={list.data.data} rowKey={(c) => c.id} rowHref={(c) => `/customers/${c.id}`} />
            <Pager nextCursor={list.data.nextCursor} count={list.data.data.length} noun="customers on this page" />
          </>
        )}
      </Card>
    </>
  );
}
