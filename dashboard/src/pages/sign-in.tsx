import { type FormEvent, useState } from "react";
import { api } from "../api/client.ts";
import type { ProblemBody } from "../api/problem.ts";
import { navigate, useQueryState } from "../lib/router.tsx";
import { sessionNotice, startSession } from "../lib/session.ts";
import { Field } from "../ui/bits.tsx";

export function SignIn() {
  const q = useQueryState();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const notice = sessionNotice();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      const { data, error: problem, response } = await api.POST("/auth/login", { body: { email, password } });
      if (data) {
        // The token in the body is for API clients; the dashboard uses the HttpOnly cookie set beside it.
        startSession({ expiresAt: data.expiresAt, user: data.user });
        const next = q.get("next");
        navigate(next?.startsWith("/") && !next.startsWith("//") ? next : "/", { replace: true });
        return;
      }
      const body = (problem ?? {}) as ProblemBody;
      if (response.status === 429) {
        const wait = Number(response.headers.get("retry-after"));
        setError(`Too many sign-in attempts. Try again in ${Number.isFinite(wait) && wait > 0 ? `${Math.ceil(wait)} seconds` : "a moment"}.`);
      } else if (response.status === 401) {
        setError("That email and password do not match an account.");
      } else {
        const fe: Record<string, string> = {};
        for (const x of body.errors ?? []) fe[x.field.replace(/^body\./, "")] = x.message;
        setFieldErrors(fe);
        setError(Object.keys(fe).length ? null : (body.detail ?? "Sign-in failed."));
      }
    } catch {
      setError("The server could not be reached. Check your connection and try again.");
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="auth">
      <div className="auth-panel">
        <div className="brand brand-lg">
          <span className="brand-mark" aria-hidden="true">L</span>
          <span className="brand-name">Ledgerline</span>
        </div>
        <h1>Sign in</h1>
        <p className="muted">Invoicing and receivables for your franchise network.</p>
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <form onSubmit={submit} noValidate aria-describedby={error ? "signin-error" : undefined}>
          <Field label="Work email" error={fieldErrors.email}>
            {(p) => (
              // biome-ignore lint/a11y/noAutofocus: the sign-in form is the whole page; its first field is where everyone starts
              <input {...p} type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
            )}
          </Field>
          <Field label="Password" error={fieldErrors.password}>
            {(p) => <input {...p} type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />}
          </Field>
          {error && (
            <p className="form-error" id="signin-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </form>
      </div>
      <aside className="auth-aside" aria-hidden="true">
        <div>
          <p className="auth-quote">Every branch, every currency, one ledger.</p>
          <p className="muted-inverse">Receivables, invoices and customers across your franchise, in each branch's own currency and timezone.</p>
        </div>
      </aside>
    </div>
  );
}
