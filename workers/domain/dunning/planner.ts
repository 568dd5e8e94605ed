// plan(): the exact schedule of reminders a cadence prescribes for a customer over a range of
// local dates, with every blocked send and its reason. The preview, the CustomerDunning DO and
// the tests all call this one function, so what is shown is what is sent.
import { addDays, daysBetween } from "../dates.ts";
import { type AgingBucketDef, bucketOfDays, DEFAULT_BUCKETS } from "./buckets.ts";
import type { Cadence, CadenceStep, Channel, Escalation } from "./cadence.ts";
import { type CustomerState, type DunningCalendar, type InvoiceState, inPeriod } from "./customer-state.ts";
import { instantOfLocal, localPartsAt } from "./local-time.ts";
import { renderTemplate, type TemplateVariable } from "./template.ts";

export const SUPPRESSION_REASONS = [
  "invoice_paid",
  "invoice_disputed",
  "promise_to_pay",
  "do_not_contact",
  "opted_out",
  "no_consent",
  "channel_unreachable",
  "no_channel",
  "min_gap",
  "weekly_cap",
  "below_threshold",
  "branch_holiday",
] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export interface PlannedMessage {
  at: string;
  /** The customer's local date of the send: with stepId and customerId, the idempotency key. */
  localDate: string;
  channel: Channel;
  stepId: string;
  cadenceVersion: number;
  invoiceIds: string[];
  status: "send" | "suppressed";
  reason?: SuppressionReason;
  address?: string;
  language?: string;
  subject?: string;
  body?: string;
  amountDue?: number;
}

export interface PlannedEscalation {
  at: string;
  stepId: string;
  actions: Escalation[];
  invoiceIds: string[];
}

export interface Schedule {
  messages: PlannedMessage[];
  escalations: PlannedEscalation[];
}

const WEEK_MS = 7 * 86_400_000;

export function idempotencyKey(customerId: string, stepId: string, localDate: string): string {
  return `${customerId}:${stepId}:${localDate}`;
}

function triggers(step: CadenceStep, invoice: InvoiceState, date: string, buckets: readonly AgingBucketDef[]): boolean {
  const dpd = daysBetween(invoice.dueDate, date);
  if (step.trigger.type === "days_after_due") return dpd === step.trigger.days;
  return dpd >= 1 && bucketOfDays(buckets, dpd) === step.trigger.bucket && bucketOfDays(buckets, dpd - 1) !== step.trigger.bucket;
}

/** The send instant for a local date: the preferred time moved into the window, DST-safe. */
function sendInstant(date: string, cadence: Cadence, timezone: string): number | null {
  const s = cadence.suppression;
  const minute = Math.min(Math.max(s.sendAtMinute, s.windowStartMinute), s.windowEndMinute - 1);
  // A DST jump can move the wall clock: step forward until it reads inside the window that day.
  for (let m = minute; m < s.windowEndMinute; m += 30) {
    const at = instantOfLocal(date, m, timezone);
    const local = localPartsAt(at, timezone);
    if (local.date === date && local.minuteOfDay >= s.windowStartMinute && local.minuteOfDay < s.windowEndMinute) return at;
  }
  return null;
}

const isOpenAt = (inv: InvoiceState, at: string) => inv.settledAt === null || at < inv.settledAt;

function formatAmount(minor: number, currency: string): string {
  return `${currency} ${(minor / 100).toFixed(2)}`;
}

function content(step: CadenceStep, cadence: Cadence, state: CustomerState, invoices: InvoiceState[], date: string) {
  const language = step.templates[state.language] ? state.language : cadence.defaultLanguage;
  const template = step.templates[language] ?? { body: "" };
  const currencies = [...new Set(invoices.map((i) => i.currency))];
  const values: Record<TemplateVariable, string> = {
    customerName: state.name,
    invoiceNumbers: invoices.map((i) => i.number).join(", "),
    amountDue: currencies.map((c) => formatAmount(invoices.filter((i) => i.currency === c).reduce((s, i) => s + i.amountDue, 0), c)).join(" + "),
    dueDates: invoices.map((i) => i.dueDate).join(", "),
    paymentLink: `${state.paymentLinkBase}${state.customerId}`,
    invoiceCount: String(invoices.length),
    daysPastDue: String(Math.max(0, ...invoices.map((i) => daysBetween(i.dueDate, date)))),
  };
  return { language, subject: template.subject === undefined ? undefined : renderTemplate(template.subject, values), body: renderTemplate(template.body, values) };
}

/** Channel candidates for a step: the customer's preference order first, then the step's. */
function orderedChannels(step: CadenceStep, state: CustomerState): Channel[] {
  const rank = (c: Channel) => {
    const i = state.preferredChannels.indexOf(c);
    return i === -1 ? state.preferredChannels.length + step.channels.indexOf(c) : i;
  };
  return [...step.channels].sort((a, b) => rank(a) - rank(b));
}

function channelBlock(state: CustomerState, channel: Channel, at: string): SuppressionReason | null {
  const ch = state.channels.find((c) => c.channel === channel);
  if (!ch?.consent) return "no_consent";
  if (inPeriod(ch.optOuts, at)) return "opted_out";
  if (ch.unreachableAt !== null && ch.unreachableAt <= at) return "channel_unreachable";
  return null;
}

export function plan(state: CustomerState, cadence: Cadence, calendar: DunningCalendar, from: string, to: string, buckets: readonly AgingBucketDef[] = DEFAULT_BUCKETS, opts: { historyUntil?: string } = {}): Schedule {
  const messages: PlannedMessage[] = [];
  const escalations: PlannedEscalation[] = [];
  const sent = state.sentAt.map((s) => Date.parse(s)).sort((a, b) => a - b);
  // Before `historyUntil`, state.sentAt is the record of what went out: a re-planned earlier send
  // (a run re-plans the previous local day) is in it already, or was not sent; counting it again
  // would double it in the gap and the weekly cap.
  const historyUntil = opts.historyUntil === undefined ? Number.NEGATIVE_INFINITY : Date.parse(opts.historyUntil);
  const holidays = new Set(calendar.holidays);
  const days = Math.max(-1, daysBetween(from, to));
  for (let d = 0; d <= days; d++) {
    const date = addDays(from, d);
    // Every step firing today, and the invoices that fire it; the latest step speaks for all.
    let step: CadenceStep | undefined;
    const fired = new Set<InvoiceState>();
    for (const s of cadence.steps) {
      const hits = state.invoices.filter((inv) => triggers(s, inv, date, buckets));
      if (hits.length === 0) continue;
      step = s;
      for (const h of hits) fired.add(h);
    }
    if (!step) continue;
    const atMs = sendInstant(date, cadence, state.timezone);
    if (atMs === null) continue;
    const at = new Date(atMs).toISOString();
    // A paid invoice's step does not speak for the open ones (it is only kept to record why nothing is sent).
    const openStep = cadence.steps.filter((s) => state.invoices.some((inv) => isOpenAt(inv, at) && triggers(s, inv, date, buckets))).at(-1);
    if (openStep) step = openStep;
    const firedOpen = [...fired].filter((inv) => isOpenAt(inv, at));
    const firedLive = firedOpen.filter((inv) => !inPeriod(inv.disputes, at));
    // The batched reminder covers every overdue, open, undisputed invoice, plus the pre-due ones that fired.
    const included = state.invoices
      .filter((inv) => isOpenAt(inv, at) && !inPeriod(inv.disputes, at) && (inv.dueDate < date || firedLive.includes(inv)))
      .sort((a, b) => (a.dueDate === b.dueDate ? a.id.localeCompare(b.id) : a.dueDate.localeCompare(b.dueDate)));
    const invoiceIds = included.map((i) => i.id);
    const base = { at, localDate: date, stepId: step.id, cadenceVersion: cadence.version };
    const firedIds = [...fired].map((i) => i.id).sort();

    let reason: SuppressionReason | null = null;
    if (firedOpen.length === 0) reason = "invoice_paid";
    else if (firedLive.length === 0) reason = "invoice_disputed";
    if (reason === null && step.escalations.length > 0) escalations.push({ at, stepId: step.id, actions: [...step.escalations], invoiceIds });
    if (step.channels.length === 0) continue;
    const firstChannel = orderedChannels(step, state)[0] as Channel;
    if (reason === null) reason = customerBlock(state, cadence, included, date, at, atMs, holidays, sent);
    if (reason !== null) {
      messages.push({ ...base, channel: firstChannel, invoiceIds: reason === "invoice_paid" || reason === "invoice_disputed" ? firedIds : invoiceIds, status: "suppressed", reason });
      continue;
    }
    let chosen: Channel | null = null;
    for (const channel of orderedChannels(step, state)) {
      const block = channelBlock(state, channel, at);
      if (block === null) {
        chosen = channel;
        break;
      }
      messages.push({ ...base, channel, invoiceIds, status: "suppressed", reason: block });
    }
    if (chosen === null) continue;
    const address = state.channels.find((c) => c.channel === chosen)?.address ?? "";
    const text = content(step, cadence, state, included, date);
    const amountDue = included.reduce((s, i) => s + i.amountDue, 0);
    messages.push({ ...base, channel: chosen, invoiceIds, status: "send", address, language: text.language, ...(text.subject === undefined ? {} : { subject: text.subject }), body: text.body, amountDue });
    if (atMs >= historyUntil) insertSorted(sent, atMs);
  }
  return { messages, escalations };
}

/** Keeps `sent` ascending: history may hold sends later than the day being planned (a re-plan),
 *  and the gap rule reads the latest send before each instant. */
function insertSorted(sent: number[], atMs: number): void {
  let i = sent.length;
  while (i > 0 && (sent[i - 1] as number) > atMs) i--;
  sent.splice(i, 0, atMs);
}

function customerBlock(state: CustomerState, cadence: Cadence, included: InvoiceState[], date: string, at: string, atMs: number, holidays: Set<string>, sent: number[]): SuppressionReason | null {
  if (state.doNotContact) return "do_not_contact";
  if (state.promises.some((p) => p.madeAt <= at && date <= p.until)) return "promise_to_pay";
  if (included.length === 0) return "invoice_paid";
  if (included.reduce((s, i) => s + i.amountDue, 0) < Math.max(1, cadence.suppression.minAmount)) return "below_threshold";
  if (holidays.has(date)) return "branch_holiday";
  const s = cadence.suppression;
  const earlier = sent.filter((t) => t <= atMs);
  const last = earlier[earlier.length - 1];
  if (last !== undefined && atMs - last < s.minGapHours * 3_600_000) return "min_gap";
  if (earlier.filter((t) => t > atMs - WEEK_MS).length >= s.weeklyCap) return "weekly_cap";
  return null;
}
