// Dunning demo rows: per franchise the aging buckets and holidays, the three demo cadences (the
// standard one at version 2), and, for customers who owe something at the as-of date, a dunning
// profile (preferred channels from their consented channels). A few chosen customers show each
// suppression the daily run must respect: an SMS opt-out (STOP), an email unsubscribe, one marked
// do-not-contact, an open dispute on an overdue invoice (and a resolved one) and a promise to pay.
// Their history rows are written too, so the timeline starts consistent.
import { DEFAULT_BUCKETS } from "../../workers/domain/dunning/buckets.ts";
import type { Channel } from "../../workers/domain/dunning/cadence.ts";
import { addDays } from "../../workers/domain/dates.ts";
import type { CreditNotePlan } from "./credit-notes.ts";
import type { CustomerPlan } from "./customers.ts";
import { DEMO_CADENCES, forLanguages } from "./dunning-cadences.ts";
import type { IdMaker } from "./id-maker.ts";
import type { InvoicePlan } from "./invoices.ts";
import type { Random } from "./random.ts";
import type { CommunicationRow, CustomerChannelRow, CustomerDunningProfileRow, DunningCadenceRow, DunningCadenceVersionRow, DunningSettingsRow, InvoiceDisputeRow, PromiseToPayRow } from "./rows.ts";
import type { PaymentPlan } from "./settlement.ts";
import type { FranchiseContext } from "./setup.ts";
import { isoInstant } from "./time.ts";
import type { DataWindow } from "./window.ts";

export interface DunningTables {
  dunning_settings: DunningSettingsRow[];
  dunning_cadences: DunningCadenceRow[];
  dunning_cadence_versions: DunningCadenceVersionRow[];
  customer_dunning_profiles: CustomerDunningProfileRow[];
  invoice_disputes: InvoiceDisputeRow[];
  promises_to_pay: PromiseToPayRow[];
  communications: CommunicationRow[];
}

export const DEMO_DUNNING_ACTOR = "staff:demo-finance";
const DAY = 86_400_000;

/** What each invoice still owes at the as-of date (total − allocations − credit notes). */
function openAmounts(invoices: readonly InvoicePlan[], creditNotes: readonly CreditNotePlan[], payments: readonly PaymentPlan[]): Map<InvoicePlan, number> {
  const open = new Map(invoices.map((i) => [i, i.totals.total]));
  for (const cn of creditNotes) open.set(cn.invoice, (open.get(cn.invoice) ?? 0) - cn.totals.total);
  for (const p of payments) for (const a of p.allocations) open.set(a.invoice, (open.get(a.invoice) ?? 0) - a.amount);
  return open;
}

/** Consented, not opted-out channels, in the order this kind of customer answers best. */
function preferredChannels(c: CustomerPlan, channels: readonly CustomerChannelRow[]): Channel[] {
  const order: Channel[] = c.segment === "consumer" ? ["sms", "whatsapp", "email"] : ["email", "sms", "whatsapp"];
  const usable = new Set(channels.filter((ch) => ch.consent === "granted" && ch.opted_out_at === null).map((ch) => ch.channel));
  return order.filter((ch) => usable.has(ch));
}

const emptyCommunication = (id: string, c: CustomerPlan, kind: string, occurredMs: number): CommunicationRow => ({
  id, franchise_id: c.franchise.row.id, customer_id: c.id, kind, channel: null, step_id: null, cadence_id: null, cadence_version: null,
  invoice_ids: "[]", reason: null, address: null, subject: null, body: null, content_hash: null, provider_message_id: null,
  idempotency_key: null, actor: DEMO_DUNNING_ACTOR, occurred_at: isoInstant(occurredMs),
});

export function planDunning(
  franchises: readonly FranchiseContext[],
  customers: readonly CustomerPlan[],
  invoices: readonly InvoicePlan[],
  creditNotes: readonly CreditNotePlan[],
  payments: readonly PaymentPlan[],
  channelRows: CustomerChannelRow[],
  window: DataWindow,
  rng: Random,
  ids: IdMaker,
): DunningTables {
  const t: DunningTables = { dunning_settings: [], dunning_cadences: [], dunning_cadence_versions: [], customer_dunning_profiles: [], invoice_disputes: [], promises_to_pay: [], communications: [] };
  const asOf = window.asOfDate;
  const asOfMs = Date.parse(`${asOf}T00:00:00.000Z`);
  const setupMs = asOfMs - 60 * DAY;
  const open = openAmounts(invoices, creditNotes, payments);
  const channelsOf = new Map<string, CustomerChannelRow[]>();
  for (const ch of channelRows) {
    const list = channelsOf.get(ch.customer_id);
    if (list) list.push(ch);
    else channelsOf.set(ch.customer_id, [ch]);
  }
  const openByCustomer = new Map<CustomerPlan, InvoicePlan[]>();
  for (const inv of invoices) {
    if ((open.get(inv) ?? 0) <= 0) continue;
    const list = openByCustomer.get(inv.customer);
    if (list) list.push(inv);
    else openByCustomer.set(inv.customer, [inv]);
  }
  const year = Number(asOf.slice(0, 4));

  for (const f of franchises) {
    const frng = rng.derive("dunning", f.spec.key);
    const franchiseId = f.row.id;
    // Holidays: nothing is sent on them, franchise-wide; each first branch also keeps a local one.
    const holidays: Record<string, string[]> = { "*": [`${year}-12-25`, `${year + 1}-01-01`, `${year}-01-01`] };
    const firstBranch = f.branches[0];
    if (firstBranch) holidays[firstBranch.row.id] = [`${year}-12-08`];
    t.dunning_settings.push({ franchise_id: franchiseId, buckets: JSON.stringify(DEFAULT_BUCKETS), holidays: JSON.stringify(holidays), updated_at: isoInstant(setupMs) });

    const languages = new Set(f.spec.branches.flatMap((b) => b.languages.map(([lang]) => lang)));
    for (const [k, demo] of DEMO_CADENCES.entries()) {
      const c = forLanguages(demo, languages);
      const createdMs = setupMs + k * 3_600_000;
      const id = ids.next("cad", createdMs);
      const versions = [...c.previous, { steps: c.steps, suppression: c.suppression }];
      const updatedMs = createdMs + (versions.length - 1) * 14 * DAY;
      t.dunning_cadences.push({ id, franchise_id: franchiseId, name: c.name, segments: JSON.stringify(c.segments), version: versions.length, status: "active", created_at: isoInstant(createdMs), updated_at: isoInstant(updatedMs) });
      versions.forEach((v, i) => {
        t.dunning_cadence_versions.push({
          franchise_id: franchiseId, cadence_id: id, version: i + 1,
          definition: JSON.stringify({ defaultLanguage: c.defaultLanguage, steps: v.steps, suppression: v.suppression }),
          created_at: isoInstant(createdMs + i * 14 * DAY), created_by: DEMO_DUNNING_ACTOR,
        });
      });
    }

    const owing = customers.filter((c) => c.franchise === f && openByCustomer.has(c));
    for (const c of owing) {
      t.customer_dunning_profiles.push({ customer_id: c.id, franchise_id: franchiseId, preferred_channels: JSON.stringify(preferredChannels(c, channelsOf.get(c.id) ?? [])), do_not_contact: 0, unreachable: "{}", updated_at: isoInstant(setupMs) });
    }

    // The showcase customers: an invoice due within a week of the as-of date, so the next daily
    // runs reach them and record why they were not chased. Each one shows one rule.
    const recent = owing.filter((c) => (openByCustomer.get(c) ?? []).some((i) => i.dueDate >= addDays(asOf, -6) && i.dueDate <= addDays(asOf, 6)));
    const pool = [...recent];
    const take = (ok: (c: CustomerPlan) => boolean): CustomerPlan | undefined => {
      const candidates = pool.filter(ok);
      if (candidates.length === 0) return undefined;
      const chosen = frng.pick(candidates);
      pool.splice(pool.indexOf(chosen), 1);
      return chosen;
    };
    const hasChannel = (c: CustomerPlan, channel: string) => (channelsOf.get(c.id) ?? []).some((ch) => ch.channel === channel && ch.consent === "granted" && ch.opted_out_at === null);
    const profileOf = (c: CustomerPlan) => t.customer_dunning_profiles.find((p) => p.customer_id === c.id)!;

    // The open dispute is on an invoice already overdue at the as-of date.
    const overdueRecent = (c: CustomerPlan) => (openByCustomer.get(c) ?? []).filter((i) => i.dueDate < asOf && i.dueDate >= addDays(asOf, -6));
    const disputed = take((c) => hasChannel(c, "email") && overdueRecent(c).length > 0) ?? take((c) => overdueRecent(c).length > 0);
    if (disputed) {
      const inv = overdueRecent(disputed).sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.id.localeCompare(b.id))[0]!;
      const openedMs = Math.max(inv.issuedMs + DAY, asOfMs - 3 * DAY + 11 * 3_600_000);
      const reason = "Customer says the visit on the invoice did not take place; checking the technician's log";
      t.invoice_disputes.push({ id: ids.next("dsp", openedMs), franchise_id: franchiseId, invoice_id: inv.id, customer_id: disputed.id, reason, opened_at: isoInstant(openedMs), resolved_at: null, resolution: null, opened_by: DEMO_DUNNING_ACTOR });
      t.communications.push({ ...emptyCommunication(ids.next("com", openedMs), disputed, "dispute_opened", openedMs), invoice_ids: JSON.stringify([inv.id]), reason });
    }

    const optOut = (c: CustomerPlan | undefined, channel: Channel, source: string, evidence: string, daysBefore: number) => {
      if (!c) return;
      const row = (channelsOf.get(c.id) ?? []).find((ch) => ch.channel === channel)!;
      const at = asOfMs - daysBefore * DAY + frng.int(9 * 3600, 19 * 3600) * 1000;
      row.opted_out_at = isoInstant(at);
      row.updated_at = isoInstant(at);
      const p = profileOf(c);
      p.preferred_channels = JSON.stringify((JSON.parse(p.preferred_channels) as string[]).filter((ch) => ch !== channel));
      t.communications.push({ ...emptyCommunication(ids.next("com", at), c, "opt_out", at), channel, address: row.address, reason: source, body: evidence, actor: `system:inbound-${channel}` });
    };
    optOut(take((c) => hasChannel(c, "sms") && hasChannel(c, "email")), "sms", "sms_keyword", "STOP", 20);
    optOut(take((c) => hasChannel(c, "email") && (hasChannel(c, "sms") || hasChannel(c, "whatsapp"))), "email", "email_unsubscribe", "RFC 8058 one-click", 12);

    const dnc = take(() => true);
    if (dnc) {
      const p = profileOf(dnc);
      p.do_not_contact = 1;
      p.updated_at = isoInstant(asOfMs - 5 * DAY);
    }

    // A dispute resolved in the company's favour: chasing resumed after it.
    const resolvedFor = owing.filter((c) => c !== disputed && (openByCustomer.get(c) ?? []).some((i) => i.dueDate < addDays(asOf, -20)));
    if (resolvedFor.length > 0) {
      const c = frng.pick(resolvedFor);
      const inv = (openByCustomer.get(c) ?? []).filter((i) => i.dueDate < addDays(asOf, -20)).sort((a, b) => a.dueDate.localeCompare(b.dueDate))[0]!;
      const openedMs = Date.parse(`${inv.dueDate}T10:30:00.000Z`) + 2 * DAY;
      const resolvedMs = openedMs + 6 * DAY;
      const reason = "Amount on the invoice questioned";
      const resolution = "Signed work order sent to the customer; the amount stands";
      t.invoice_disputes.push({ id: ids.next("dsp", openedMs), franchise_id: franchiseId, invoice_id: inv.id, customer_id: c.id, reason, opened_at: isoInstant(openedMs), resolved_at: isoInstant(resolvedMs), resolution, opened_by: DEMO_DUNNING_ACTOR });
      t.communications.push({ ...emptyCommunication(ids.next("com", openedMs), c, "dispute_opened", openedMs), invoice_ids: JSON.stringify([inv.id]), reason });
      t.communications.push({ ...emptyCommunication(ids.next("com", resolvedMs), c, "dispute_resolved", resolvedMs), invoice_ids: JSON.stringify([inv.id]), reason: resolution });
    }

    const promised = take(() => true);
    if (promised) {
      const madeMs = asOfMs - 2 * DAY + 15 * 3_600_000;
      const until = addDays(asOf, 14);
      const amount = (openByCustomer.get(promised) ?? []).reduce((s, i) => s + (open.get(i) ?? 0), 0);
      t.promises_to_pay.push({ id: ids.next("ptp", madeMs), franchise_id: franchiseId, customer_id: promised.id, until, amount, created_at: isoInstant(madeMs), created_by: DEMO_DUNNING_ACTOR });
      t.communications.push({ ...emptyCommunication(ids.next("com", madeMs), promised, "promise_to_pay", madeMs), reason: `until ${until} amount ${amount}` });
    }
  }
  t.communications.sort((a, b) => a.id.localeCompare(b.id));
  return t;
}
