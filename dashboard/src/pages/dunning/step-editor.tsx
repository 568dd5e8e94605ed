// One cadence step: when it fires, through which channels (in order of preference), the text per
// language with a live preview of its variables, and the escalations it raises.
import { useEffect, useState } from "react";
import { CHANNELS, ESCALATIONS } from "../../../../workers/domain/dunning/cadence.ts";
import { renderTemplate, TEMPLATE_VARIABLES, unknownVariables } from "../../../../workers/domain/dunning/template.ts";
import { humanize } from "../../lib/format.ts";
import { Field } from "../../ui/bits.tsx";
import type { SampleValues } from "./sample.ts";
import type { Bucket, ChannelName, EscalationAction, Step } from "./types.ts";

export const CHANNEL_LABEL: Record<ChannelName, string> = { email: "Email", sms: "SMS", whatsapp: "WhatsApp" };
export const ESCALATION_LABEL: Record<EscalationAction, string> = {
  notify_branch_manager: "Notify the branch manager",
  assign_collections: "Assign to the collections queue",
  formal_notice: "Send a formal notice",
  service_hold: "Flag for service hold",
};

interface Props {
  step: Step;
  index: number;
  count: number;
  buckets: Bucket[];
  sample: SampleValues;
  sampleName: string;
  error: (field: string) => string | undefined;
  onChange: (step: Step) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}

export function StepEditor({ step, index, count, buckets, sample, sampleName, error, onChange, onMove, onRemove }: Props) {
  const at = `steps.${index}`;
  const [newLang, setNewLang] = useState("");
  // The typed text of the day count ("-" on the way to "-3" is not a number yet).
  const days = step.trigger.type === "days_after_due" ? step.trigger.days : 0;
  const [daysText, setDaysText] = useState(String(days));
  useEffect(() => setDaysText((t) => (Number(t) === days && t.trim() !== "" ? t : String(days))), [days]);
  const languages = Object.keys(step.templates);
  const set = (patch: Partial<Step>) => onChange({ ...step, ...patch });
  const toggleChannel = (c: ChannelName, on: boolean) => set({ channels: on ? [...step.channels, c] : step.channels.filter((x) => x !== c) });
  const escalations = step.escalations ?? [];
  const toggleEscalation = (e: EscalationAction, on: boolean) => set({ escalations: on ? [...escalations, e] : escalations.filter((x) => x !== e) });
  const setTemplate = (lang: string, patch: { subject?: string; body?: string }) => {
    const current = step.templates[lang] ?? { body: "" };
    const next = { ...current, ...patch };
    if (next.subject === "") delete next.subject;
    set({ templates: { ...step.templates, [lang]: next } });
  };
  const removeLanguage = (lang: string) => {
    const { [lang]: _gone, ...rest } = step.templates;
    set({ templates: rest });
  };
  const addLanguage = () => {
    const lang = newLang.trim();
    if (!lang || step.templates[lang]) return;
    set({ templates: { ...step.templates, [lang]: { body: "" } } });
    setNewLang("");
  };

  return (
    <fieldset className="dun-step" data-testid={`step-${index}`}>
      <legend>
        Step {index + 1}
        <span className="muted small"> · {step.trigger.type === "days_after_due" ? dayLabel(step.trigger.days) : `on entering ${buckets.find((b) => b.id === (step.trigger as { bucket: string }).bucket)?.label ?? "a bucket"}`}</span>
      </legend>
      <div className="row-actions dun-step-actions">
        <button type="button" className="btn btn-sm btn-ghost" onClick={() => onMove(-1)} disabled={index === 0} aria-label={`Move step ${index + 1} up`}>↑</button>
        <button type="button" className="btn btn-sm btn-ghost" onClick={() => onMove(1)} disabled={index === count - 1} aria-label={`Move step ${index + 1} down`}>↓</button>
        <button type="button" className="btn btn-sm btn-danger-ghost" onClick={onRemove} aria-label={`Remove step ${index + 1}`}>Remove</button>
      </div>
      <div className="dun-grid">
        <Field label="Step id" error={error(`${at}.id`)} hint="Letters, digits, _ or -; part of each send's idempotency key">
          {(p) => <input {...p} value={step.id} onChange={(e) => set({ id: e.target.value })} autoComplete="off" />}
        </Field>
        <Field label="When" error={error(`${at}.trigger.type`)}>
          {(p) => (
            <select
              {...p}
              value={step.trigger.type}
              onChange={(e) => set({ trigger: e.target.value === "enter_bucket" ? { type: "enter_bucket", bucket: buckets.find((b) => b.minDays > 0)?.id ?? buckets[0]?.id ?? "" } : { type: "days_after_due", days: 1 } })}
            >
              <option value="days_after_due">Days relative to the due date</option>
              <option value="enter_bucket">On entering an aging bucket</option>
            </select>
          )}
        </Field>
        {step.trigger.type === "days_after_due" ? (
          <Field label="Days after due" error={error(`${at}.trigger.days`)} hint="Negative = before the due date">
            {(p) => (
              <input
                {...p}
                inputMode="numeric"
                value={daysText}
                onChange={(e) => {
                  setDaysText(e.target.value);
                  if (/^-?\d+$/.test(e.target.value.trim())) set({ trigger: { type: "days_after_due", days: Number(e.target.value.trim()) } });
                }}
              />
            )}
          </Field>
        ) : (
          <Field label="Bucket" error={error(`${at}.trigger.bucket`)}>
            {(p) => (
              <select {...p} value={step.trigger.type === "enter_bucket" ? step.trigger.bucket : ""} onChange={(e) => set({ trigger: { type: "enter_bucket", bucket: e.target.value } })}>
                {buckets.map((b) => (
                  <option key={b.id} value={b.id}>{b.label}</option>
                ))}
              </select>
            )}
          </Field>
        )}
      </div>
      <div className="dun-grid">
        <fieldset className={`choice dun-choice ${error(`${at}.channels`) ? "field-invalid" : ""}`}>
          <legend>Channels, in order of preference</legend>
          {CHANNELS.map((c) => {
            const rank = step.channels.indexOf(c);
            return (
              <label key={c} className="check">
                <input type="checkbox" checked={rank >= 0} onChange={(e) => toggleChannel(c, e.target.checked)} />
                {CHANNEL_LABEL[c]}
                {rank >= 0 && <span className="badge badge-info" title="Tried in this order">{rank + 1}</span>}
              </label>
            );
          })}
          {error(`${at}.channels`) && <p className="field-error">{error(`${at}.channels`)}</p>}
        </fieldset>
        <fieldset className={`choice dun-choice ${error(`${at}.escalations`) ? "field-invalid" : ""}`}>
          <legend>Escalations</legend>
          {ESCALATIONS.map((e) => (
            <label key={e} className="check">
              <input type="checkbox" checked={escalations.includes(e)} onChange={(ev) => toggleEscalation(e, ev.target.checked)} />
              {ESCALATION_LABEL[e]}
            </label>
          ))}
          {error(`${at}.escalations`) && <p className="field-error">{error(`${at}.escalations`)}</p>}
        </fieldset>
      </div>
      {error(`${at}.templates`) && <p className="field-error">{error(`${at}.templates`)}</p>}
      {languages.map((lang) => {
        const t = step.templates[lang] ?? { body: "" };
        const unknown = [...unknownVariables(t.subject ?? ""), ...unknownVariables(t.body)];
        const langError = error(`${at}.templates.${lang}`);
        return (
          <div key={lang} className="dun-template" data-testid={`template-${index}-${lang}`}>
            <div className="card-head">
              <h3 className="dun-lang">Message · <span className="mono">{lang}</span></h3>
              <button type="button" className="btn btn-sm btn-ghost" onClick={() => removeLanguage(lang)} aria-label={`Remove the ${lang} text of step ${index + 1}`}>Remove language</button>
            </div>
            {langError && <p className="field-error">{langError}</p>}
            <div className="dun-template-grid">
              <div>
                <Field label={`Subject (${lang}, email only)`} error={error(`${at}.templates.${lang}.subject`)}>
                  {(p) => <input {...p} value={t.subject ?? ""} onChange={(e) => setTemplate(lang, { subject: e.target.value })} autoComplete="off" />}
                </Field>
                <Field label={`Message text (${lang})`} error={error(`${at}.templates.${lang}.body`)} hint={`Variables: ${TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(" ")}`}>
                  {(p) => <textarea {...p} rows={4} value={t.body} onChange={(e) => setTemplate(lang, { body: e.target.value })} />}
                </Field>
              </div>
              <div className="dun-preview" aria-live="polite" data-testid={`live-preview-${index}-${lang}`}>
                <div className="muted small">Live preview · as {sampleName}</div>
                {t.subject && <p className="dun-preview-subject">{renderTemplate(t.subject, sample)}</p>}
                <p className="dun-preview-body">{t.body.trim() ? renderTemplate(t.body, sample) : <span className="muted">The message is empty.</span>}</p>
                {unknown.length > 0 && (
                  <p className="error-text small" role="note">
                    Not a variable: {unknown.map((v) => `{{${v}}}`).join(", ")} (it would be sent as typed)
                  </p>
                )}
              </div>
            </div>
          </div>
        );
      })}
      <div className="inline-field dun-add-lang">
        <label>
          <span className="visually-hidden">Language to add to step {index + 1}</span>
          <input value={newLang} onChange={(e) => setNewLang(e.target.value)} placeholder="es" size={6} maxLength={5} aria-label={`Language to add to step ${index + 1}`} />
        </label>
        <button type="button" className="btn btn-sm" onClick={addLanguage} disabled={!/^[a-z]{2}(-[A-Z]{2})?$/.test(newLang.trim()) || !!step.templates[newLang.trim()]}>
          Add language
        </button>
      </div>
    </fieldset>
  );
}

function dayLabel(days: number): string {
  if (!Number.isFinite(days)) return "";
  if (days === 0) return "on the due date";
  return days > 0 ? `${days} day${days === 1 ? "" : "s"} after due` : `${-days} day${days === -1 ? "" : "s"} before due`;
}

export const humanAction = (a: string) => ESCALATION_LABEL[a as EscalationAction] ?? humanize(a);
