// The franchise's aging buckets (contiguous day ranges past due, the last open-ended) and the
// holidays on which no reminder goes out, through GET/PUT /v1/dunning/settings.
import { type FormEvent, useState } from "react";
import { api, ok } from "../../api/client.ts";
import { can, useSession } from "../../lib/session.ts";
import { Card, Field, InstantText } from "../../ui/bits.tsx";
import { fieldErrors } from "./form-errors.ts";
import type { Bucket, DunningSettings } from "./types.ts";

type Row = { id: string; label: string; minDays: string; maxDays: string };
const toRow = (b: Bucket): Row => ({ id: b.id, label: b.label, minDays: String(b.minDays), maxDays: b.maxDays === null ? "" : String(b.maxDays) });
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function BucketsEditor({ settings, onSaved }: { settings: DunningSettings; onSaved: (s: DunningSettings) => void }) {
  const writable = can(useSession(), "write");
  const [rows, setRows] = useState<Row[]>(() => settings.buckets.map(toRow));
  const [holidays, setHolidays] = useState(() => (settings.holidays["*"] ?? []).join(", "));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
  const [holidayError, setHolidayError] = useState<string>();
  const [flash, setFlash] = useState<string | null>(null);
  const errs = fieldErrors(problem);
  const perBranch = Object.entries(settings.holidays).filter(([k]) => k !== "*");

  const set = (i: number, patch: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const add = () => {
    const last = rows[rows.length - 1];
    const start = last ? Number(last.minDays) || 0 : 0;
    // Close the open-ended last bucket 30 days on, and open a new one after it.
    const closed = last ? [...rows.slice(0, -1), { ...last, maxDays: String(start + 29) }] : [];
    setRows([...closed, { id: `${start + 30}+`, label: `${start + 30}+ days`, minDays: String(start + 30), maxDays: "" }]);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const dates = holidays.split(/[\s,]+/).filter(Boolean);
    const bad = dates.find((d) => !ISO_DATE.test(d));
    setHolidayError(bad ? `${bad} is not a date: use YYYY-MM-DD` : undefined);
    if (bad) return;
    setBusy(true);
    setProblem(null);
    setFlash(null);
    try {
      const body = {
        buckets: rows.map((r) => ({ id: r.id.trim(), label: r.label.trim(), minDays: Math.trunc(Number(r.minDays)), maxDays: r.maxDays.trim() === "" ? null : Math.trunc(Number(r.maxDays)) })),
        holidays: { ...Object.fromEntries(perBranch), ...(dates.length ? { "*": dates } : {}) },
      };
      const saved = await ok(api.PUT("/v1/dunning/settings", { body }));
      setFlash("Aging buckets saved. Steps that start on entering a bucket use them from the next run.");
      onSaved(saved);
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Aging buckets">
      <Card title="Aging buckets" actions={settings.updatedAt ? <span className="muted small">Updated <InstantText at={settings.updatedAt} /></span> : <span className="muted small">Defaults (never changed)</span>}>
        {flash && <p className="flash" role="status">{flash}</p>}
        {!writable && <p className="notice" role="note">Read-only: your role can see the buckets but not change them.</p>}
        <p className="muted small">Days past due, contiguous from 0; the last bucket is open-ended (leave “To” empty). A cadence step can start when an invoice enters a bucket.</p>
        <fieldset className="dun-fieldset" disabled={!writable}>
          {errs.at("buckets") && <p className="field-error" role="alert">{errs.at("buckets")}</p>}
          <ol className="dun-buckets">
            {rows.map((r, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, ids are editable
              <li key={i} className="dun-bucket" data-testid={`bucket-${i}`}>
                <Field label="Id" error={errs.at(`buckets.${i}.id`)}>
                  {(p) => <input {...p} value={r.id} onChange={(e) => set(i, { id: e.target.value })} maxLength={20} autoComplete="off" />}
                </Field>
                <Field label="Label" error={errs.at(`buckets.${i}.label`)}>
                  {(p) => <input {...p} value={r.label} onChange={(e) => set(i, { label: e.target.value })} autoComplete="off" />}
                </Field>
                <Field label="From (days)" error={errs.at(`buckets.${i}.minDays`)}>
                  {(p) => <input {...p} type="number" min={0} value={r.minDays} onChange={(e) => set(i, { minDays: e.target.value })} />}
                </Field>
                <Field label="To (days)" error={errs.at(`buckets.${i}.maxDays`)} hint={i === rows.length - 1 ? "Empty = open-ended" : undefined}>
                  {(p) => <input {...p} type="number" min={0} value={r.maxDays} onChange={(e) => set(i, { maxDays: e.target.value })} placeholder="∞" />}
                </Field>
                <button type="button" className="btn btn-sm btn-ghost" onClick={() => setRows(rows.filter((_, j) => j !== i))} disabled={rows.length <= 1} aria-label={`Remove bucket ${r.label || i + 1}`}>
                  Remove
                </button>
              </li>
            ))}
          </ol>
          <button type="button" className="btn btn-sm" onClick={add} disabled={rows.length >= 20}>
            Add bucket
          </button>
          <Field label="Holidays, every branch" error={holidayError ?? errs.at("holidays.*") ?? errs.at("holidays")} hint="Dates (YYYY-MM-DD), comma-separated, on which nothing is sent">
            {(p) => <input {...p} value={holidays} onChange={(e) => setHolidays(e.target.value)} placeholder="2026-12-25, 2027-01-01" autoComplete="off" />}
          </Field>
          {perBranch.length > 0 && <p className="muted small">Branch-specific holidays are kept as they are: {perBranch.map(([b, d]) => `${b} (${d.length})`).join(", ")}.</p>}
        </fieldset>
        {(errs.general || errs.unclaimed().length > 0) && (
          <div className="form-error" role="alert">
            {errs.general ?? "Not saved:"}
            <ul>
              {errs.unclaimed().map(([f, m]) => (
                <li key={f}><span className="mono">{f}</span>: {m}</li>
              ))}
            </ul>
          </div>
        )}
        {writable && (
          <div className="dialog-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? "Saving…" : "Save buckets"}
            </button>
          </div>
        )}
      </Card>
    </form>
  );
}
