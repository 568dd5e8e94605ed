// Small presentational pieces: money, dates, status badges, page headers, cards, fields.
import { type ReactNode, useEffect, useId, useRef, useState } from "react";
import type { Branch, InvoiceStatus } from "../api/types.ts";
import { useBranches } from "../lib/data.ts";
import { formatDate, formatInstant, formatMoney, humanize, localeOf } from "../lib/format.ts";

/** Money in the branch's locale (the currency decides the minor-unit exponent). */
export function Money({ minor, currency, branchId, compact }: { minor: number; currency: string; branchId?: string | null; compact?: boolean }) {
  const branch = useBranches().byId.get(branchId ?? "");
  return <span className="money">{formatMoney(minor, currency, localeOf(branch), { compact })}</span>;
}

export function DateText({ date, branchId }: { date: string | null | undefined; branchId?: string | null }) {
  const branch = useBranches().byId.get(branchId ?? "");
  return <time dateTime={date ?? undefined}>{formatDate(date, localeOf(branch))}</time>;
}

export function InstantText({ at, branchId, dateOnly }: { at: string | null | undefined; branchId?: string | null; dateOnly?: boolean }) {
  const branch = useBranches().byId.get(branchId ?? "");
  return <time dateTime={at ?? undefined}>{formatInstant(at, branch?.timezone ?? "UTC", localeOf(branch), { dateOnly })}</time>;
}

const STATUS_TONE: Record<string, string> = {
  draft: "neutral",
  issued: "info",
  partially_paid: "warn",
  paid: "good",
  void: "neutral",
  credited: "neutral",
};

export function StatusBadge({ status, overdue }: { status: InvoiceStatus | string; overdue?: boolean }) {
  if (overdue) return <span className="badge badge-bad">Overdue</span>;
  return <span className={`badge badge-${STATUS_TONE[status] ?? "neutral"}`}>{humanize(status)}</span>;
}

export function BranchName({ branchId }: { branchId: string | null | undefined }) {
  const b: Branch | undefined = useBranches().byId.get(branchId ?? "");
  return <span title={b?.name}>{b ? b.code : "—"}</span>;
}

export function PageHeader({ title, subtitle, actions, back }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode; back?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        {back}
        <h1>{title}</h1>
        {subtitle && <p className="muted">{subtitle}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}

export function Card({ title, children, actions, className = "" }: { title?: ReactNode; children: ReactNode; actions?: ReactNode; className?: string }) {
  return (
    <section className={`card ${className}`}>
      {(title || actions) && (
        <div className="card-head">
          {title && <h2>{title}</h2>}
          {actions}
        </div>
      )}
      {children}
    </section>
  );
}

export function Stat({ label, value, hint, tone }: { label: string; value: ReactNode; hint?: ReactNode; tone?: "bad" | "good" }) {
  return (
    <div className={`stat ${tone ? `stat-${tone}` : ""}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint && <div className="stat-hint">{hint}</div>}
    </div>
  );
}

/**
 * A labelled control with its hint and the API's message for this field. The message steps aside
 * once the user edits the field (it described the old value), and shows again after the next
 * submit if the answer is the same.
 */
export function Field({ label, error, hint, children }: { label: string; error?: string; hint?: string; children: (props: { id: string; "aria-invalid": boolean; "aria-describedby"?: string }) => ReactNode }) {
  const id = useId();
  const wrapper = useRef<HTMLDivElement>(null);
  const [edited, setEdited] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new message (or none) starts unedited
  useEffect(() => setEdited(false), [error]);
  useEffect(() => {
    const form = wrapper.current?.closest("form");
    if (!form) return;
    const submitted = () => setEdited(false);
    form.addEventListener("submit", submitted, true);
    return () => form.removeEventListener("submit", submitted, true);
  }, []);
  const shown = edited ? undefined : error;
  const described = [hint ? `${id}-hint` : "", shown ? `${id}-err` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div ref={wrapper} className={`field ${shown ? "field-invalid" : ""}`} onInput={() => error && setEdited(true)}>
      <label htmlFor={id}>{label}</label>
      {children({ id, "aria-invalid": !!shown, "aria-describedby": described })}
      {hint && !shown && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {shown && (
        <p className="field-error" id={`${id}-err`}>
          {shown}
        </p>
      )}
    </div>
  );
}

export function Dl({ items }: { items: Array<[string, ReactNode]> }) {
  return (
    <dl className="dl">
      {items.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
