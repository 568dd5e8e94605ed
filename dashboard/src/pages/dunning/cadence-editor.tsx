// The cadence template editor: name and segments, suppression rules, and the ordered steps.
// Saving an existing cadence sends If-Match with the version it was opened at: the API stores a
// new version (running sequences keep theirs), and a 412 means someone saved in between.
import { type FormEvent, useState } from "react";
import { api, ok } from "../../api/client.ts";
import { describeError, isProblem } from "../../api/problem.ts";
import { useApi } from "../../lib/data.ts";
import { useQueryState } from "../../lib/router.tsx";
import { can, useSession } from "../../lib/session.ts";
import { Card, Field, InstantText } from "../../ui/bits.tsx";
import { Empty, ErrorState, Loading } from "../../ui/states.tsx";
import { CustomerPicker } from "./customer-picker.tsx";
import { fieldErrors, minutesToTime, timeToMinutes } from "./form-errors.ts";
import { type SampleValues, STAND_IN, sampleFor } from "./sample.ts";
import { StepEditor } from "./step-editor.tsx";
import type { Bucket, Cadence, CadenceInput, Step, Suppression } from "./types.ts";

const DEFAULT_SUPPRESSION: Suppression = { windowStartMinute: 480, windowEndMinute: 1260, sendAtMinute: 600, minGapHours: 24, weeklyCap: 3, minAmount: 0 };

const NEW_CADENCE: CadenceInput = {
  name: "Standard reminders",
  segments: [],
  defaultLanguage: "en",
  status: "active",
  suppression: DEFAULT_SUPPRESSION,
  steps: [
    { id: "due-plus-3", trigger: { type: "days_after_due", days: 3 }, channels: ["email"], templates: { en: { subject: "Invoice overdue", body: "Hello {{customerName}}, {{amountDue}} is overdue ({{invoiceNumbers}}). Pay at {{paymentLink}}" } }, escalations: [] },
  ],
};

const toInput = (c: Cadence): CadenceInput => ({ name: c.name, segments: c.segments, defaultLanguage: c.defaultLanguage, status: c.status, steps: c.steps, suppression: c.suppression });

function freshStepId(steps: Step[]) {
  for (let n = steps.length + 1; ; n++) if (!steps.some((s) => s.id === `step-${n}`)) return `step-${n}`;
}

export function Cadences({ buckets }: { buckets: Bucket[] }) {
  const q = useQueryState();
  const selected = q.get("cadence");
  const list = useApi((signal) => ok(api.GET("/v1/dunning/cadences", { params: { query: { limit: 200, includeArchived: "true" } }, signal })), []);
  const writable = can(useSession(), "write");
  // Kept here: a save remounts the form on the new version.
  const [flash, setFlash] = useState<string | null>(null);
  const cadences = list.data?.data ?? [];
  const current = selected === "new" ? null : (cadences.find((c) => c.id === selected) ?? cadences[0] ?? null);

  if (list.error) return <Card><ErrorState error={list.error} onRetry={list.reload} /></Card>;
  if (!list.data) return <Card><Loading rows={8} label="Loading cadences" /></Card>;

  return (
    <>
      <Card title="Cadence templates" actions={writable && <button type="button" className="btn btn-sm" onClick={() => { setFlash(null); q.set({ cadence: "new" }); }}>New cadence</button>}>
        {cadences.length === 0 && selected !== "new" ? (
          <Empty title="No cadence yet" icon="✉">
            Nobody is chased until a cadence exists. {writable ? "Create one: it starts with a sensible first step you can change." : "Ask a finance user or an administrator to set one up."}
          </Empty>
        ) : (
          <div className="toolbar">
            <label className="inline-field">
              <span>Cadence</span>
              <select aria-label="Cadence" value={current?.id ?? "new"} onChange={(e) => { setFlash(null); q.set({ cadence: e.target.value }); }}>
                {cadences.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name} · v{c.version}
                    {c.segments.length ? ` · ${c.segments.join(", ")}` : " · any segment"}
                    {c.status === "archived" ? " · archived" : ""}
                  </option>
                ))}
                {selected === "new" && <option value="new">New cadence</option>}
              </select>
            </label>
          </div>
        )}
      </Card>
      {flash && <p className="flash" role="status">{flash}</p>}
      {(current || selected === "new") && (
        <CadenceForm
          key={current ? `${current.id}:${current.version}` : "new"}
          cadence={current}
          buckets={buckets}
          writable={writable}
          sampleCustomer={q.get("customer") ?? ""}
          onSaved={(saved, message) => {
            setFlash(message);
            q.set({ cadence: saved.id }, { replace: true });
            list.reload();
          }}
        />
      )}
    </>
  );
}

function CadenceForm({ cadence, buckets, writable, sampleCustomer, onSaved }: { cadence: Cadence | null; buckets: Bucket[]; writable: boolean; sampleCustomer: string; onSaved: (c: Cadence, message: string) => void }) {
  const [draft, setDraft] = useState<CadenceInput>(() => (cadence ? toInput(cadence) : NEW_CADENCE));
  const [segmentsText, setSegmentsText] = useState(draft.segments?.join(", ") ?? "");
  const [times, setTimes] = useState(() => {
    const s = draft.suppression ?? DEFAULT_SUPPRESSION;
    return { windowStartMinute: minutesToTime(s.windowStartMinute), windowEndMinute: minutesToTime(s.windowEndMinute), sendAtMinute: minutesToTime(s.sendAtMinute) };
  });
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  // The live preview speaks as this customer (the page's chosen one, ?customer=, to start with).
  const [sampleId, setSampleId] = useState<string>(sampleCustomer);
  const sample = useApi<{ name: string; values: SampleValues }>((signal) => (sampleId ? sampleFor(sampleId, signal) : Promise.resolve({ name: "a sample customer", values: STAND_IN })), [sampleId]);
  const suppression = draft.suppression ?? DEFAULT_SUPPRESSION;
  const errs = fieldErrors(problem);
  const error = (field: string) => localErrors[field] ?? errs.at(field);
  const stale = isProblem(problem) && problem.status === 412;
  const steps = draft.steps;

  const setStep = (i: number, step: Step) => setDraft({ ...draft, steps: steps.map((s, j) => (j === i ? step : s)) });
  const moveStep = (i: number, by: -1 | 1) => {
    const next = [...steps];
    const [s] = next.splice(i, 1);
    if (s) next.splice(i + by, 0, s);
    setDraft({ ...draft, steps: next });
  };
  const addStep = () => setDraft({ ...draft, steps: [...steps, { id: freshStepId(steps), trigger: { type: "days_after_due", days: 14 }, channels: ["email"], templates: { [draft.defaultLanguage ?? "en"]: { body: "" } }, escalations: [] }] });
  const setSuppression = (patch: Partial<Suppression>) => setDraft({ ...draft, suppression: { ...suppression, ...patch } });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!writable) return;
    const local: Record<string, string> = {};
    const window: Partial<Suppression> = {};
    for (const k of ["windowStartMinute", "windowEndMinute", "sendAtMinute"] as const) {
      const v = timeToMinutes(times[k]);
      if (v === null) local[`suppression.${k}`] = "Enter a time as HH:MM, e.g. 08:00";
      else window[k] = v;
    }
    setLocalErrors(local);
    if (Object.keys(local).length > 0) return;
    const body: CadenceInput = {
      ...draft,
      segments: segmentsText.split(",").map((s) => s.trim()).filter(Boolean),
      suppression: { ...suppression, ...window },
    };
    setBusy(true);
    setProblem(null);
    try {
      const saved = cadence
        ? await ok(api.PUT("/v1/dunning/cadences/{id}", { params: { path: { id: cadence.id }, header: { "if-match": `"v${cadence.version}"` } }, body }))
        : await ok(api.POST("/v1/dunning/cadences", { params: { header: { "idempotency-key": idempotencyKey } }, body: { name: body.name, segments: body.segments, defaultLanguage: body.defaultLanguage, steps: body.steps, suppression: body.suppression } }));
      onSaved(saved, cadence ? `Saved as version ${saved.version}. Customers already in a sequence finish it on version ${cadence.version}.` : `Created “${saved.name}” (version ${saved.version}).`);
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Cadence editor">
      <Card
        title={cadence ? <>“{cadence.name}” <span className="badge badge-neutral" data-testid="cadence-version">v{cadence.version}</span></> : "New cadence"}
        actions={cadence && <span className="muted small">Updated <InstantText at={cadence.updatedAt} /></span>}
      >
        {!writable && <p className="notice" role="note">Read-only: your role can see cadences but not change them.</p>}
        <fieldset className="dun-fieldset" disabled={!writable}>
          <div className="dun-grid">
            <Field label="Name" error={error("name")}>
              {(p) => <input {...p} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} autoComplete="off" />}
            </Field>
            <Field label="Segments" error={error("segments")} hint="Comma-separated (e.g. vip, high-risk); empty = any segment, the fallback">
              {(p) => <input {...p} value={segmentsText} onChange={(e) => setSegmentsText(e.target.value)} autoComplete="off" />}
            </Field>
            <Field label="Default language" error={error("defaultLanguage")} hint="Used when a customer's language has no text">
              {(p) => <input {...p} value={draft.defaultLanguage ?? "en"} onChange={(e) => setDraft({ ...draft, defaultLanguage: e.target.value.trim() })} maxLength={5} autoComplete="off" />}
            </Field>
            {cadence && (
              <Field label="Status" error={error("status")}>
                {(p) => (
                  <select {...p} value={draft.status ?? "active"} onChange={(e) => setDraft({ ...draft, status: e.target.value as "active" | "archived" })}>
                    <option value="active">Active</option>
                    <option value="archived">Archived (chases nobody new)</option>
                  </select>
                )}
              </Field>
            )}
          </div>
          <h3 className="section-title">Suppression rules</h3>
          <div className="dun-grid">
            {(["windowStartMinute", "windowEndMinute", "sendAtMinute"] as const).map((k) => (
              <Field key={k} label={k === "windowStartMinute" ? "Send window opens" : k === "windowEndMinute" ? "Send window closes" : "Preferred send time"} error={error(`suppression.${k}`)} hint="Customer's local time, HH:MM">
                {(p) => <input {...p} value={times[k]} onChange={(e) => setTimes({ ...times, [k]: e.target.value })} inputMode="numeric" placeholder="08:00" autoComplete="off" />}
              </Field>
            ))}
            <Field label="Minimum gap (hours)" error={error("suppression.minGapHours")} hint="Between two messages to one customer">
              {(p) => <input {...p} type="number" min={0} max={720} value={suppression.minGapHours} onChange={(e) => setSuppression({ minGapHours: Math.trunc(Number(e.target.value) || 0) })} />}
            </Field>
            <Field label="Messages per 7 days" error={error("suppression.weeklyCap")} hint="Rolling cap per customer">
              {(p) => <input {...p} type="number" min={1} max={50} value={suppression.weeklyCap} onChange={(e) => setSuppression({ weeklyCap: Math.trunc(Number(e.target.value) || 0) })} />}
            </Field>
            <Field label="Minimum overdue (minor units)" error={error("suppression.minAmount")} hint="e.g. 500 = 5.00; nothing is sent below it">
              {(p) => <input {...p} type="number" min={0} value={suppression.minAmount} onChange={(e) => setSuppression({ minAmount: Math.trunc(Number(e.target.value) || 0) })} />}
            </Field>
          </div>
          <p className="muted small">Always suppressed too, each with its reason in the history: paid or credited invoices, disputes until resolved, promises to pay, opted-out channels, do-not-contact customers, branch holidays.</p>
          <h3 className="section-title">Steps</h3>
          <div className="toolbar dun-sample">
            <CustomerPicker label="Preview texts as" value={sampleId} onChange={setSampleId} emptyLabel="A sample customer" />
            {sample.loading && <span className="muted small">Loading…</span>}
            {sample.error ? <span className="error-text small">{describeError(sample.error)}</span> : null}
          </div>
          {error("steps") && <p className="field-error" role="alert">{error("steps")}</p>}
          {steps.length === 0 && <Empty title="No steps">A cadence needs at least one step.</Empty>}
          {steps.map((s, i) => (
            <StepEditor
              // biome-ignore lint/suspicious/noArrayIndexKey: steps are edited in place; the id itself is editable
              key={i}
              step={s}
              index={i}
              count={steps.length}
              buckets={buckets}
              sample={sample.data?.values ?? STAND_IN}
              sampleName={sample.data?.name ?? "a sample customer"}
              error={error}
              onChange={(next) => setStep(i, next)}
              onMove={(by) => moveStep(i, by)}
              onRemove={() => setDraft({ ...draft, steps: steps.filter((_, j) => j !== i) })}
            />
          ))}
          <button type="button" className="btn" onClick={addStep} disabled={steps.length >= 30}>
            Add step
          </button>
        </fieldset>
        {stale ? (
          <div className="form-error" role="alert">
            Someone saved this cadence after you opened it, so your changes were not saved. Reload to see the current version, then make your change again.{" "}
            <button type="button" className="btn btn-sm" onClick={() => location.reload()}>
              Reload
            </button>
          </div>
        ) : (
          <FormProblems errs={errs} />
        )}
        {writable && (
          <div className="dialog-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? "Saving…" : cadence ? "Save as new version" : "Create cadence"}
            </button>
          </div>
        )}
      </Card>
    </form>
  );
}

function FormProblems({ errs }: { errs: ReturnType<typeof fieldErrors> }) {
  const rest = errs.unclaimed();
  if (!errs.general && errs.count === 0) return null;
  return (
    <div className="form-error" role="alert">
      {errs.general ?? `Not saved: ${errs.count === 1 ? "one field needs" : `${errs.count} fields need`} attention (marked above).`}
      {rest.length > 0 && (
        <ul>
          {rest.map(([f, m]) => (
            <li key={f}>
              <span className="mono">{f}</span>: {m}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
