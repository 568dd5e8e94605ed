import { type FormEvent, useState } from "react";
import { api, ok } from "../api/client.ts";
import { describeError, isProblem } from "../api/problem.ts";
import type { CurrencyBalance, Customer, Invoice, Payment } from "../api/types.ts";
import { useApi, useBranches } from "../lib/data.ts";
import { formatMoney, humanize, learnMinorUnits, localeOf, minorToDecimalString, parseMoney } from "../lib/format.ts";
import { Link } from "../lib/router.tsx";
import { can, useSession } from "../lib/session.ts";
import { BranchName, Card, DateText, Dl, Field, InstantText, Money, PageHeader, Stat, StatusBadge } from "../ui/bits.tsx";
import { Dialog } from "../ui/dialog.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";
import { type Column, DataTable } from "../ui/table.tsx";
import { CustomerDunning } from "./dunning/customer-dunning.tsx"; // dunning (issue 7)

type ChannelName = keyof Customer["channels"];
const CHANNELS: ChannelName[] = ["email", "sms", "whatsapp"];
const MAX_PAGE = 200;

async function loadActivity(customerId: string, signal: AbortSignal) {
  // The tables show the latest 15; the overdue total is the one figure the balance endpoint
  // does not give, so it comes from the (server-filtered) overdue invoices.
  const [invoices, overdue, payments] = await Promise.all([
    ok(api.GET("/v1/invoices", { params: { query: { customerId, limit: 15 } }, signal })),
    ok(api.GET("/v1/invoices", { params: { query: { customerId, overdue: "true", limit: MAX_PAGE } }, signal })),
    ok(api.GET("/v1/payments", { params: { query: { customerId, limit: 15 } }, signal })),
  ]);
  return { invoices, overdue, payments };
}

async function loadBalance(customerId: string, signal: AbortSignal) {
  const b = await ok(api.GET("/v1/customers/{id}/balance", { params: { path: { id: customerId } }, signal }));
  for (const row of b.balances) learnMinorUnits(row.currency, row.minorUnits);
  return b;
}

function sumBy<T>(rows: T[], currency: (r: T) => string, amount: (r: T) => number): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const r of rows) m.set(currency(r), (m.get(currency(r)) ?? 0) + amount(r));
  return [...m.entries()].filter(([, v]) => v !== 0);
}

export function CustomerDetail({ id }: { id: string }) {
  const session = useSession();
  const branches = useBranches();
  const customer = useApi((signal) => ok(api.GET("/v1/customers/{id}", { params: { path: { id } }, signal })), [id]);
  const balance = useApi((signal) => loadBalance(id, signal), [id]);
  const activity = useApi((signal) => loadActivity(id, signal), [id]);
  const [applying, setApplying] = useState<CurrencyBalance | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const c = customer.data;
  const locale = localeOf(branches.byId.get(c?.homeBranchId ?? ""));
  const homeCurrency = branches.byId.get(c?.homeBranchId ?? "")?.currency ?? "EUR";

  const rows = balance.data?.balances ?? [];
  const openBalance = rows.filter((b) => b.openBalance !== 0).map((b) => [b.currency, b.openBalance] as [string, number]);
  const credit = rows.filter((b) => b.creditBalance !== 0).map((b) => [b.currency, b.creditBalance] as [string, number]);
  const overdueBalance = sumBy(activity.data?.overdue.data ?? [], (i) => i.currency, (i) => i.balanceDue);
  const overdueMore = !!activity.data?.overdue.nextCursor;
  const moneyList = (xs: Array<[string, number]>) => (xs.length ? xs.map(([cur, v]) => formatMoney(v, cur, locale)).join(" · ") : formatMoney(0, homeCurrency, locale));
  const pending = <span className="placeholder">…</span>;
  const writable = can(session, "write");
  const creditToApply = writable ? rows.filter((b) => b.creditBalance > 0 && b.openBalance > 0) : [];
  const reloadMoney = () => {
    balance.reload();
    activity.reload();
  };

  if (customer.error) return <ErrorState error={customer.error} onRetry={customer.reload} />;
  if (!c) return <Loading rows={10} label="Loading customer" />;

  const invCols: Column<Invoice>[] = [
    { key: "number", header: "Invoice", sort: (i) => i.number ?? "", cell: (i) => <Link className="link mono" href={`/invoices/${i.id}`}>{i.number ?? "Draft"}</Link> },
    { key: "status", header: "Status", cell: (i) => <StatusBadge status={i.status} overdue={i.overdue} /> },
    { key: "due", header: "Due", sort: (i) => i.dueDate ?? "", cell: (i) => <DateText date={i.dueDate} branchId={i.branchId} />, secondary: true },
    { key: "total", header: "Total", numeric: true, sort: (i) => i.total, cell: (i) => <Money minor={i.total} currency={i.currency} branchId={i.branchId} />, secondary: true },
    { key: "balance", header: "Balance", numeric: true, sort: (i) => i.balanceDue, cell: (i) => <Money minor={i.balanceDue} currency={i.currency} branchId={i.branchId} /> },
  ];
  const money = (n: number, currency: string) => <Money minor={n} currency={currency} branchId={c.homeBranchId} />;
  const balanceCols: Column<CurrencyBalance>[] = [
    { key: "currency", header: "Currency", cell: (b) => <strong>{b.currency}</strong> },
    { key: "invoiced", header: "Invoiced", numeric: true, cell: (b) => money(b.invoiced, b.currency), secondary: true },
    { key: "credited", header: "Credited", numeric: true, cell: (b) => money(b.credited, b.currency), secondary: true },
    { key: "paid", header: "Paid", numeric: true, cell: (b) => money(b.paid, b.currency), secondary: true },
    { key: "refunded", header: "Refunded", numeric: true, cell: (b) => money(b.refunded, b.currency), secondary: true },
    { key: "open", header: "Open balance", numeric: true, cell: (b) => money(b.openBalance, b.currency) },
    { key: "credit", header: "Credit", numeric: true, cell: (b) => money(b.creditBalance, b.currency), secondary: true },
    { key: "net", header: "Net", numeric: true, cell: (b) => <strong>{money(b.net, b.currency)}</strong> },
    ...(writable
      ? [{ key: "act", header: "", cell: (b: CurrencyBalance) => (b.creditBalance > 0 && b.openBalance > 0 ? <button type="button" className="btn btn-sm" onClick={() => setApplying(b)} aria-label={`Apply ${b.currency} credit`}>Apply credit…</button> : null) }]
      : []),
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
      {flash && (
        <p className="flash" role="status">
          {flash}
        </p>
      )}
      {balance.error ? (
        <Card>
          <ErrorState error={balance.error} onRetry={balance.reload} />
        </Card>
      ) : (
        <div className="stats" data-testid="customer-balance">
          <Stat label="Open balance" value={balance.data ? moneyList(openBalance) : pending} hint="Still owed on open invoices" />
          <Stat
            label="Overdue"
            value={activity.error ? "—" : activity.data ? moneyList(overdueBalance) : pending}
            hint={activity.data ? `${activity.data.overdue.data.length}${overdueMore ? "+" : ""} invoices past due` : undefined}
            tone={overdueBalance.length ? "bad" : undefined}
          />
          <Stat
            label="Credit balance"
            value={balance.data ? moneyList(credit) : pending}
            hint={
              creditToApply.length ? (
                <button type="button" className="btn btn-sm stat-action" onClick={() => setApplying(creditToApply[0]!)}>
                  Apply credit…
                </button>
              ) : (
                "Unapplied payments and credit, less refunds"
              )
            }
            tone={credit.length ? "good" : undefined}
          />
        </div>
      )}
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
      {balance.data && rows.length > 0 && (
        <Card title="Account by currency">
          <DataTable caption="The customer's account per currency" columns={balanceCols} rows={rows} rowKey={(b) => b.currency} sortParam="bsort" />
          <p className="muted small">Net = invoiced − credited − paid + refunded, which is the open balance less the credit balance.</p>
        </Card>
      )}
      <Card title="Recent invoices" actions={<Link className="link small" href={`/invoices?customerId=${c.id}`}>All invoices →</Link>}>
        {activity.error ? <ErrorState error={activity.error} onRetry={activity.reload} /> : !activity.data ? <Loading rows={5} /> : activity.data.invoices.data.length ? <DataTable caption="Recent invoices" columns={invCols} rows={activity.data.invoices.data} rowKey={(i) => i.id} rowHref={(i) => `/invoices/${i.id}`} sortParam="isort" /> : <Empty title="No invoices yet" />}
      </Card>
      <Card title="Recent payments">
        {activity.error ? <ErrorState error={activity.error} /> : !activity.data ? <Loading rows={4} /> : activity.data.payments.data.length ? <DataTable caption="Recent payments" columns={payCols} rows={activity.data.payments.data} rowKey={(p) => p.id} sortParam="psort" /> : <Empty title="No payments yet" />}
        {activity.data?.payments.data.some((p) => p.unallocatedAmount > 0) && <p className="muted small">Unallocated is what a payment has not paid on a named invoice. Credit applied from the customer's balance is not taken from one payment, so the credit balance above is the figure to go by.</p>}
      </Card>
      {/* Dunning (issue 7): the communication timeline, consent and dispute/promise records. */}
      <CustomerDunning customerId={c.id} on="customer" />
      <ApplyCreditDialog
        key={applying?.currency ?? "closed"}
        customerId={c.id}
        branchId={c.homeBranchId}
        credit={applying}
        onClose={() => setApplying(null)}
        onApplied={(message) => {
          setApplying(null);
          setFlash(message);
          reloadMoney();
        }}
      />
    </>
  );
}

/** Applies part of the customer's credit in one currency to one of their open invoices in it. */
function ApplyCreditDialog({ customerId, branchId, credit, onClose, onApplied }: { customerId: string; branchId: string | null; credit: CurrencyBalance | null; onClose: () => void; onApplied: (message: string) => void }) {
  const locale = localeOf(useBranches().byId.get(branchId ?? ""));
  const currency = credit?.currency ?? "EUR";
  const open = useApi(
    async (signal) => {
      if (!credit) return [];
      const lists = await Promise.all(
        (["issued", "partially_paid"] as const).map((status) => ok(api.GET("/v1/invoices", { params: { query: { customerId, status, limit: MAX_PAGE } }, signal }))),
      );
      return lists.flatMap((l) => l.data).filter((i) => i.currency === credit.currency && i.balanceDue > 0).sort((a, b) => (a.dueDate ?? "").localeCompare(b.dueDate ?? ""));
    },
    [customerId, credit?.currency],
  );
  const [invoiceId, setInvoiceId] = useState("");
  const [amount, setAmount] = useState("");
  const [localError, setLocalError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
  // One key per opening: a double submit or a retry after a lost response applies once.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const invoices = open.data ?? [];
  const invoice: Invoice | undefined = invoices.find((i) => i.id === invoiceId) ?? invoices[0];
  const suggested = invoice && credit ? Math.min(invoice.balanceDue, credit.creditBalance) : 0;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!credit || !invoice) return;
    const minor = amount.trim() === "" ? suggested : parseMoney(amount, currency);
    if (minor === null || minor <= 0) return setLocalError(`Enter an amount in ${currency}, e.g. ${minorToDecimalString(suggested, currency)}`);
    if (minor > suggested) return setLocalError(`At most ${formatMoney(suggested, currency, locale)}: the smaller of the credit and the invoice's balance`);
    setLocalError(undefined);
    setBusy(true);
    setProblem(null);
    try {
      const after = await ok(api.POST("/v1/customers/{id}/credit/applications", { params: { path: { id: customerId } }, body: { invoiceId: invoice.id, amount: minor }, headers: { "idempotency-key": idempotencyKey } }));
      onApplied(`${formatMoney(minor, currency, locale)} of credit applied to ${after.number ?? invoice.number}; it now owes ${formatMoney(after.balanceDue, currency, locale)}.`);
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (name: string) => (isProblem(problem) ? problem.fieldErrors[name] : undefined);
  const generalError = problem && !fieldError("invoiceId") && !fieldError("amount") ? describeError(problem) : null;

  return (
    <Dialog open={!!credit} title={`Apply ${currency} credit`} onClose={onClose}>
      {credit && (
        <form onSubmit={submit} noValidate>
          <p className="muted">
            {formatMoney(credit.creditBalance, currency, locale)} of credit is available. Applying it reduces what an open invoice asks for, like a payment would.
          </p>
          {open.error ? (
            <ErrorState error={open.error} onRetry={open.reload} />
          ) : !open.data ? (
            <Loading rows={2} label="Loading open invoices" />
          ) : invoices.length === 0 ? (
            <Empty title={`No open ${currency} invoice`}>There is nothing in this currency to apply the credit to.</Empty>
          ) : (
            <>
              <Field label="Invoice" error={fieldError("invoiceId")}>
                {(p) => (
                  <select {...p} name="invoiceId" value={invoice?.id ?? ""} onChange={(e) => setInvoiceId(e.target.value)}>
                    {invoices.map((i) => (
                      <option key={i.id} value={i.id}>
                        {i.number ?? i.id} · owes {formatMoney(i.balanceDue, currency, locale)}
                        {i.overdue ? " · overdue" : ""}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={`Amount (${currency})`} error={localError ?? fieldError("amount")} hint={`Leave empty to apply ${formatMoney(suggested, currency, locale)}`}>
                {(p) => <input {...p} name="amount" inputMode="decimal" autoComplete="off" value={amount} onChange={(e) => setAmount(e.target.value)} placeholder={minorToDecimalString(suggested, currency)} />}
              </Field>
              {invoice?.dueDate && (
                <p className="muted small">
                  Due <DateText date={invoice.dueDate} branchId={invoice.branchId} />
                </p>
              )}
            </>
          )}
          {generalError && (
            <p className="form-error" role="alert">
              {generalError}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" disabled={busy || !invoice}>
              {busy ? "Applying…" : "Apply credit"}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
