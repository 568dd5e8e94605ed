// The franchise's audit witness: where every signed checkpoint is pushed (a copy outside our
// control that exposes a rollback), whether pushes are signed, and each push's outcome. Staff
// admins set or clear it; the signing secret is write-only (only its fingerprint is shown).
import { type FormEvent, useState } from "react";
import { api, done, ok } from "../../api/client.ts";
import { useApi } from "../../lib/data.ts";
import { useAction } from "../../lib/use-action.ts";
import { formatNumber } from "../../lib/format.ts";
import { Card, Dl, Field, InstantText } from "../../ui/bits.tsx";
import { Empty, ErrorState, Loading } from "../../ui/states.tsx";

export function Witness({ admin }: { admin: boolean }) {
  const witness = useApi((signal) => ok(api.GET("/v1/audit/witness", { signal })), []);
  const pushes = useApi((signal) => ok(api.GET("/v1/audit/witness/pushes", { params: { query: { limit: 20 } }, signal })), []);
  const action = useAction();
  const [url, setUrl] = useState("");
  const [secret, setSecret] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const reload = () => {
    witness.reload();
    pushes.reload();
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    void action.run(async () => {
      await done(api.PUT("/v1/audit/witness", { body: { url: url.trim(), ...(secret ? { secret } : {}) } }));
      setSecret("");
      setMessage("Witness saved. New checkpoints are pushed to it.");
      reload();
    });
  };
  const clear = () => {
    setMessage(null);
    void action.run(async () => {
      await done(api.DELETE("/v1/audit/witness"));
      setMessage("Witness cleared.");
      reload();
    });
  };

  return (
    <Card title="Checkpoint witness">
      <p className="muted small">Every newly signed checkpoint is posted to this address, so a copy of the log's state is held outside Ledgerline: a later rollback of the log no longer matches it.</p>
      {witness.error ? (
        <ErrorState error={witness.error} onRetry={reload} />
      ) : !witness.data ? (
        <Loading rows={2} label="Loading the witness" />
      ) : witness.data.configured ? (
        <div data-testid="audit-witness">
          <Dl
            items={[
              ["URL", <span key="url" className="mono small">{witness.data.url}</span>],
              ["Signed pushes", witness.data.signed ? `yes (secret ${witness.data.secretFingerprint})` : "no"],
              [
                "Changed",
                <span key="changed">
                  {witness.data.updatedBy} <InstantText at={witness.data.updatedAt} />
                </span>,
              ],
            ]}
          />
        </div>
      ) : (
        <Empty title="No witness set">Checkpoints are still copied to the write-once archive.</Empty>
      )}
      {admin && (
        <form onSubmit={save} className="filters" aria-label="Set the witness">
          <Field label="Witness URL" error={action.fieldError("url")} hint="https (plain http only to a loopback address)">
            {(p) => <input {...p} type="url" value={url} onChange={(e) => setUrl(e.target.value)} required placeholder="https://witness.example/checkpoints" />}
          </Field>
          <Field label="Signing secret" error={action.fieldError("secret")} hint="optional, 16+ characters; write-only">
            {(p) => <input {...p} type="password" autoComplete="new-password" value={secret} onChange={(e) => setSecret(e.target.value)} />}
          </Field>
          <button type="submit" className="btn btn-primary" disabled={action.busy}>
            Save witness
          </button>
          {witness.data?.configured && (
            <button type="button" className="btn" onClick={clear} disabled={action.busy}>
              Clear witness
            </button>
          )}
        </form>
      )}
      {action.generalError && (
        <p className="error-text" role="alert">
          {action.generalError}
        </p>
      )}
      {message && <p role="status">{message}</p>}
      <h3>Recent pushes</h3>
      {pushes.error ? (
        <ErrorState error={pushes.error} onRetry={reload} />
      ) : !pushes.data ? (
        <Loading rows={2} label="Loading pushes" />
      ) : pushes.data.data.length === 0 ? (
        <Empty title="Nothing pushed yet">Pushes appear here once a witness is set and a checkpoint is signed.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="witness-pushes">
            <thead>
              <tr>
                <th>Size</th>
                <th>Outcome</th>
                <th>Attempts</th>
                <th>Last attempt</th>
              </tr>
            </thead>
            <tbody>
              {pushes.data.data.map((p) => (
                <tr key={p.size}>
                  <td className="num">{formatNumber(p.size)}</td>
                  <td>
                    <span className={`badge ${p.status === "delivered" ? "badge-good" : "badge-bad"}`}>{p.status === "delivered" ? "Delivered" : `Failed${p.httpStatus ? ` (${p.httpStatus})` : ""}`}</span>
                    {p.error && p.status === "failed" && <span className="muted small"> {p.error}</span>}
                  </td>
                  <td className="num">{p.attempts}</td>
                  <td>
                    <InstantText at={p.lastAttemptAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
