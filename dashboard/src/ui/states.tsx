// The three states every data view has besides "here is the data": loading, empty, error.
import type { ReactNode } from "react";
import { describeError, isProblem } from "../api/problem.ts";

export function Loading({ rows = 6, label = "Loading" }: { rows?: number; label?: string }) {
  return (
    <div className="skeleton" role="status" aria-live="polite" aria-label={label}>
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows never reorder
        <div key={i} className="skeleton-row" style={{ width: `${92 - ((i * 13) % 30)}%` }} />
      ))}
    </div>
  );
}

export function Empty({ title, children, icon = "○" }: { title: string; children?: ReactNode; icon?: string }) {
  return (
    <div className="state state-empty">
      <div className="state-icon" aria-hidden="true">{icon}</div>
      <h3>{title}</h3>
      {children && <p>{children}</p>}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const notFound = isProblem(error) && error.status === 404;
  return (
    <div className="state state-error" role="alert">
      <div className="state-icon" aria-hidden="true">!</div>
      <h3>{notFound ? "Not found" : "This could not be loaded"}</h3>
      <p>{notFound ? "It does not exist, or it is not visible to your account." : describeError(error)}</p>
      {isProblem(error) && error.requestId && <p className="muted small">Reference: {error.requestId}</p>}
      {onRetry && !notFound && (
        <button type="button" className="btn" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
