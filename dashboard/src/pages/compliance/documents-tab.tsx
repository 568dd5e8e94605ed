// Compliance › Documents (issue 9): pick an issued invoice (search by number or customer) and
// see its seal, archive and integrity, check the seal against the served or an uploaded file,
// and for Spain its VERI*FACTU record. The invoice picked is in the URL (?invoice=), so the
// chain link to a previous record is an ordinary link.
import { type FormEvent, useState } from "react";
import { api, ok } from "../../api/client.ts";
import { useApi } from "../../lib/data.ts";
import { useQueryState } from "../../lib/router.tsx";
import { BranchName, Card, DateText, Money } from "../../ui/bits.tsx";
import { Empty, ErrorState, Loading } from "../../ui/states.tsx";
import { SealPanel } from "./documents-seal.tsx";
import { UploadVerify } from "./documents-upload.tsx";
import { VerifactuPanel } from "./documents-verifactu.tsx";

export function DocumentsTab() {
  const q = useQueryState();
  const invoiceId = q.get("invoice");
  return (
    <div className="compliance-docs">
      <InvoicePicker selected={invoiceId} onPick={(id) => q.set({ invoice: id })} />
      {invoiceId ? <SelectedInvoice id={invoiceId} /> : <UploadVerify jws={undefined} />}
    </div>
  );
}

function InvoicePicker({ selected, onPick }: { selected: string | undefined; onPick: (id: string) => void }) {
  const [draft, setDraft] = useState("");
  const [search, setSearch] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSearch(draft.trim());
  };
  return (
    <Card title="Find an issued invoice">
      <form className="search-bar" onSubmit={submit} aria-label="Search issued invoices">
        <label className="inline-field search-field">
          <span>Number or customer</span>
          <input type="search" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="e.g. MAD1-2026-000012" />
        </label>
        <button type="submit" className="btn">
          Search
        </button>
      </form>
      {search !== null && <Results q={search} selected={selected} onPick={onPick} />}
    </Card>
  );
}

function Results({ q, selected, onPick }: { q: string; selected: string | undefined; onPick: (id: string) => void }) {
  const found = useApi((signal) => ok(api.GET("/v1/invoices", { params: { query: { q: q || undefined, limit: 10 } }, signal })), [q]);
  if (found.error) return <ErrorState error={found.error} onRetry={found.reload} />;
  if (!found.data) return <Loading rows={3} label="Searching invoices" />;
  const issued = found.data.data.filter((i) => i.number !== null);
  if (issued.length === 0) return <Empty title="No issued invoice matches">Drafts have no seal; try another number or customer.</Empty>;
  return (
    <ul className="pick-list" aria-label="Matching invoices">
      {issued.map((i) => (
        <li key={i.id}>
          <button type="button" className={`pick ${i.id === selected ? "pick-active" : ""}`} aria-pressed={i.id === selected} onClick={() => onPick(i.id)}>
            <span className="mono">{i.number}</span>
            <span className="muted">
              <BranchName branchId={i.branchId} /> · <DateText date={i.issueDate} branchId={i.branchId} />
            </span>
            <Money minor={i.total} currency={i.currency} branchId={i.branchId} />
          </button>
        </li>
      ))}
    </ul>
  );
}

function SelectedInvoice({ id }: { id: string }) {
  const invoice = useApi((signal) => ok(api.GET("/v1/invoices/{id}", { params: { path: { id } }, signal })), [id]);
  const seal = useApi((signal) => ok(api.GET("/v1/invoices/{id}/seal", { params: { path: { id } }, signal })), [id]);
  if (invoice.error) return <ErrorState error={invoice.error} onRetry={invoice.reload} />;
  if (!invoice.data) return <Loading rows={6} label="Loading the invoice" />;
  const inv = invoice.data;
  if (inv.number === null) return <Empty title="A draft has no seal">Issue it first: the seal covers the issued document.</Empty>;
  return (
    <>
      <h2 className="compliance-doc-title">
        Invoice <span className="mono">{inv.number}</span>
      </h2>
      <SealPanel id={id} seal={seal} />
      <UploadVerify jws={seal.data?.jws} number={inv.number} />
      <VerifactuPanel id={id} />
    </>
  );
}
