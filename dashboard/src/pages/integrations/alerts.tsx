// Sync alerts of one connection: where they go (email, a signed webhook) and when (lag, failed
// records), editable by administrators and read-only for everyone else; the alerts open now and
// the latest cleared ones, as GET …/status reports them. The webhook's signing secret is shown
// once, right after saving, because it is derived and never stored in clear.
import { useState } from "react";
import { api, ok } from "../../api/client.ts";
import { formatNumber, humanize } from "../../lib/format.ts";
import { useAction } from "../../lib/use-action.ts";
import { Dl, Field, InstantText } from "../../ui/bits.tsx";
import { Empty } from "../../ui/states.tsx";
import type { IntegrationStatus } from "./types.ts";

type Alerts = IntegrationStatus["alerts"];
type Alert = Alerts["open"][number];

const duration = (s: number) => (s < 90 ? `${s} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);
const measure = (a: Alert) => (a.kind === "lag" ? `${duration(a.value)} (threshold ${duration(a.threshold)})` : `${formatNumber(a.value)} failed (threshold ${formatNumber(a.threshold)})`);
const channels = (a: Alert) => {
  const sent = Object.entries(a.notified);
  return sent.length === 0 ? "not sent (no email or webhook set)" : sent.map(([channel, outcome]) => `${channel}: ${outcome}`).join(" · ");
};

export function AlertsPanel({ integrationId, alerts, canEdit, onSaved }: { integrationId: string; alerts: Alerts; canEdit: boolean; onSaved: () => void }) {
  const cleared = alerts.recent.filter((a) => a.status === "cleared").slice(0, 5);
  return (
    <>
      {alerts.open.length === 0 ? (
        <Empty title="No open alerts" icon="✓">
          {alerts.settings.enabled ? "Lag and failures are within the thresholds." : "Alerts are off: set an email or a webhook to be told when syncing falls behind."}
        </Empty>
      ) : (
        <ul className="alert-list" aria-label="Open alerts">
          {alerts.open.map((a) => (
            <li key={a.id} className="alert-item">
              <span className="badge badge-bad">{humanize(a.kind)}</span> <strong>{a.message}</strong>
              <div className="muted small">
                {measure(a)} · opened <InstantText at={a.openedAt} /> · {channels(a)}
              </div>
            </li>
          ))}
        </ul>
      )}
      {cleared.length > 0 && (
        <details className="small">
          <summary>Recently cleared ({cleared.length})</summary>
          <ul className="alert-list">
            {cleared.map((a) => (
              <li key={a.id}>
                <span className="badge badge-good">Cleared</span> {a.message} · <InstantText at={a.clearedAt ?? a.openedAt} />
              </li>
            ))}
          </ul>
        </details>
      )}
      {canEdit ? <AlertSettingsForm integrationId={integrationId} settings={alerts.settings} onSaved={onSaved} /> : <AlertSettingsView settings={alerts.settings} />}
    </>
  );
}

function AlertSettingsView({ settings }: { settings: Alerts["settings"] }) {
  return (
    <section aria-label="Alert settings">
      <Dl
        items={[
          ["Alerts", settings.enabled ? "On" : "Off"],
          ["Email", settings.email ?? "—"],
          ["Webhook", settings.webhookUrl ?? "—"],
          ["Lag over", duration(settings.maxLagSeconds)],
          ["Failed over", formatNumber(settings.maxFailed)],
        ]}
      />
      <p className="muted small">An administrator can change where alerts go and when.</p>
    </section>
  );
}

function AlertSettingsForm({ integrationId, settings, onSaved }: { integrationId: string; settings: Alerts["settings"]; onSaved: () => void }) {
  const [email, setEmail] = useState(settings.email ?? "");
  const [webhookUrl, setWebhookUrl] = useState(settings.webhookUrl ?? "");
  const [maxLag, setMaxLag] = useState(String(settings.maxLagSeconds));
  const [maxFailed, setMaxFailed] = useState(String(settings.maxFailed));
  const [secret, setSecret] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  // A number field left empty or not a whole number goes as typed, so the API names the field.
  const whole = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : (s as unknown as number));
  const save = () =>
    action.run(async () => {
      setSaved(false);
      const result = await ok(
        api.PUT("/v1/integrations/{id}/alerting", {
          params: { path: { id: integrationId } },
          body: { email: email.trim() || null, webhookUrl: webhookUrl.trim() || null, maxLagSeconds: whole(maxLag), maxFailed: whole(maxFailed) },
        }),
      );
      setSecret(result.webhookSecret);
      setSaved(true);
      onSaved();
    });
  return (
    <form
      aria-label="Alert settings"
      className="alert-settings"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Field label="Alert email" error={action.fieldError("email")} hint="Leave empty for no email">
        {(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" />}
      </Field>
      <Field label="Alert webhook URL" error={action.fieldError("webhookUrl")} hint="https://…; each body is signed (x-ledgerline-signature)">
        {(p) => <input {...p} type="url" value={webhookUrl} onChange={(e) => setWebhookUrl(e.target.value)} autoComplete="off" />}
      </Field>
      <Field label="Lag threshold (seconds)" error={action.fieldError("maxLagSeconds")} hint="60 to 86,400: p95 lag or the oldest waiting record">
        {(p) => <input {...p} inputMode="numeric" value={maxLag} onChange={(e) => setMaxLag(e.target.value)} />}
      </Field>
      <Field label="Failed records threshold" error={action.fieldError("maxFailed")} hint="alert when more records than this are failed">
        {(p) => <input {...p} inputMode="numeric" value={maxFailed} onChange={(e) => setMaxFailed(e.target.value)} />}
      </Field>
      <button type="submit" className="btn btn-sm" disabled={action.busy}>
        {action.busy ? "Saving…" : "Save alert settings"}
      </button>{" "}
      {saved && !action.busy && (
        <span className="small" role="status">
          Alert settings saved.
        </span>
      )}
      {action.generalError && <span className="error-text small">{action.generalError}</span>}
      {secret && (
        <p className="small">
          Webhook signing secret (shown now only): <code className="mono">{secret}</code>
        </p>
      )}
    </form>
  );
}
