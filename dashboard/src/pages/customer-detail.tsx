import { useMemo } from "react";
import { api, ok } from "../api/client.ts";
import type { Customer, Invoice, Payment } from "../api/types.ts";
import { useApi, useBranches } from "../lib/data.ts";
import { formatMoney, humanize, localeOf } from "../lib/format.ts";
import { Link } from "../lib/router.tsx";
import { BranchName, Card, DateText, Dl, InstantText, Money, PageHeader, Stat, StatusBadge } from "../ui/bits.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";
import { type Column, DataTable } from "../ui/table.tsx";

type ChannelName = keyof Customer["channels"];
const CHANNELS: ChannelName[] = ["email", "sms", "whatsapp"];

async function loadActivity(customerId: string, signal: AbortSignal) {
  // Balances come from the open invoices (both open statuses), the tables show the latest 15.
  const [invoices, issued, partial, payments] = await Promise.all([
    ok(api.GET("/v1/invoices", { params: { query: { customerId, limit: 15 } }, signal })),
    ok(api.GET("/v1/invoices", { params: { query: { customerId, status: "issued", limit: 90 } }, signal })),
    ok(api.GET("/v1/invoices", { params: { query: { customerId, status: "partially_paid", limit: 90 } }, signal })),
    ok(api.GET("/v1/payments", { params: { query: { customerId, limit: 90 } }, signal })),
  ]);
  return { invoices, open: [...issued.data, ...partial.data], payments };
}

function sumBy<T>(rows: T[], currency: (r: T) => string, amount: (r: T) => number): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const r of rows) m.set(currency(r), (m.get(currency(r)) ?? 0) + amount(r));
  return [...m.entries()].filter(([, v]) => v !== 0);
}

export function CustomerDetail({ id }: { id: string }) {
  const branches = useBranches();
  const customer = useApi((signal) => ok(api.GET("/v1/customers/{id}", { params: { path: { id } }, signal })), [id]);
  const activity = useApi((signal) => loadActivity(id, signal), [id]);
  const c = customer.data;
  const locale = localeOf(branches.byId.get(c?.homeBranchId ?? ""));

  const open = useMemo(() => activity.data?.open ?? [], [activity.data]);
  const openBalance = sumBy(open, (i) => i.currency, (i) => i.balanceDue);
  const overdueBalance = sumBy(open.filter((i) => i.overdue), (i) => i.currency, (i) => i.balanceDue);
  const credit = sumBy(activity.data?.payments.data ?? [], (p) => p.currency, (p) => p.unallocatedAmount);
  const moneyList = (xs: Array<[string, number]>) => (xs.length ? xs.map(([cur, v]) => formatMoney(v, cur, locale)).join(" · ") : formatMoney(0, branches.byId.get(c?.homeBranchId ?? "")?.currency ?? "EUR", locale));

  if (customer.error) return <ErrorState error={customer.error} onRetry={customer.reload} />;
  if (!c) return <Loading rows={10} label="Loading customer" />;

  const invCols: Column<Invoice>[] = [
    { key: "number", header: "Invoice", sort: (i) => i.number ?? "", cell: (i) => <Link className="link mono" href={`/invoices/${i.id}`}>{i.number ?? "Draft"}</Link> },
    { key: "status", header: "Status", cell: (i) => <StatusBadge status={i.status} overdue={i.overdue} /> },
    { key: "due", header: "Due", sort: (i) => i.dueDate ?? "", cell: (i) => <DateText date={i.dueDate} branchId={i.branchId} />, secondary: true },
    { key: "total", header: "Total", numeric: true, sort: (i) => i.total, cell: (i) => <Money minor={i.total} currency={i.currency} branchId={i.branchId} />, secondary: true },
    { key: "balance", header: "Balance", numeric: true, sort: (i) => i.balanceDue, cell: (i) => <Money minor={i.balanceDue} currency={i.currency} branchId={i.branchId} /> },
  ];
  const payCols: Column<Payment>[] = [
    { key: "at", header: "Received", sort: (p) => p.receivedAt, cell: (p) => <InstantText at={p.receivedAt} branchId={c.homeBranchId} /> },
    { key: "method", header: "Method", cell: (p) => humanize(p.method), secondary: true },
    { key: "amount", header: "Amount", numeric: true, sort: (p) => p.amount, cell: (p) => <Money minor={p.amount} currency={p.currency} branchId={c.homeBranchId} /> },
    { key: "unalloc", header: "Unallocated", numeric: true, cell: (p) => (p.unallocatedAmount ? <Money minor={p.unallocatedAmount} currency={p.currency} branchId={c.homeBranchId} /> : "—") },
  ];

  return (
    <>
      <PageHeader
        back={<Link className="back" href="/customers">← Customers</Link>}
        title={c.name}
        subtitle={<>{c.segment === "smb" ? "SMB" : humanize(c.segment)} · home branch <BranchName branchId={c.homeBranchId} /> · {humanize(c.status)}</>}
        actions={<Link className="btn" href={`/invoices?customerId=${c.id}`}>All invoices</Link>}
      />
      <div className="stats">
        <Stat label="Open balance" value={activity.data ? moneyList(openBalance) : <span className="placeholder">…</span>} hint={activity.data ? `${open.length} open invoices` : undefined} />
        <Stat label="Overdue" value={activity.data ? moneyList(overdueBalance) : <span className="placeholder">…</span>} tone={overdueBalance.length ? "bad" : undefined} />
        <Stat label="Credit balance" value={activity.data ? moneyList(credit) : <span className="placeholder">…</span>} hint="Payments not yet applied" />
      </div>
      <div className="grid-2">
        <Card title="Profile">
          <Dl
            items={[
              ["Email", c.email ?? "—"],
              ["Phone", c.phone ?? "—"],
              ["Language", c.language],
              ["Timezone", c.timezone],
              ["Tax id", c.taxId ?? "—"],
              ["External ref", c.externalRef ?? "—"],
              ["Customer since", <InstantText key="s" at={c.createdAt} branchId={c.homeBranchId} dateOnly />],
            ]}
          />
        </Card>
        <Card title="Channels">
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Contact channels, consent and opt-out</caption>
              <thead><tr><th scope="col">Channel</th><th scope="col">Address</th><th scope="col">Consent</th><th scope="col">Opt-out</th></tr></thead>
              <tbody>
                {CHANNELS.map((name) => {
                  const ch = c.channels[name];
                  return (
                    <tr key={name}>
                      <td>{name === "sms" ? "SMS" : humanize(name)}</td>
                      <td className="mono small">{ch?.address ?? <span className="muted">Not set</span>}</td>
                      <td>{ch ? <span className={`badge badge-${ch.consent === "granted" ? "good" : "neutral"}`}>{ch.consent === "granted" ? "Granted" : "Not given"}</span> : "—"}</td>
                      <td>{ch ? (ch.optedOut ? <span className="badge badge-bad">Opted out</span> : <span className="muted">No</span>) : "—"}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </Card>
      </div>
      <Card title="Recent invoices" actions={<Link className="link small" href={`/invoices?customerId=${c.id}`}>All invoices →</Link>}>
        {activity.error ? <ErrorState error={activity.error} onRetry={activity.reload} /> : !activity.data ? <Loading rows={5} /> : activity.data.invoices.data.length ? <DataTable caption="Recent invoices" columns={invCols} rows={activity.data.invoices.data} rowKey={(i) => i.id} rowHref={(i) => `/invoices/${i.id}`} sortParam="isort" /> : <Empty title="No invoices yet" />}
      </Card>
      <Card title="Recent payments">
        {activity.error ? <ErrorState error={activity.error} /> : !activity.data ? <Loading rows={4} /> : activity.data.payments.data.length ? <DataTable caption="Recent payments" columns={payCols} rows={activity.data.payments.data.slice(0, 15)} rowKey={(p) => p.id} sortParam="psort" /> : <Empty title="No payments yet" />}
      </Card>
    </>
  );
}
