// A seeded population for the dunning simulations: cadences, customers across timezones with
// random channels, consent, preferences and do-not-contact, invoices, and a timeline of events
// (payments, disputes and their resolution, opt-outs and opt-ins, promises to pay). The same
// population feeds the pure planner (the expected schedule) and D1 (what the real path sees).
import { env } from "cloudflare:workers";
import type { Channel } from "../../workers/domain/dunning/cadence.ts";
import type { CustomerState } from "../../workers/domain/dunning/customer-state.ts";
import { addDays } from "../../workers/domain/dates.ts";
import { seededRandom } from "../../workers/domain/forecast/stats.ts";

export const TIMEZONES = ["Europe/Madrid", "Europe/London", "America/New_York", "America/Los_Angeles", "Asia/Tokyo", "Australia/Sydney", "Asia/Kolkata", "Pacific/Auckland", "America/Sao_Paulo", "UTC"];
const SEGMENTS = ["consumer", "smb", "enterprise"] as const;
const CHANNELS: Channel[] = ["email", "sms", "whatsapp"];

export type SimEvent =
  | { at: number; type: "pay"; customer: number; invoices: string[] }
  | { at: number; type: "dispute"; customer: number; invoice: string; id: string }
  | { at: number; type: "resolve"; customer: number; id: string }
  | { at: number; type: "opt_out" | "opt_in"; customer: number; channel: Channel }
  | { at: number; type: "promise"; customer: number; until: string; id: string };

export interface SimInvoice {
  id: string;
  dueDate: string;
  amount: number;
}

export interface SimCustomer {
  id: string;
  segment: (typeof SEGMENTS)[number];
  timezone: string;
  language: string;
  doNotContact: boolean;
  preferred: Channel[];
  channels: Array<{ channel: Channel; address: string; consent: boolean }>;
  invoices: SimInvoice[];
}

export type Rng = () => number;
export const rngOf = (seed: number): Rng => seededRandom(seed);
const int = (r: Rng, min: number, max: number) => min + Math.floor(r() * (max - min + 1));
const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
const shuffle = <T>(r: Rng, items: readonly T[]): T[] => {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
};

/** A random valid cadence body for POST /v1/dunning/cadences. */
export function randomCadence(r: Rng, segment: string) {
  const steps: any[] = [];
  const days = shuffle(r, [-3, -1, 0, 1, 2, 3, 5, 7, 10, 14, 21, 28, 45, 75]).slice(0, int(r, 2, 5)).sort((a, b) => a - b);
  for (const d of days) steps.push({ id: `d${d < 0 ? `m${-d}` : d}`, trigger: { type: "days_after_due", days: d }, channels: shuffle(r, CHANNELS).slice(0, int(r, 1, 3)), templates: { en: { subject: "Reminder", body: `{{customerName}} ${d}: {{amountDue}} ({{invoiceNumbers}})` } }, escalations: [] });
  if (r() < 0.7) steps.push({ id: "b31", trigger: { type: "enter_bucket", bucket: "31-60" }, channels: ["email"], templates: { en: { subject: "Notice", body: "Notice {{invoiceNumbers}}" } }, escalations: ["formal_notice"] });
  if (r() < 0.5) steps.push({ id: "b61", trigger: { type: "enter_bucket", bucket: "61-90" }, channels: shuffle(r, CHANNELS).slice(0, 2), templates: { en: { body: "Final {{invoiceNumbers}}" } }, escalations: ["assign_collections"] });
  const windowStartMinute = pick(r, [7 * 60, 8 * 60, 9 * 60]);
  const windowEndMinute = pick(r, [18 * 60, 20 * 60, 21 * 60]);
  return {
    name: `Sim ${segment}`,
    segments: [segment],
    defaultLanguage: "en",
    steps,
    suppression: { windowStartMinute, windowEndMinute, sendAtMinute: pick(r, [6 * 60, 10 * 60, 13 * 60, 22 * 60]), minGapHours: pick(r, [0, 12, 24, 48]), weeklyCap: int(r, 1, 3), minAmount: pick(r, [0, 0, 2000]) },
  };
}

/** Customers with 1–3 invoices due between `first` and `first + 60` days (so nothing is due before the simulation starts). */
export function population(r: Rng, n: number, first: string, tag: string): SimCustomer[] {
  return Array.from({ length: n }, (_, i) => {
    const id = `cus_0000000000000000${tag}${String(i).padStart(4, "0")}`;
    const channels = CHANNELS.filter(() => r() < 0.75).map((channel) => ({
      channel,
      address: channel === "email" ? `${tag}-${i}@sim.example` : `+4479${tag.length}${String(i).padStart(7, "0")}`,
      consent: r() < 0.9,
    }));
    const invoices = Array.from({ length: int(r, 1, 3) }, (_, k) => ({ id: `inv_0000000000000000${tag}${String(i).padStart(4, "0")}${k}`, dueDate: addDays(first, int(r, 0, 60)), amount: int(r, 5, 900) * 100 }));
    return { id, segment: pick(r, SEGMENTS), timezone: pick(r, TIMEZONES), language: pick(r, ["en", "es"]), doNotContact: r() < 0.04, preferred: shuffle(r, CHANNELS).slice(0, int(r, 0, 3)), channels, invoices };
  });
}

/** Events at random instants of the simulated period [startMs, endMs). */
export function randomEvents(r: Rng, customers: readonly SimCustomer[], startMs: number, endMs: number): SimEvent[] {
  const events: SimEvent[] = [];
  const span = endMs - startMs;
  const at = () => startMs + Math.floor(r() * span / 60_000) * 60_000;
  customers.forEach((c, i) => {
    for (const inv of c.invoices) if (r() < 0.3) events.push({ at: at(), type: "pay", customer: i, invoices: [inv.id] });
    if (r() < 0.2) {
      const inv = pick(r, c.invoices);
      const opened = at();
      const id = `dsp_0000000000000000sim${String(i).padStart(5, "0")}`;
      events.push({ at: opened, type: "dispute", customer: i, invoice: inv.id, id });
      if (r() < 0.6) events.push({ at: opened + int(r, 1, 20 * 24) * 3_600_000, type: "resolve", customer: i, id });
    }
    if (c.channels.length > 0 && r() < 0.2) {
      const ch = pick(r, c.channels).channel;
      const out = at();
      events.push({ at: out, type: "opt_out", customer: i, channel: ch });
      if (r() < 0.4) events.push({ at: out + int(r, 2, 30) * 86_400_000, type: "opt_in", customer: i, channel: ch });
    }
    if (r() < 0.1) {
      const madeAt = at();
      events.push({ at: madeAt, type: "promise", customer: i, until: addDays(new Date(madeAt).toISOString().slice(0, 10), int(r, 2, 15)), id: `ptp_0000000000000000sim${String(i).padStart(5, "0")}` });
    }
  });
  return events.filter((e) => e.at < endMs).sort((a, b) => a.at - b.at);
}

/** The whole simulated history of one customer as the planner's state: what should happen. */
export function expectedState(c: SimCustomer, events: readonly SimEvent[], index: number, paymentLinkBase: string): CustomerState {
  const mine = events.filter((e) => e.customer === index);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    customerId: c.id,
    name: `Sim ${index}`,
    segment: c.segment,
    language: c.language,
    timezone: c.timezone,
    doNotContact: c.doNotContact,
    preferredChannels: c.preferred,
    channels: c.channels.map((ch) => {
      const optOuts: Array<{ from: string; to: string | null }> = [];
      for (const e of mine) {
        if (e.type === "opt_out" && e.channel === ch.channel) optOuts.push({ from: iso(e.at), to: null });
        if (e.type === "opt_in" && e.channel === ch.channel && optOuts.length > 0) optOuts[optOuts.length - 1]!.to = iso(e.at);
      }
      return { channel: ch.channel, address: ch.address, consent: ch.consent, optOuts, unreachableAt: null };
    }),
    invoices: c.invoices.map((inv) => {
      const paid = mine.find((e) => e.type === "pay" && e.invoices.includes(inv.id));
      const dispute = mine.find((e) => e.type === "dispute" && e.invoice === inv.id);
      const resolved = dispute && mine.find((e) => e.type === "resolve" && e.id === (dispute as { id: string }).id);
      return {
        id: inv.id,
        number: `SIM-${inv.id.slice(-6)}`,
        currency: "GBP",
        dueDate: inv.dueDate,
        amountDue: inv.amount,
        settledAt: paid ? iso(paid.at) : null,
        disputes: dispute ? [{ from: iso(dispute.at), to: resolved ? iso(resolved.at) : null }] : [],
      };
    }),
    promises: mine.flatMap((e) => (e.type === "promise" ? [{ madeAt: iso(e.at), until: e.until }] : [])),
    sentAt: [],
    paymentLinkBase,
  };
}

/** Loads the population into D1 for a franchise and branch, as issued invoices (one batch per chunk). */
export async function insertPopulation(franchiseId: string, branchId: string, customers: readonly SimCustomer[], createdAt: string) {
  const statements: D1PreparedStatement[] = [];
  customers.forEach((c, i) => {
    statements.push(env.DB.prepare("INSERT INTO customers (id, franchise_id, home_branch_id, name, segment, language, timezone, status, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'active', 1, ?, ?)").bind(c.id, franchiseId, branchId, `Sim ${i}`, c.segment, c.language, c.timezone, createdAt, createdAt));
    for (const ch of c.channels) statements.push(env.DB.prepare("INSERT INTO customer_channels (franchise_id, customer_id, channel, address, consent, consent_at, opted_out_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)").bind(franchiseId, c.id, ch.channel, ch.address, ch.consent ? "granted" : "not_given", ch.consent ? createdAt : null, createdAt));
    statements.push(env.DB.prepare("INSERT INTO customer_dunning_profiles (customer_id, franchise_id, preferred_channels, do_not_contact, unreachable, updated_at) VALUES (?, ?, ?, ?, '{}', ?)").bind(c.id, franchiseId, JSON.stringify(c.preferred), c.doNotContact ? 1 : 0, createdAt));
    c.invoices.forEach((inv, k) => {
      statements.push(
        env.DB.prepare("INSERT INTO invoices (id, franchise_id, branch_id, customer_id, seq, number, status, currency, issue_date, due_date, due_in_days, subtotal, tax_total, total, amount_paid, amount_credited, tax_breakdown, version, created_at, updated_at, issued_at) VALUES (?, ?, ?, ?, ?, ?, 'issued', 'GBP', ?, ?, 30, ?, 0, ?, 0, 0, '[]', 1, ?, ?, ?)")
          .bind(inv.id, franchiseId, branchId, c.id, 900_000 + i * 10 + k, `SIM-${inv.id.slice(-6)}`, addDays(inv.dueDate, -30), inv.dueDate, inv.amount, inv.amount, createdAt, createdAt, createdAt),
      );
    });
  });
  for (let i = 0; i < statements.length; i += 200) await env.DB.batch(statements.slice(i, i + 200));
}

let payments = 0;

/** Applies one event to D1 at its simulated instant, as the API's use cases would record it. */
export async function applyEvent(franchiseId: string, customers: readonly SimCustomer[], e: SimEvent) {
  const c = customers[e.customer]!;
  const at = new Date(e.at).toISOString();
  if (e.type === "pay") {
    const invoices = c.invoices.filter((i) => e.invoices.includes(i.id));
    const paymentId = `pay_00000000000000000sim${String(++payments).padStart(6, "0")}`;
    await env.DB.batch([
      env.DB.prepare("INSERT INTO payments (id, franchise_id, customer_id, currency, amount, received_at, method, reference, created_at) VALUES (?, ?, ?, 'GBP', ?, ?, 'bank_transfer', NULL, ?)").bind(paymentId, franchiseId, c.id, invoices.reduce((s, i) => s + i.amount, 0), at, at),
      ...invoices.map((inv, k) => env.DB.prepare("INSERT INTO payment_allocations (id, franchise_id, payment_id, invoice_id, amount, created_at) VALUES (?, ?, ?, ?, ?, ?)").bind(`pal_0000000000000000sim${String(payments).padStart(6, "0")}${k}`, franchiseId, paymentId, inv.id, inv.amount, at)),
    ]);
  } else if (e.type === "dispute") {
    await env.DB.prepare("INSERT INTO invoice_disputes (id, franchise_id, invoice_id, customer_id, reason, opened_at, resolved_at, resolution, opened_by) VALUES (?, ?, ?, ?, 'sim', ?, NULL, NULL, 'system:sim')").bind(e.id, franchiseId, e.invoice, c.id, at).run();
  } else if (e.type === "resolve") {
    await env.DB.prepare("UPDATE invoice_disputes SET resolved_at = ?, resolution = 'sim' WHERE id = ?").bind(at, e.id).run();
  } else if (e.type === "opt_out" || e.type === "opt_in") {
    await env.DB.prepare("UPDATE customer_channels SET opted_out_at = ?, updated_at = ? WHERE customer_id = ? AND channel = ?").bind(e.type === "opt_out" ? at : null, at, c.id, e.channel).run();
  } else if (e.type === "promise") {
    await env.DB.prepare("INSERT INTO promises_to_pay (id, franchise_id, customer_id, until, amount, created_at, created_by) VALUES (?, ?, ?, ?, NULL, ?, 'system:sim')").bind(e.id, franchiseId, c.id, e.until, at).run();
  }
}
