// One customer's dunning: the schedule the cadence prescribes over a date range (POST
// /v1/dunning/preview, sends nothing), their communication timeline, and recording an opt-out or
// opt-in, a dispute or a promise to pay. Every action reloads both, so its effect shows at once.
import { type FormEvent, useState } from "react";
import { api, ok } from "../../api/client.ts";
import { describeError, isProblem } from "../../api/problem.ts";
import type { Customer, Invoice } from "../../api/types.ts";
import { useApi } from "../../lib/data.ts";
import { formatInstant, formatMoney, humanize, parseMoney, todayIn } from "../../lib/format.ts";
import { Link } from "../../lib/router.tsx";
import { can, useSession } from "../../lib/session.ts";
import { Card, Field } from "../../ui/bits.tsx";
import { Empty, ErrorState, Loading } from "../../ui/states.tsx";
import { type Column, DataTable } from "../../ui/table.tsx";
import { CHANNEL_LABEL, humanAction } from "./step-editor.tsx";
import type { ChannelName, Communication, PreviewRow } from "./types.ts";

const CHANNELS: ChannelName[] = ["email", "sms", "whatsapp"];
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

export const REASON_LABEL: Record<string, string> = {
  invoice_paid: "Invoice paid or credited",
  invoice_disputed: "Invoice disputed",
  promise_to_pay: "Promise to pay",
  do_not_contact: "Customer is do-not-contact",
  opted_out: "Channel opted out",
  no_consent: "No consent on this channel",
  channel_unreachable: "Channel unreachable",
  no_channel: "No usable channel",
  min_gap: "Too soon after the last message",
  weekly_cap: "Weekly message cap reached",
  below_threshold: "Amount below the threshold",
  branch_holiday: "Branch holiday",
};
const reasonLabel = (r: string | null | undefined) => (r ? (REASON_LABEL[r] ?? humanize(r)) : "");

/** The customer's open invoices, for numbers in the tables and the dispute form. */
async function openInvoices(customerId: string, signal: AbortSignal): Promise<Invoice[]> {
  const lists = await Promise.all((["issued", "partially_paid"] as const).map((status) => ok(api.GET("/v1/invoices", { params: { query: { customerId, status, limit: 200 } }, signal }))));
  return lists.flatMap((l) => l.data).sort((a, b) => (a.dueDate ?? "").localeCompare(b.dueDate ?? ""));
}

function useInvoiceNumbers(customerId: string, tick: number) {
  const invoices = useApi((signal) => openInvoices(customerId, signal), [customerId, tick]);
  const numbers = new Map((invoices.data ?? []).map((i) => [i.id, i.number ?? i.id]));
  return { invoices, numberOf: (id: string) => numbers.get(id) ?? id };
}

/** On the Dunning page (with the schedule preview), or as a panel on the customer's own page. */
export function CustomerDunning({ customerId, on = "dunning" }: { customerId: string; on?: "dunning" | "customer" }) {
  const [tick, setTick] = useState(0);
  const customer = useApi((signal) => ok(api.GET("/v1/customers/{id}", { params: { path: { id: customerId } }, signal })), [customerId, tick]);
  const numbers = useInvoiceNumbers(customerId, tick);
  const changed = () => setTick((t) => t + 1);
  if (customer.error) return <Card><ErrorState error={customer.error} onRetry={customer.reload} /></Card>;
  if (!customer.data) return <Card><Loading rows={6} label="Loading customer" /></Card>;
  const c = customer.data;
  return (
    <>
      {on === "dunning" && <SchedulePreview customer={c} tick={tick} numberOf={numbers.numberOf} />}
      <div className="grid-wide-left">
        <Timeline customer={c} tick={tick} numberOf={numbers.numberOf} />
        <DunningActions customer={c} invoices={numbers.invoices.data ?? []} onChanged={changed} on={on} />
      </div>
    </>
  );
}

function SchedulePreview({ customer, tick, numberOf }: { customer: Customer; tick: number; numberOf: (id: string) => string }) {
  const today = todayIn(customer.timezone);
  const [range, setRange] = useState({ from: today, to: addDays(today, 60) });
  const [asked, setAsked] = useState(range);
  const preview = useApi((signal) => ok(api.POST("/v1/dunning/preview", { body: { customerId: customer.id, from: asked.from, to: asked.to }, signal })), [customer.id, asked.from, asked.to, tick]);
  const fe = (f: string) => (isProblem(preview.error) ? preview.error.fieldErrors[f] : undefined);
  const rangeError = fe("from") ?? fe("to");
  const at = (iso: string) => formatInstant(iso, customer.timezone, navigator.language || "en-GB");

  const columns: Column<PreviewRow>[] = [
    { key: "at", header: "When (customer's time)", sort: (r) => r.at, cell: (r) => <time dateTime={r.at}>{at(r.at)}</time> },
    { key: "channel", header: "Channel", cell: (r) => CHANNEL_LABEL[r.channel] },
    { key: "step", header: "Step", cell: (r) => <span className="mono small">{r.stepId}</span>, secondary: true },
    { key: "invoices", header: "Invoices", cell: (r) => (r.invoiceIds.length ? r.invoiceIds.map(numberOf).join(", ") : "—"), secondary: true },
    {
      key: "status",
      header: "Status",
      cell: (r) =>
        r.status === "send" ? (
          <span className="badge badge-good">Send</span>
        ) : (
          <>
            <span className="badge badge-bad">Suppressed</span> <span className="small">{reasonLabel(r.reason)}</span>
          </>
        ),
    },
    { key: "content", header: "Message", cell: (r) => (r.body ? <details><summary>{r.subject ?? "Text"}</summary><p className="dun-preview-body small">{r.body}</p></details> : <span className="muted">—</span>), secondary: true },
  ];

  return (
    <Card title="Schedule preview" actions={preview.data?.cadence ? <span className="muted small">Cadence v{preview.data.cadence.version} · nothing is sent</span> : null}>
      <form
        className="filters"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          setAsked(range);
        }}
        aria-label="Preview range"
      >
        <Field label="From" error={fe("from")}>
          {(p) => <input {...p} type="date" value={range.from} onChange={(e) => setRange({ ...range, from: e.target.value })} />}
        </Field>
        <Field label="To" error={fe("to")} hint="At most 366 days">
          {(p) => <input {...p} type="date" value={range.to} onChange={(e) => setRange({ ...range, to: e.target.value })} />}
        </Field>
        <div className="field">
          <button type="submit" className="btn">Preview schedule</button>
        </div>
      </form>
      {preview.error && !rangeError ? (
        <ErrorState error={preview.error} onRetry={preview.reload} />
      ) : preview.error ? null : !preview.data ? (
        <Loading rows={4} label="Planning the schedule" />
      ) : !preview.data.cadence ? (
        <Empty title="No cadence applies" icon="✉">Create a cadence for this customer's segment ({customer.segment}) or one for any segment.</Empty>
      ) : preview.data.data.length === 0 && preview.data.escalations.length === 0 ? (
        <Empty title="Nothing scheduled in this range">No step of the cadence fires for this customer's open invoices between these dates.</Empty>
      ) : (
        <>
          <div data-testid="schedule-preview">
            <DataTable caption={`Planned reminders for ${customer.name}`} columns={columns} rows={preview.data.data} rowKey={(r) => `${r.at}:${r.stepId}:${r.channel}:${r.status}`} sortParam="psort" />
          </div>
          {preview.data.escalations.length > 0 && (
            <ul className="dun-escalation-plan" aria-label="Planned escalations">
              {preview.data.escalations.map((e) => (
                <li key={`${e.at}:${e.stepId}`}>
                  <span className="badge badge-warn">Escalation</span> {at(e.at)} · {e.actions.map(humanAction).join(", ")}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </Card>
  );
}

const KIND_LABEL: Record<string, string> = {
  attempt: "Send attempted",
  sent: "Sent",
  delivered: "Delivered",
  failed: "Failed",
  suppressed: "Suppressed",
  opt_out: "Opted out",
  opt_in: "Opted back in",
  escalation: "Escalated",
  dispute_opened: "Dispute opened",
  dispute_resolved: "Dispute resolved",
  promise_to_pay: "Promise to pay",
  inbound: "Message received",
};
const KIND_TONE: Record<string, string> = { sent: "info", delivered: "good", failed: "bad", suppressed: "warn", opt_out: "bad", opt_in: "good", escalation: "warn", dispute_opened: "warn", dispute_resolved: "good", promise_to_pay: "info" };

const CONSENT_SOURCE: Record<string, string> = { api: "the dashboard or API", sms_keyword: "an SMS keyword", whatsapp_reply: "a WhatsApp reply", email_unsubscribe: "the email unsubscribe link" };

/** What the record's reason says: the actions of an escalation, where a consent change came from, why a send was blocked or failed. */
function reasonText(r: Communication): string {
  if (!r.reason) return "";
  if (r.kind === "escalation") return r.reason.split(",").map(humanAction).join(", ");
  if (r.kind === "opt_out" || r.kind === "opt_in") return `via ${CONSENT_SOURCE[r.reason] ?? humanize(r.reason)}`;
  return reasonLabel(r.reason);
}

function actorLabel(actor: string, me: string | undefined) {
  const [kind, rest = ""] = actor.split(":", 2);
  if (kind === "staff") return rest === me ? "You" : "Staff user";
  if (kind === "api_key") return "API key";
  if (kind === "system") return rest === "dunning" ? "Dunning run" : `System (${rest.replaceAll(/[-_]/g, " ")})`;
  return humanize(actor);
}

function Timeline({ customer, tick, numberOf }: { customer: Customer; tick: number; numberOf: (id: string) => string }) {
  const me = useSession()?.user.id;
  const first = useApi((signal) => ok(api.GET("/v1/customers/{id}/communications", { params: { path: { id: customer.id }, query: { limit: 50 } }, signal })), [customer.id, tick]);
  const [more, setMore] = useState<{ key: string; rows: Communication[]; cursor: string | null; busy: boolean }>({ key: "", rows: [], cursor: null, busy: false });
  const key = `${customer.id}:${tick}`;
  const extra = more.key === key ? more : { key, rows: [], cursor: null, busy: false };
  const rows = [...(first.data?.data ?? []), ...extra.rows];
  const nextCursor = extra.rows.length ? extra.cursor : (first.data?.nextCursor ?? null);
  const loadMore = async () => {
    if (!nextCursor) return;
    setMore({ ...extra, busy: true });
    try {
      const page = await ok(api.GET("/v1/customers/{id}/communications", { params: { path: { id: customer.id }, query: { limit: 50, cursor: nextCursor } } }));
      setMore({ key, rows: [...extra.rows, ...page.data], cursor: page.nextCursor, busy: false });
    } catch {
      setMore({ ...extra, busy: false });
    }
  };

  return (
    <Card title="Communication timeline">
      {first.error ? (
        <ErrorState error={first.error} onRetry={first.reload} />
      ) : !first.data ? (
        <Loading rows={4} label="Loading communications" />
      ) : rows.length === 0 ? (
        <Empty title="No communications yet" icon="✉">Reminders, deliveries, suppressions, opt-outs and escalations for {customer.name} appear here as they happen.</Empty>
      ) : (
        <>
          <ol className="timeline" aria-label="Communication timeline" data-testid="communication-timeline">
            {rows.map((r) => (
              <li key={r.id} className={`timeline-item dun-kind-${r.kind}`}>
                <span className="timeline-icon" aria-hidden="true">{r.channel === "sms" ? "✆" : r.channel === "whatsapp" ? "◍" : r.channel === "email" ? "✉" : "•"}</span>
                <div className="timeline-body">
                  <div className="timeline-summary">
                    <span>
                      <span className={`badge badge-${KIND_TONE[r.kind] ?? "neutral"}`}>{KIND_LABEL[r.kind] ?? humanize(r.kind)}</span>
                      {r.channel && <> · {CHANNEL_LABEL[r.channel]}</>}
                      {r.reason ? <> · {reasonText(r)}</> : null}
                    </span>
                    {r.stepId && <span className="mono small muted">{r.stepId}{r.cadenceVersion !== null ? ` · v${r.cadenceVersion}` : ""}</span>}
                  </div>
                  {(r.subject || r.body) && <p className="small dun-preview-body">{r.subject ? <strong>{r.subject}: </strong> : null}{r.body}</p>}
                  <div className="muted small">
                    <time dateTime={r.occurredAt}>{formatInstant(r.occurredAt, customer.timezone, navigator.language || "en-GB")}</time> · {actorLabel(r.actor, me)}
                    {r.invoiceIds.length > 0 && <> · {r.invoiceIds.map(numberOf).join(", ")}</>}
                    {r.address && <> · <span className="mono">{r.address}</span></>}
                  </div>
                </div>
              </li>
            ))}
          </ol>
          {nextCursor && (
            <button type="button" className="btn btn-ghost" onClick={loadMore} disabled={extra.busy}>
              {extra.busy ? "Loading…" : "Show older"}
            </button>
          )}
        </>
      )}
    </Card>
  );
}

function DunningActions({ customer, invoices, onChanged, on }: { customer: Customer; invoices: Invoice[]; onChanged: () => void; on: "dunning" | "customer" }) {
  const writable = can(useSession(), "write");
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<{ form: string; error: unknown } | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const profile = useApi((signal) => ok(api.GET("/v1/customers/{id}/dunning-profile", { params: { path: { id: customer.id } }, signal })), [customer.id, customer.version]);
  const [dispute, setDispute] = useState({ invoiceId: "", reason: "" });
  const [promise, setPromise] = useState({ until: addDays(todayIn(customer.timezone), 14), amount: "" });
  const invoice = invoices.find((i) => i.id === dispute.invoiceId) ?? invoices[0];
  const currency = invoices[0]?.currency ?? "EUR";
  const errorOf = (form: string, field: string) => (problem?.form === form && isProblem(problem.error) ? problem.error.fieldErrors[field] : undefined);
  const generalOf = (form: string) => (problem?.form === form && !(isProblem(problem.error) && Object.keys(problem.error.fieldErrors).length) ? describeError(problem.error) : null);

  const act = async (form: string, fn: () => Promise<string>) => {
    setBusy(form);
    setProblem(null);
    setFlash(null);
    try {
      setFlash(await fn());
      onChanged();
    } catch (error) {
      setProblem({ form, error });
    } finally {
      setBusy(null);
    }
  };
  const optOut = (channel: ChannelName, out: boolean) =>
    act(`consent-${channel}`, async () => {
      if (out) await ok(api.POST("/v1/customers/{id}/opt-outs", { params: { path: { id: customer.id }, header: { "idempotency-key": crypto.randomUUID() } }, body: { channel } }));
      else await ok(api.DELETE("/v1/customers/{id}/opt-outs/{channel}", { params: { path: { id: customer.id, channel } } }));
      return out ? `${CHANNEL_LABEL[channel]} opted out: nothing more is sent on it.` : `${CHANNEL_LABEL[channel]} opted back in.`;
    });

  const prof = profile.data;
  const setDoNotContact = (doNotContact: boolean) =>
    act("profile", async () => {
      if (!prof) throw new Error("the profile is still loading");
      await ok(api.PUT("/v1/customers/{id}/dunning-profile", { params: { path: { id: customer.id } }, body: { preferredChannels: prof.preferredChannels, doNotContact } }));
      profile.reload();
      return doNotContact ? `${customer.name} is marked do-not-contact: no reminder goes out on any channel.` : `${customer.name} can be contacted again.`;
    });

  return (
    <Card title="Consent and records">
      {flash && <p className="flash" role="status">{flash}</p>}
      {profile.error ? (
        <p className="error-text small">The dunning profile could not be loaded: {describeError(profile.error)}</p>
      ) : prof ? (
        <div className="dun-consent dun-profile">
          <span>
            {prof.doNotContact ? <span className="badge badge-bad">Do not contact</span> : <span className="badge badge-good">May be contacted</span>}
            {prof.preferredChannels.length > 0 && <span className="muted small"> · prefers {prof.preferredChannels.map((c) => CHANNEL_LABEL[c]).join(", ")}</span>}
          </span>
          {writable && (
            <button type="button" className="btn btn-sm" disabled={busy !== null} onClick={() => setDoNotContact(!prof.doNotContact)}>
              {prof.doNotContact ? "Allow contact again" : "Mark do-not-contact"}
            </button>
          )}
        </div>
      ) : (
        <Loading rows={1} label="Loading the dunning profile" />
      )}
      {generalOf("profile") && <p className="form-error" role="alert">{generalOf("profile")}</p>}
      <div className="table-wrap">
        <table className="table" aria-label="Channels">
          <thead><tr><th scope="col">Channel</th><th scope="col">State</th></tr></thead>
          <tbody>
            {CHANNELS.map((ch) => {
              const state = customer.channels[ch];
              return (
                <tr key={ch}>
                  <td>{CHANNEL_LABEL[ch]}<div className="muted small mono">{state?.address ?? "Not on file"}</div></td>
                  <td>
                    <div className="dun-consent">
                      <span>
                        {!state ? "—" : state.optedOut ? <span className="badge badge-bad">Opted out</span> : state.consent === "granted" ? <span className="badge badge-good">Consented</span> : <span className="badge badge-neutral">No consent</span>}
                        {prof?.unreachable[ch] && <span className="badge badge-warn dun-desk" title={`Permanent failure at ${prof.unreachable[ch]}`}>Unreachable</span>}
                      </span>
                      {writable && state && (
                        <button type="button" className="btn btn-sm" disabled={busy !== null} onClick={() => optOut(ch, !state.optedOut)}>
                          {state.optedOut ? `Opt ${CHANNEL_LABEL[ch]} back in` : `Opt out of ${CHANNEL_LABEL[ch]}`}
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {CHANNELS.map((ch) => generalOf(`consent-${ch}`)).filter(Boolean).map((m) => <p key={m} className="form-error" role="alert">{m}</p>)}
      {writable ? (
        <>
          <form
            aria-label="Record a dispute"
            className="dun-record"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              if (!invoice) return;
              act("dispute", async () => {
                await ok(api.POST("/v1/invoices/{id}/disputes", { params: { path: { id: invoice.id }, header: { "idempotency-key": crypto.randomUUID() } }, body: { reason: dispute.reason } }));
                setDispute({ invoiceId: "", reason: "" });
                return `Dispute recorded on ${invoice.number ?? invoice.id}: it is not chased until resolved.`;
              });
            }}
          >
            <h3 className="section-title">Dispute</h3>
            {invoices.length === 0 ? (
              <p className="muted small">No open invoice to dispute.</p>
            ) : (
              <>
                <Field label="Invoice" error={errorOf("dispute", "invoiceId")}>
                  {(p) => (
                    <select {...p} value={invoice?.id ?? ""} onChange={(e) => setDispute({ ...dispute, invoiceId: e.target.value })}>
                      {invoices.map((i) => <option key={i.id} value={i.id}>{i.number ?? i.id} · {formatMoney(i.balanceDue, i.currency, navigator.language || "en-GB")}</option>)}
                    </select>
                  )}
                </Field>
                <Field label="Reason" error={errorOf("dispute", "reason")}>
                  {(p) => <input {...p} value={dispute.reason} onChange={(e) => setDispute({ ...dispute, reason: e.target.value })} placeholder="Service not delivered on 12 March" autoComplete="off" />}
                </Field>
                {generalOf("dispute") && <p className="form-error" role="alert">{generalOf("dispute")}</p>}
                <button type="submit" className="btn btn-sm" disabled={busy !== null}>{busy === "dispute" ? "Recording…" : "Record dispute"}</button>
              </>
            )}
          </form>
          <form
            aria-label="Record a promise to pay"
            className="dun-record"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              const amount = promise.amount.trim() === "" ? undefined : parseMoney(promise.amount, currency);
              if (amount === null) return setProblem({ form: "promise", error: new Error(`Enter an amount in ${currency}, or leave it empty`) });
              act("promise", async () => {
                await ok(api.POST("/v1/customers/{id}/promises-to-pay", { params: { path: { id: customer.id }, header: { "idempotency-key": crypto.randomUUID() } }, body: { until: promise.until, ...(amount === undefined ? {} : { amount }) } }));
                return `Promise to pay recorded: ${customer.name} is not chased until ${promise.until}.`;
              });
            }}
          >
            <h3 className="section-title">Promise to pay</h3>
            <Field label="Until (customer's date)" error={errorOf("promise", "until")}>
              {(p) => <input {...p} type="date" value={promise.until} onChange={(e) => setPromise({ ...promise, until: e.target.value })} />}
            </Field>
            <Field label={`Amount (${currency}, optional)`} error={errorOf("promise", "amount")}>
              {(p) => <input {...p} inputMode="decimal" value={promise.amount} onChange={(e) => setPromise({ ...promise, amount: e.target.value })} autoComplete="off" />}
            </Field>
            {problem?.form === "promise" && !isProblem(problem.error) ? <p className="form-error" role="alert">{(problem.error as Error).message}</p> : generalOf("promise") && <p className="form-error" role="alert">{generalOf("promise")}</p>}
            <button type="submit" className="btn btn-sm" disabled={busy !== null}>{busy === "promise" ? "Recording…" : "Record promise"}</button>
          </form>
        </>
      ) : (
        <p className="muted small">Your role can read the history; recording opt-outs, disputes and promises needs write access.</p>
      )}
      <p className="small">
        {on === "dunning" ? <Link className="link" href={`/customers/${customer.id}`}>Customer details →</Link> : <Link className="link" href={`/dunning?view=customer&customer=${customer.id}`}>Schedule preview on the Dunning page →</Link>}
      </p>
    </Card>
  );
}
