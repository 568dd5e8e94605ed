import { type FormEvent, useState } from "react";
import { api, ok } from "../api/client.ts";
import type { Invoice, InvoiceQuery, InvoiceStatus } from "../api/types.ts";
import { useApi, useBranches } from "../lib/data.ts";
import { formatNumber, humanize, learnMinorUnits } from "../lib/format.ts";
import { Link, useQueryState } from "../lib/router.tsx";
import { BranchName, Card, DateText, Money, PageHeader, StatusBadge } from "../ui/bits.tsx";
import { CustomerLink } from "../ui/customer-link.tsx";
import { Pager } from "../ui/pager.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";
import { type Column, DataTable } from "../ui/table.tsx";

const STATUSES: InvoiceStatus[] = ["draft", "issued", "partially_paid", "paid", "void"];
const FILTERS = ["q", "status", "branchId", "customerId", "dueFrom", "dueTo", "overdue"] as const;

export function Invoices() {
  const q = useQueryState();
  const branches = useBranches();
  const query: InvoiceQuery = {
    limit: 50,
    cursor: q.get("cursor"),
    status: q.get("status") as InvoiceQuery["status"],
    branchId: q.get("branchId"),
    customerId: q.get("customerId"),
    dueFrom: q.get("dueFrom"),
    dueTo: q.get("dueTo"),
    overdue: q.get("overdue") === "true" ? "true" : undefined,
    q: q.get("q"),
  };
  const key = JSON.stringify(query);
  const list = useApi(
    async (signal) => {
      const page = await ok(api.GET("/v1/invoices", { params: { query }, signal }));
      for (const i of page.data) learnMinorUnits(i.currency, i.minorUnits);
      return page;
    },
    [key],
  );
  const [customerDraft, setCustomerDraft] = useState(q.get("customerId") ?? "");
  const [searchDraft, setSearchDraft] = useState(q.get("q") ?? "");
  // Back/forward (or a shared link) changes ?q= under the box: show what is being searched.
  const urlSearch = q.get("q") ?? "";
  const [shownSearch, setShownSearch] = useState(urlSearch);
  if (shownSearch !== urlSearch) {
    setShownSearch(urlSearch);
    setSearchDraft(urlSearch);
  }
  const active = FILTERS.filter((f) => q.get(f));

  const setFilter = (patch: Record<string, string | undefined>) => q.set({ ...patch, cursor: undefined });
  const applyCustomer = (e: FormEvent) => {
    e.preventDefault();
    setFilter({ customerId: customerDraft.trim() || undefined });
  };
  const applySearch = (e: FormEvent) => {
    e.preventDefault();
    setFilter({ q: searchDraft.trim() || undefined });
  };

  const columns: Column<Invoice>[] = [
    { key: "number", header: "Number", sort: (i) => i.number ?? "", cell: (i) => <Link className="link mono" href={`/invoices/${i.id}`}>{i.number ?? "Draft"}</Link> },
    { key: "status", header: "Status", sort: (i) => i.status, cell: (i) => <StatusBadge status={i.status} overdue={i.overdue} /> },
    { key: "customer", header: "Customer", cell: (i) => <CustomerLink id={i.customerId} /> },
    { key: "branch", header: "Branch", sort: (i) => branches.byId.get(i.branchId)?.code ?? "", cell: (i) => <BranchName branchId={i.branchId} />, secondary: true },
    { key: "issued", header: "Issued", sort: (i) => i.issueDate ?? "", cell: (i) => <DateText date={i.issueDate} branchId={i.branchId} />, secondary: true },
    { key: "due", header: "Due", sort: (i) => i.dueDate ?? "", cell: (i) => <DateText date={i.dueDate} branchId={i.branchId} /> },
    { key: "total", header: "Total", numeric: true, sort: (i) => i.total, cell: (i) => <Money minor={i.total} currency={i.currency} branchId={i.branchId} />, secondary: true },
    { key: "balance", header: "Balance due", numeric: true, sort: (i) => i.balanceDue, cell: (i) => <Money minor={i.balanceDue} currency={i.currency} branchId={i.branchId} /> },
  ];

  return (
    <>
      <PageHeader title="Invoices" subtitle="Newest first. Filters are part of the address, so a filtered list can be bookmarked or shared." />
      <Card>
        <form className="search-bar" onSubmit={applySearch} aria-label="Search invoices">
          <label className="inline-field search-field">
            <span>Search</span>
            <input
              type="search"
              name="q"
              maxLength={100}
              placeholder="Invoice number or customer name"
              value={searchDraft}
              onChange={(e) => setSearchDraft(e.target.value)}
              spellCheck={false}
              autoComplete="off"
            />
          </label>
          <button type="submit" className="btn">
            Search
          </button>
        </form>
        <form className="filters" onSubmit={applyCustomer} aria-label="Invoice filters">
          <label className="inline-field">
            <span>Status</span>
            <select name="status" value={q.get("status") ?? ""} onChange={(e) => setFilter({ status: e.target.value || undefined })}>
              <option value="">Any status</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {humanize(s)}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-field">
            <span>Branch</span>
            <select name="branchId" value={q.get("branchId") ?? ""} onChange={(e) => setFilter({ branchId: e.target.value || undefined })}>
              <option value="">All branches</option>
              {branches.list.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.code} · {b.name}
                </option>
              ))}
            </select>
          </label>
          <label className="inline-field">
            <span>Due from</span>
            <input type="date" name="dueFrom" value={q.get("dueFrom") ?? ""} onChange={(e) => setFilter({ dueFrom: e.target.value || undefined })} />
          </label>
          <label className="inline-field">
            <span>Due to</span>
            <input type="date" name="dueTo" value={q.get("dueTo") ?? ""} onChange={(e) => setFilter({ dueTo: e.target.value || undefined })} />
          </label>
          <label className="inline-field">
            <span>Customer id</span>
            <input name="customerId" placeholder="cus_…" value={customerDraft} onChange={(e) => setCustomerDraft(e.target.value)} onBlur={applyCustomer} spellCheck={false} />
          </label>
          <label className="check">
            <input type="checkbox" name="overdue" checked={q.get("overdue") === "true"} onChange={(e) => setFilter({ overdue: e.target.checked ? "true" : undefined })} />
            Overdue only
          </label>
          {active.length > 0 && (
            <button type="button" className="btn btn-ghost" onClick={() => { setCustomerDraft(""); setSearchDraft(""); q.set(Object.fromEntries([...FILTERS, "cursor"].map((f) => [f, undefined]))); }}>
              Clear filters
            </button>
          )}
        </form>
        {list.error ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : !list.data ? (
          <Loading rows={10} label="Loading invoices" />
        ) : list.data.data.length === 0 ? (
          <Empty title="No invoices match" icon="∅">
            {q.get("q") ? `Nothing matches “${q.get("q")}” as an invoice number or customer name.` : active.length ? "Try removing a filter." : "Invoices created through the API appear here."}
          </Empty>
        ) : (
          <>
            <DataTable caption="Invoices" columns={columns} rows={list.data.data} rowKey={(i) => i.id} rowHref={(i) => `/invoices/${i.id}`} />
            <Pager nextCursor={list.data.nextCursor} count={list.data.data.length} noun={`invoice${list.data.data.length === 1 ? "" : "s"} on this page`} />
          </>
        )}
        {list.loading && list.data && <div className="refreshing" role="status">Updating… {formatNumber(list.data.data.length)}</div>}
      </Card>
    </>
  );
}
