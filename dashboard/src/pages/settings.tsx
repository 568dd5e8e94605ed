import { type FormEvent, useState } from "react";
import { api, done, ok } from "../api/client.ts";
import { describeError, isProblem } from "../api/problem.ts";
import type { ApiKey, CreatedApiKey } from "../api/types.ts";
import { useApi } from "../lib/data.ts";
import { ROLE_LABELS, useSession } from "../lib/session.ts";
import { Card, Field, InstantText, PageHeader } from "../ui/bits.tsx";
import { ConfirmDialog } from "../ui/confirm-dialog.tsx";
import { Dialog } from "../ui/dialog.tsx";
import { StaffCard } from "./settings-staff.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";
import { type Column, DataTable } from "../ui/table.tsx";

export function Settings() {
  const session = useSession();
  const keys = useApi((signal) => ok(api.GET("/v1/api-keys", { signal })), []);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const columns: Column<ApiKey>[] = [
    { key: "name", header: "Name", sort: (k) => k.name, cell: (k) => <strong>{k.name}</strong> },
    { key: "prefix", header: "Key", cell: (k) => <code>{k.prefix}…</code> },
    { key: "scopes", header: "Access", cell: (k) => (k.scopes.includes("write") ? "Read & write" : "Read only") },
    { key: "created", header: "Created", sort: (k) => k.createdAt, cell: (k) => <InstantText at={k.createdAt} />, secondary: true },
    {
      key: "state",
      header: "Status",
      sort: (k) => (k.revokedAt ? 1 : 0),
      cell: (k) => (k.revokedAt ? <span className="badge badge-neutral">Revoked</span> : <span className="badge badge-good">Active</span>),
    },
    { key: "actions", header: "", cell: (k) => !k.revokedAt && <button type="button" className="btn btn-sm btn-danger-ghost" onClick={() => setRevoking(k)} aria-label={`Revoke ${k.name}`}>Revoke</button> },
  ];

  return (
    <>
      <PageHeader title="Settings" subtitle="Who can use this franchise's data, and how." />
      <Card title="Your account">
        <p>
          Signed in as <strong>{session?.user.name}</strong> ({session?.user.email}) · {ROLE_LABELS[session?.user.role ?? ""] ?? session?.user.role}
        </p>
      </Card>
      <Card title="Partner API keys" actions={<button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>Create key</button>}>
        <p className="muted">Keys let partner systems call the API for this franchise. A key is shown once, when it is created.</p>
        {keys.error ? <ErrorState error={keys.error} onRetry={keys.reload} /> : !keys.data ? <Loading rows={4} /> : keys.data.data.length === 0 ? <Empty title="No API keys yet" /> : <DataTable caption="API keys" columns={columns} rows={keys.data.data} rowKey={(k) => k.id} />}
      </Card>
      <StaffCard />
      <CreateKeyDialog open={creating} onClose={() => setCreating(false)} onCreated={(k) => { setCreating(false); setCreated(k); keys.reload(); }} />
      <Dialog open={!!created} title="Copy your new key" onClose={() => setCreated(null)}>
        {created?.key ? (
          <>
            <p>This is the only time the key is shown. Store it in the partner system's secret store.</p>
            <pre className="secret" data-testid="new-key">{created.key}</pre>
          </>
        ) : (
          <p>This key was already shown once, to the first response, and is never stored. If it was lost, revoke it and create another.</p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" disabled={!created?.key} onClick={() => created?.key && navigator.clipboard?.writeText(created.key).catch(() => undefined)}>Copy</button>
          <button type="button" className="btn btn-primary" onClick={() => setCreated(null)}>Done</button>
        </div>
      </Dialog>
      <RevokeDialog apiKey={revoking} onClose={() => setRevoking(null)} onRevoked={() => { setRevoking(null); keys.reload(); }} />
    </>
  );
}

function CreateKeyDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (k: CreatedApiKey) => void }) {
  const [name, setName] = useState("");
  const [write, setWrite] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const k = await ok(api.POST("/v1/api-keys", { body: { name: name.trim(), scopes: write ? ["read", "write"] : ["read"] }, headers: { "idempotency-key": crypto.randomUUID() } }));
      setName("");
      onCreated(k);
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(false);
    }
  };
  const nameError = isProblem(problem) ? problem.fieldErrors.name : undefined;
  return (
    <Dialog open={open} title="Create an API key" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <Field label="Name" error={nameError} hint="Which partner or system uses it, e.g. “POS Madrid”">
          {(p) => <input {...p} name="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} autoFocus />}
        </Field>
        <label className="check">
          <input type="checkbox" checked={write} onChange={(e) => setWrite(e.target.checked)} /> Allow writes (create invoices, record payments)
        </label>
        {problem && !nameError ? <p className="form-error" role="alert">{describeError(problem)}</p> : null}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" className="btn btn-primary" disabled={busy}>{busy ? "Creating…" : "Create key"}</button>
        </div>
      </form>
    </Dialog>
  );
}

function RevokeDialog({ apiKey, onClose, onRevoked }: { apiKey: ApiKey | null; onClose: () => void; onRevoked: () => void }) {
  return (
    <ConfirmDialog
      open={!!apiKey}
      title={`Revoke “${apiKey?.name ?? ""}”?`}
      confirmLabel="Revoke key"
      busyLabel="Revoking…"
      onClose={onClose}
      onConfirm={async () => {
        if (!apiKey) return;
        await done(api.POST("/v1/api-keys/{id}/revoke", { params: { path: { id: apiKey.id } }, headers: { "idempotency-key": crypto.randomUUID() } }));
        onRevoked();
      }}
    >
      <p>Requests with this key fail from now on. This cannot be undone.</p>
    </ConfirmDialog>
  );
}
