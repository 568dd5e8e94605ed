// Settings → Staff (admins): who can sign in, with which role and branches; invite (the initial
// password is shown once), change role and branches, deactivate. The API refuses anything else
// (an admin changing their own role, a deactivated user), and its problem shows beside the field.
import { type FormEvent, useState } from "react";
import { api, ok } from "../api/client.ts";
import { describeError, isProblem } from "../api/problem.ts";
import type { CreatedStaffMember, StaffMember, StaffRole } from "../api/types.ts";
import { useApi, useBranches } from "../lib/data.ts";
import { useQueryState } from "../lib/router.tsx";
import { ROLE_HINTS, ROLE_LABELS, useSession } from "../lib/session.ts";
import { Card, Field, InstantText } from "../ui/bits.tsx";
import { ConfirmDialog } from "../ui/confirm-dialog.tsx";
import { Dialog } from "../ui/dialog.tsx";
import { Pager } from "../ui/pager.tsx";
import { Empty, ErrorState, Loading } from "../ui/states.tsx";
import { type Column, DataTable } from "../ui/table.tsx";

const ROLES: StaffRole[] = ["admin", "finance", "branch_manager", "viewer"];

export function StaffCard() {
  const session = useSession();
  const cursor = useQueryState().get("cursor") ?? undefined;
  const staff = useApi((signal) => ok(api.GET("/v1/staff", { params: { query: { limit: 50, cursor } }, signal })), [cursor]);
  const [inviting, setInviting] = useState(false);
  const [invited, setInvited] = useState<CreatedStaffMember | null>(null);
  const [editing, setEditing] = useState<StaffMember | null>(null);
  const [deactivating, setDeactivating] = useState<StaffMember | null>(null);
  const self = session?.user.id;
  const branches = useBranches();
  const branchesOf = (u: StaffMember) => (u.role !== "branch_manager" ? "All branches" : u.branchIds.length === 0 ? "No branch assigned" : u.branchIds.map((b) => branches.byId.get(b)?.name ?? b).join(", "));

  const columns: Column<StaffMember>[] = [
    {
      key: "name",
      header: "Name",
      sort: (u) => u.name,
      cell: (u) => (
        <>
          <strong>{u.name}</strong>
          <div className="muted small">{u.email}</div>
          {/* On a phone the role and status columns step aside; they read here instead. */}
          <div className="secondary-inline small">
            {ROLE_LABELS[u.role] ?? u.role} · {branchesOf(u)} {u.deactivatedAt && <span className="badge badge-neutral">Deactivated</span>}
          </div>
        </>
      ),
    },
    {
      key: "role",
      header: "Role and branches",
      secondary: true,
      sort: (u) => u.role,
      cell: (u) => (
        <>
          {ROLE_LABELS[u.role] ?? u.role}
          <div className="muted small">{branchesOf(u)}</div>
        </>
      ),
    },
    { key: "created", header: "Invited", sort: (u) => u.createdAt, cell: (u) => <InstantText at={u.createdAt} dateOnly />, secondary: true },
    {
      key: "state",
      header: "Status",
      secondary: true,
      sort: (u) => (u.deactivatedAt ? 1 : 0),
      cell: (u) => (u.deactivatedAt ? <span className="badge badge-neutral">Deactivated</span> : <span className="badge badge-good">Active</span>),
    },
    {
      key: "actions",
      header: "",
      cell: (u) =>
        !u.deactivatedAt && u.id !== self ? (
          <span className="row-actions">
            <button type="button" className="btn btn-sm" onClick={() => setEditing(u)} aria-label={`Change ${u.name}`}>Change</button>
            <button type="button" className="btn btn-sm btn-danger-ghost" onClick={() => setDeactivating(u)} aria-label={`Deactivate ${u.name}`}>Deactivate</button>
          </span>
        ) : u.id === self ? (
          <span className="muted small">You</span>
        ) : null,
    },
  ];

  return (
    <>
      <Card title="Staff" actions={<button type="button" className="btn btn-primary" onClick={() => setInviting(true)}>Invite staff</button>}>
        <p className="muted">Who can sign in to this dashboard. Branch managers see and change only their branches; viewers can only read.</p>
        {staff.error ? (
          <ErrorState error={staff.error} onRetry={staff.reload} />
        ) : !staff.data ? (
          <Loading rows={4} />
        ) : staff.data.data.length === 0 ? (
          <Empty title="No staff yet" icon="☺">Invite the first colleague.</Empty>
        ) : (
          <>
            <DataTable caption="Staff" columns={columns} rows={staff.data.data} rowKey={(u) => u.id} sortParam="staffSort" />
            <Pager nextCursor={staff.data.nextCursor} count={staff.data.data.length} noun="staff users" />
          </>
        )}
      </Card>
      <InviteDialog open={inviting} onClose={() => setInviting(false)} onInvited={(u) => { setInviting(false); setInvited(u); staff.reload(); }} />
      <Dialog open={!!invited} title={`${invited?.name ?? ""} is invited`} onClose={() => setInvited(null)}>
        {invited?.initialPassword ? (
          <>
            <p>Give {invited.email} this initial password. This is the only time it is shown.</p>
            <pre className="secret" data-testid="initial-password">{invited.initialPassword}</pre>
          </>
        ) : (
          <p>The initial password was already shown once and is never stored. If it was lost, deactivate this user and invite them again.</p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" disabled={!invited?.initialPassword} onClick={() => invited?.initialPassword && navigator.clipboard?.writeText(invited.initialPassword).catch(() => undefined)}>Copy</button>
          <button type="button" className="btn btn-primary" onClick={() => setInvited(null)}>Done</button>
        </div>
      </Dialog>
      <EditDialog user={editing} onClose={() => setEditing(null)} onSaved={() => { setEditing(null); staff.reload(); }} />
      <DeactivateDialog user={deactivating} onClose={() => setDeactivating(null)} onDone={() => { setDeactivating(null); staff.reload(); }} />
    </>
  );
}

/** Role as radio buttons with what each may do, and the branch checkboxes a manager needs. */
function RoleAndBranches({ role, setRole, branchIds, setBranchIds, problem }: { role: StaffRole; setRole: (r: StaffRole) => void; branchIds: string[]; setBranchIds: (b: string[]) => void; problem: unknown }) {
  const branches = useBranches();
  const errors = isProblem(problem) ? problem.fieldErrors : {};
  const branchError = errors.branchIds ?? Object.entries(errors).find(([f]) => f.startsWith("branchIds."))?.[1];
  return (
    <>
      <fieldset className={`choice ${errors.role ? "field-invalid" : ""}`}>
        <legend>Role</legend>
        {ROLES.map((r) => (
          <label key={r} className="check">
            <input type="radio" name="role" value={r} checked={role === r} onChange={() => setRole(r)} />
            <span>
              {ROLE_LABELS[r]} <span className="muted small">· {ROLE_HINTS[r]}</span>
            </span>
          </label>
        ))}
        {errors.role && <p className="field-error">{errors.role}</p>}
      </fieldset>
      {role === "branch_manager" && (
        <fieldset className={`choice ${branchError ? "field-invalid" : ""}`} aria-describedby={branchError ? "branch-error" : undefined}>
          <legend>Branches</legend>
          {branches.list.map((b) => (
            <label key={b.id} className="check">
              <input type="checkbox" checked={branchIds.includes(b.id)} onChange={(e) => setBranchIds(e.target.checked ? [...branchIds, b.id] : branchIds.filter((x) => x !== b.id))} />
              {b.name}
            </label>
          ))}
          {branchError && <p className="field-error" id="branch-error">{branchError}</p>}
        </fieldset>
      )}
    </>
  );
}

function InviteDialog({ open, onClose, onInvited }: { open: boolean; onClose: () => void; onInvited: (u: CreatedStaffMember) => void }) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<StaffRole>("viewer");
  const [branchIds, setBranchIds] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const body = { name: name.trim(), email: email.trim(), role, ...(role === "branch_manager" ? { branchIds } : {}) };
      const u = await ok(api.POST("/v1/staff", { body, headers: { "idempotency-key": crypto.randomUUID() } }));
      setName("");
      setEmail("");
      setRole("viewer");
      setBranchIds([]);
      onInvited(u);
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(false);
    }
  };
  const errors = isProblem(problem) ? problem.fieldErrors : {};
  // A taken email is a 409 without a field list; it still belongs next to the email.
  const emailError = errors.email ?? (isProblem(problem) && problem.code === "email_taken" ? problem.message : undefined);
  const fieldShown = !!(errors.name || emailError || errors.role || Object.keys(errors).some((f) => f.startsWith("branchIds")));
  return (
    <Dialog open={open} title="Invite staff" onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <Field label="Name" error={errors.name}>
          {(p) => <input {...p} name="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} autoComplete="off" autoFocus />}
        </Field>
        <Field label="Email" error={emailError}>
          {(p) => <input {...p} type="email" name="email" value={email} onChange={(e) => setEmail(e.target.value)} maxLength={254} autoComplete="off" />}
        </Field>
        <RoleAndBranches role={role} setRole={setRole} branchIds={branchIds} setBranchIds={setBranchIds} problem={problem} />
        {problem && !fieldShown ? <p className="form-error" role="alert">{describeError(problem)}</p> : null}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" className="btn btn-primary" disabled={busy}>{busy ? "Inviting…" : "Send invite"}</button>
        </div>
      </form>
    </Dialog>
  );
}

function EditDialog({ user, onClose, onSaved }: { user: StaffMember | null; onClose: () => void; onSaved: () => void }) {
  return (
    <Dialog open={!!user} title={`Change ${user?.name ?? ""}`} onClose={onClose}>
      {user && <EditForm key={user.id} user={user} onClose={onClose} onSaved={onSaved} />}
    </Dialog>
  );
}

function EditForm({ user, onClose, onSaved }: { user: StaffMember; onClose: () => void; onSaved: () => void }) {
  const [role, setRole] = useState<StaffRole>(user.role);
  const [branchIds, setBranchIds] = useState<string[]>(user.branchIds);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const body = { role, ...(role === "branch_manager" ? { branchIds } : {}) };
      await ok(api.PATCH("/v1/staff/{id}", { params: { path: { id: user.id } }, body, headers: { "idempotency-key": crypto.randomUUID() } }));
      onSaved();
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(false);
    }
  };
  const errors = isProblem(problem) ? problem.fieldErrors : {};
  const fieldShown = !!(errors.role || Object.keys(errors).some((f) => f.startsWith("branchIds")));
  return (
    <form onSubmit={submit} noValidate>
      <p className="muted">{user.email} · open sessions follow the change.</p>
      <RoleAndBranches role={role} setRole={setRole} branchIds={branchIds} setBranchIds={setBranchIds} problem={problem} />
      {problem && !fieldShown ? <p className="form-error" role="alert">{describeError(problem)}</p> : null}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>Cancel</button>
        <button type="submit" className="btn btn-primary" disabled={busy}>{busy ? "Saving…" : "Save changes"}</button>
      </div>
    </form>
  );
}

function DeactivateDialog({ user, onClose, onDone }: { user: StaffMember | null; onClose: () => void; onDone: () => void }) {
  return (
    <ConfirmDialog
      open={!!user}
      title={`Deactivate ${user?.name ?? ""}?`}
      confirmLabel="Deactivate"
      busyLabel="Deactivating…"
      onClose={onClose}
      onConfirm={async () => {
        if (!user) return;
        await ok(api.POST("/v1/staff/{id}/deactivate", { params: { path: { id: user.id } }, headers: { "idempotency-key": crypto.randomUUID() } }));
        onDone();
      }}
    >
      <p>{user?.email} can no longer sign in, and their open sessions end now. This cannot be undone.</p>
    </ConfirmDialog>
  );
}
