import { type FormEvent, useState } from "react";
import { api, ok } from "../api/client.ts";
import type { CreditNote, Invoice, Payment, PaymentMethod } from "../api/types.ts";
import { useApi, useBranches } from "../lib/data.ts";
import { formatMoney, humanize, learnMinorUnits, localeOf, minorToDecimalString, parseMoney } from "../lib/format.ts";
import { Link } from "../lib/router.tsx";
import { can, useSession } from "../lib/session.ts";
import { useAction } from "../lib/use-action.ts";
import { Card, DateText, Dl, Field, InstantText, Money, PageHeader, StatusBadge } from "../ui/bits.tsx";
import { CustomerLink } from "../ui/customer-link.tsx";
import { Dialog } from "../ui/dialog.tsx";
import { Party, type PartyView } from "../ui/party.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";
import { type Column, DataTable } from "../ui/table.tsx";
import { InvoiceHistory } from "./invoice-detail/history.tsx";

type Line = Invoice["lines"][number];
type Tax = Invoice["taxBreakdown"][number];
const METHODS: PaymentMethod[] = ["bank_transfer", "card", "direct_debit", "cash", "check", "other"];

interface Related {
  payments: Array<Payment & { appliedHere: number }>;
  creditNotes: CreditNote[];
}

async function loadRelated(invoice: Invoice, signal: AbortSignal): Promise<Related> {
  const [payments, creditNotes] = await Promise.all([
    ok(api.GET("/v1/payments", { params: { query: { customerId: invoice.customerId, limit: 200 } }, signal })),
    ok(api.GET("/v1/credit-notes", { params: { query: { invoiceId: invoice.id, limit: 50 } }, signal })),
  ]);
  return {
    payments: payments.data
      .map((p) => ({ ...p, appliedHere: p.allocations.filter((a) => a.invoiceId === invoice.id).reduce((s, a) => s + a.amount, 0) }))
      .filter((p) => p.appliedHere > 0),
    creditNotes: creditNotes.data,
  };
}

export function InvoiceDetail({ id }: { id: string }) {
  const session = useSession();
  const branches = useBranches();
  const inv = useApi(
    async (signal) => {
      const invoice = await ok(api.GET("/v1/invoices/{id}", { params: { path: { id } }, signal }));
      learnMinorUnits(invoice.currency, invoice.minorUnits);
      return invoice;
    },
    [id],
  );
  // A draft has no frozen parties yet: show who it would name if issued now.
  const liveBuyer = useApi((signal) => (inv.data && !inv.data.buyer ? ok(api.GET("/v1/customers/{id}", { params: { path: { id: inv.data.customerId } }, signal })) : Promise.resolve(undefined)), [inv.data]);
  const related = useApi((signal) => (inv.data ? loadRelated(inv.data, signal) : new Promise<Related>(() => {})), [inv.data]);
  const [dialog, setDialog] = useState<"pay" | "void" | "issue" | "credit" | null>(null);
  const [flash, setFlash] = useState<string | null>(null);

  if (inv.error) return <ErrorState error={inv.error} onRetry={inv.reload} />;
  if (!inv.data) return <Loading rows={12} label="Loading invoice" />;
  const i = inv.data;
  const branch = branches.byId.get(i.branchId);
  const writable = can(session, "write");
  const open = i.status === "issued" || i.status === "partially_paid";
  const done = (message: string) => {
    setDialog(null);
    setFlash(message);
    inv.reload();
  };

  const seller: PartyView | undefined = i.seller
    ? { name: i.seller.legalName, taxId: i.seller.taxId, address: i.seller.address, email: i.seller.contact.email, phone: i.seller.contact.phone }
    : branch && { name: branch.legalName, taxId: branch.taxId, address: branch.address, email: branch.contact.email, phone: branch.contact.phone };
  const live = liveBuyer.data;
  const buyer: PartyView | undefined = i.buyer ? { name: i.buyer.name, taxId: i.buyer.taxId, address: i.buyer.address, email: i.buyer.email } : live && { name: live.name, taxId: live.taxId, address: live.address, email: live.email };

  const lineCols: Column<Line>[] = [
    { key: "pos", header: "#", cell: (l) => l.position, secondary: true },
    { key: "desc", header: "Description", cell: (l) => (<>{l.description}{l.servicePeriod && <div className="muted small">Service <DateText date={l.servicePeriod.start} branchId={i.branchId} /> – <DateText date={l.servicePeriod.end} branchId={i.branchId} /></div>}</>) },
    { key: "qty", header: "Qty", numeric: true, cell: (l) => new Intl.NumberFormat(localeOf(branch)).format(l.quantity) },
    { key: "price", header: "Unit price", numeric: true, cell: (l) => <Money minor={l.unitPrice} currency={i.currency} branchId={i.branchId} />, secondary: true },
    { key: "disc", header: "Discount", numeric: true, cell: (l) => (l.discountAmount ? <Money minor={l.discountAmount} currency={i.currency} branchId={i.branchId} /> : "—"), secondary: true },
    { key: "tax", header: "Tax", numeric: true, cell: (l) => `${l.taxRate}%` },
    { key: "net", header: "Net", numeric: true, cell: (l) => <Money minor={l.netAmount} currency={i.currency} branchId={i.branchId} /> },
  ];
  const taxCols: Column<Tax>[] = [
    { key: "cat", header: "Category", cell: (t) => humanize(t.category) },
    { key: "rate", header: "Rate", numeric: true, cell: (t) => `${t.taxRate}%` },
    { key: "base", header: "Taxable", numeric: true, cell: (t) => <Money minor={t.taxableAmount} currency={i.currency} branchId={i.branchId} /> },
    { key: "amount", header: "Tax", numeric: true, cell: (t) => <Money minor={t.taxAmount} currency={i.currency} branchId={i.branchId} /> },
  ];
  const payCols: Column<Related["payments"][number]>[] = [
    { key: "at", header: "Received", cell: (p) => <InstantText at={p.receivedAt} branchId={i.branchId} /> },
    { key: "method", header: "Method", cell: (p) => humanize(p.method) },
    { key: "ref", header: "Reference", cell: (p) => p.reference ?? "—", secondary: true },
    { key: "amount", header: "Applied here", numeric: true, cell: (p) => <Money minor={p.appliedHere} currency={p.currency} branchId={i.branchId} /> },
  ];
  const cnCols: Column<CreditNote>[] = [
    { key: "num", header: "Credit note", cell: (c) => <span className="mono">{c.number}</span> },
    { key: "date", header: "Date", cell: (c) => <DateText date={c.issueDate} branchId={i.branchId} /> },
    { key: "reason", header: "Reason", cell: (c) => c.reason, secondary: true },
    { key: "total", header: "Total", numeric: true, cell: (c) => <Money minor={c.total} currency={c.currency} branchId={i.branchId} /> },
  ];

  return (
    <>
      <PageHeader
        back={<Link className="back" href="/invoices">← Invoices</Link>}
        title={<><span className="mono">{i.number ?? "Draft invoice"}</span> <StatusBadge status={i.status} overdue={i.overdue} /></>}
        subtitle={<>{branch?.name ?? "Unknown branch"} · <CustomerLink id={i.customerId} /></>}
        actions={
          writable && (
            <>
              {i.status === "draft" && <button type="button" className="btn btn-primary" onClick={() => setDialog("issue")}>Issue invoice</button>}
              {open && i.balanceDue > 0 && <button type="button" className="btn btn-primary" onClick={() => setDialog("pay")}>Record payment</button>}
              {open && i.balanceDue > 0 && <button type="button" className="btn" onClick={() => setDialog("credit")}>Credit note</button>}
              {(i.status === "draft" || (i.status === "issued" && i.amountPaid === 0 && i.amountCredited === 0)) && (
                <button type="button" className="btn btn-danger-ghost" onClick={() => setDialog("void")}>Void</button>
              )}
            </>
          )
        }
      />
      {flash && <p className="flash" role="status">{flash}</p>}
      <div className="stats">
        <div className="stat"><div className="stat-label">Total</div><div className="stat-value"><Money minor={i.total} currency={i.currency} branchId={i.branchId} /></div><div className="stat-hint">incl. tax <Money minor={i.taxTotal} currency={i.currency} branchId={i.branchId} /></div></div>
        <div className="stat"><div className="stat-label">Paid</div><div className="stat-value"><Money minor={i.amountPaid} currency={i.currency} branchId={i.branchId} /></div></div>
        <div className="stat"><div className="stat-label">Credited</div><div className="stat-value"><Money minor={i.amountCredited} currency={i.currency} branchId={i.branchId} /></div></div>
        <div className={`stat ${i.overdue ? "stat-bad" : ""}`}><div className="stat-label">Balance due</div><div className="stat-value" data-testid="balance-due"><Money minor={i.balanceDue} currency={i.currency} branchId={i.branchId} /></div><div className="stat-hint">{i.overdue ? `${i.daysPastDue} days past due` : i.dueDate ? <>Due <DateText date={i.dueDate} branchId={i.branchId} /></> : "Not issued"}</div></div>
      </div>
      <div className="grid-2 grid-wide-left">
        <Card title="Lines">
          <DataTable caption="Invoice lines" columns={lineCols} rows={i.lines} rowKey={(l) => String(l.position)} />
          <div className="totals">
            <Dl items={[["Subtotal", <Money key="s" minor={i.subtotal} currency={i.currency} branchId={i.branchId} />], ["Tax", <Money key="t" minor={i.taxTotal} currency={i.currency} branchId={i.branchId} />], ["Total", <strong key="x"><Money minor={i.total} currency={i.currency} branchId={i.branchId} /></strong>]]} />
          </div>
        </Card>
        <Card title="Details">
          <Dl
            items={[
              ["Issued", <DateText key="i" date={i.issueDate} branchId={i.branchId} />],
              ["Due", <DateText key="d" date={i.dueDate} branchId={i.branchId} />],
              ["Terms", i.dueInDays === null ? "—" : `${i.dueInDays} days`],
              ["Currency", i.currency],
              ["Created", <InstantText key="c" at={i.createdAt} branchId={i.branchId} />],
              ...(i.voidReason ? ([["Void reason", i.voidReason]] as Array<[string, string]>) : []),
              ...(i.memo ? ([["Memo", i.memo]] as Array<[string, string]>) : []),
            ]}
          />
        </Card>
      </div>
      <div className="grid-2">
        <Card title="Seller" actions={<PartiesNote frozen={!!i.seller} />}>
          {seller ? <Party party={seller} locale={localeOf(branch)} testId="seller" /> : <Empty title="Unknown branch" />}
        </Card>
        <Card title="Bill to" actions={<PartiesNote frozen={!!i.buyer} />}>
          {buyer ? <Party party={buyer} locale={localeOf(branch)} testId="buyer" /> : liveBuyer.error ? <ErrorState error={liveBuyer.error} /> : <Loading rows={3} label="Loading customer" />}
        </Card>
      </div>
      <div className="grid-2">
        <Card title="Tax breakdown">
          {i.taxBreakdown.length ? <DataTable caption="Tax breakdown" columns={taxCols} rows={i.taxBreakdown} rowKey={(t) => `${t.category}-${t.taxRate}`} /> : <Empty title="No tax lines" />}
        </Card>
        <Card title="Payments">
          {related.error ? <ErrorState error={related.error} onRetry={related.reload} /> : !related.data ? <Loading rows={3} /> : related.data.payments.length ? <DataTable caption="Payments applied to this invoice" columns={payCols} rows={related.data.payments} rowKey={(p) => p.id} /> : <Empty title="No payments yet" />}
        </Card>
      </div>
      <Card title="Credit notes">
        {related.error ? <ErrorState error={related.error} /> : !related.data ? <Loading rows={2} /> : related.data.creditNotes.length ? <DataTable caption="Credit notes" columns={cnCols} rows={related.data.creditNotes} rowKey={(c) => c.id} /> : <Empty title="No credit notes" />}
      </Card>
      <InvoiceHistory invoice={i} />
      <PaymentDialog open={dialog === "pay"} invoice={i} onClose={() => setDialog(null)} onDone={done} />
      <VoidDialog open={dialog === "void"} invoice={i} onClose={() => setDialog(null)} onDone={done} />
      <CreditNoteDialog open={dialog === "credit"} invoice={i} onClose={() => setDialog(null)} onDone={done} />
      <IssueDialog open={dialog === "issue"} invoice={i} onClose={() => setDialog(null)} onDone={done} />
    </>
  );
}

function PartiesNote({ frozen }: { frozen: boolean }) {
  return frozen ? (
    <span className="badge badge-neutral" title="Frozen on the document when it was issued; later changes to the branch or customer do not alter it">
      As issued
    </span>
  ) : (
    <span className="badge badge-warn" title="A draft names the current details; they are frozen when it is issued">
      Current details
    </span>
  );
}

interface ActionProps {
  open: boolean;
  invoice: Invoice;
  onClose: () => void;
  onDone: (message: string) => void;
}


function PaymentDialog({ open, invoice, onClose, onDone }: ActionProps) {
  const branch = useBranches().byId.get(invoice.branchId);
  const locale = localeOf(branch);
  const [amount, setAmount] = useState("");
  const [method, setMethod] = useState<PaymentMethod>("bank_transfer");
  const [reference, setReference] = useState("");
  const [localError, setLocalError] = useState<string>();
  const action = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const minor = parseMoney(amount, invoice.currency);
    if (minor === null || minor <= 0) return setLocalError(`Enter an amount in ${invoice.currency}, e.g. ${minorToDecimalString(invoice.balanceDue, invoice.currency)}`);
    if (minor > invoice.balanceDue) return setLocalError(`At most the balance due, ${formatMoney(invoice.balanceDue, invoice.currency, locale)}`);
    setLocalError(undefined);
    void action.run(async () => {
      await ok(
        api.POST("/v1/payments", {
          body: { customerId: invoice.customerId, currency: invoice.currency, amount: minor, method, reference: reference.trim() || undefined, allocations: [{ invoiceId: invoice.id, amount: minor }] },
          headers: { "idempotency-key": crypto.randomUUID() },
        }),
      );
      setAmount("");
      setReference("");
      onDone(`Payment of ${formatMoney(minor, invoice.currency, locale)} recorded.`);
    });
  };

  return (
    <Dialog open={open} title="Record a payment" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <p className="muted">
          Applied to {invoice.number}. Balance due {formatMoney(invoice.balanceDue, invoice.currency, locale)}.
        </p>
        <Field label={`Amount (${invoice.currency})`} error={localError ?? action.fieldError("amount")} hint="The money received, in the invoice's currency">
          {(p) => <input {...p} name="amount" inputMode="decimal" autoComplete="off" value={amount} onChange={(e) => setAmount(e.target.value)} placeholder={minorToDecimalString(invoice.balanceDue, invoice.currency)} autoFocus />}
        </Field>
        <Field label="Method" error={action.fieldError("method")}>
          {(p) => (
            <select {...p} name="method" value={method} onChange={(e) => setMethod(e.target.value as PaymentMethod)}>
              {METHODS.map((m) => <option key={m} value={m}>{humanize(m)}</option>)}
            </select>
          )}
        </Field>
        <Field label="Reference (optional)" error={action.fieldError("reference")}>
          {(p) => <input {...p} name="reference" value={reference} onChange={(e) => setReference(e.target.value)} maxLength={200} />}
        </Field>
        {action.generalError && <p className="form-error" role="alert">{action.generalError}</p>}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" className="btn btn-primary" disabled={action.busy}>{action.busy ? "Recording…" : "Record payment"}</button>
        </div>
      </form>
    </Dialog>
  );
}

function CreditNoteDialog({ open, invoice, onClose, onDone }: ActionProps) {
  const locale = localeOf(useBranches().byId.get(invoice.branchId));
  const categories = [...new Set(invoice.taxBreakdown.map((t) => t.category))];
  const [reason, setReason] = useState("");
  const [amount, setAmount] = useState("");
  const [category, setCategory] = useState(categories[0] ?? "");
  const [localError, setLocalError] = useState<string>();
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const minor = parseMoney(amount, invoice.currency);
    if (minor === null || minor <= 0) return setLocalError(`Enter a net amount in ${invoice.currency}`);
    setLocalError(undefined);
    void action.run(async () => {
      const cn = await ok(
        api.POST("/v1/credit-notes", {
          body: {
            invoiceId: invoice.id,
            reason: reason.trim(),
            lines: [{ description: reason.trim() || "Credit", quantity: 1, unitPrice: minor, ...(categories.length > 1 ? { taxCategory: category as never } : {}) }],
          },
          headers: { "idempotency-key": crypto.randomUUID() },
        }),
      );
      setAmount("");
      setReason("");
      onDone(`Credit note ${cn.number} for ${formatMoney(cn.total, cn.currency, locale)} issued.`);
    });
  };
  return (
    <Dialog open={open} title="Issue a credit note" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <p className="muted">
          Reduces what {invoice.number} asks for; tax is added at the invoice's rate. Open: {formatMoney(invoice.balanceDue, invoice.currency, locale)} incl. tax.
        </p>
        <Field label="Reason" error={action.fieldError("reason")}>
          {(p) => <input {...p} name="reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} autoFocus />}
        </Field>
        <Field label={`Net amount (${invoice.currency})`} error={localError ?? action.fieldError("lines", "unitPrice")} hint="Before tax">
          {(p) => <input {...p} name="amount" inputMode="decimal" autoComplete="off" value={amount} onChange={(e) => setAmount(e.target.value)} />}
        </Field>
        {categories.length > 1 && (
          <Field label="Tax category" error={action.fieldError("taxCategory")}>
            {(p) => (
              <select {...p} value={category} onChange={(e) => setCategory(e.target.value)}>
                {categories.map((c) => <option key={c} value={c}>{humanize(c)}</option>)}
              </select>
            )}
          </Field>
        )}
        {action.generalError && <p className="form-error" role="alert">{action.generalError}</p>}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" className="btn btn-primary" disabled={action.busy}>{action.busy ? "Issuing…" : "Issue credit note"}</button>
        </div>
      </form>
    </Dialog>
  );
}

function VoidDialog({ open, invoice, onClose, onDone }: ActionProps) {
  const [reason, setReason] = useState("");
  const action = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      await ok(api.POST("/v1/invoices/{id}/void", { params: { path: { id: invoice.id } }, body: { reason: reason.trim() }, headers: { "idempotency-key": crypto.randomUUID() } }));
      onDone(`${invoice.number ?? "The draft"} was voided.`);
    });
  };
  return (
    <Dialog open={open} title={`Void ${invoice.number ?? "draft"}?`} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <p className="muted">A voided invoice stays in the ledger with its number but no longer counts as owed. This cannot be undone.</p>
        <Field label="Reason" error={action.fieldError("reason")}>
          {(p) => <textarea {...p} name="reason" rows={3} value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />}
        </Field>
        {action.generalError && <p className="form-error" role="alert">{action.generalError}</p>}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>Keep invoice</button>
          <button type="submit" className="btn btn-danger" disabled={action.busy}>{action.busy ? "Voiding…" : "Void invoice"}</button>
        </div>
      </form>
    </Dialog>
  );
}

function IssueDialog({ open, invoice, onClose, onDone }: ActionProps) {
  const action = useAction();
  const issue = () =>
    void action.run(async () => {
      const issued = await ok(api.POST("/v1/invoices/{id}/issue", { params: { path: { id: invoice.id } }, headers: { "idempotency-key": crypto.randomUUID() } }));
      onDone(`Issued as ${issued.number}.`);
    });
  return (
    <Dialog open={open} title="Issue this invoice?" onClose={onClose}>
      <p className="muted">It gets the next number in the branch's series and can no longer be edited.</p>
      {action.generalError && <p className="form-error" role="alert">{action.generalError}</p>}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>Cancel</button>
        <button type="button" className="btn btn-primary" onClick={issue} disabled={action.busy}>{action.busy ? "Issuing…" : "Issue invoice"}</button>
      </div>
    </Dialog>
  );
}

