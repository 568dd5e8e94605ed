// Dunning execution on a simulated clock: the CustomerDunning DO plans and sets its alarm, the
// reminders consumer re-checks and sends through the fake providers. Over 40 days the customer
// gets exactly what the cadence prescribes (and over 120 days, a generated population of them); re-run alarms and redelivered messages send nothing
// twice; a payment one minute before a reminder cancels it; a permanent SMS failure falls
// through to email.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { customerDunningStub } from "../../durable-objects/customer-dunning.ts";
import { consumeReminders, deliverReminder } from "../../queues/reminders.ts";
import { PAYMENT_LINK_BASE } from "../../workers/billing/dunning/customer-state.ts";
import { addDays } from "../../workers/domain/dates.ts";
import { DEFAULT_BUCKETS } from "../../workers/domain/dunning/buckets.ts";
import type { Cadence } from "../../workers/domain/dunning/cadence.ts";
import { localPartsAt } from "../../workers/domain/dunning/local-time.ts";
import { idempotencyKey, plan } from "../../workers/domain/dunning/planner.ts";
import type { ReminderMessage } from "../../workers/dunning/reminder-message.ts";
import { sweepDunning } from "../../workers/dunning/sweep.ts";
import worker from "../../workers/index.ts";
import { createLogger } from "../../workers/observability/logger.ts";
import { CADENCE, overdueInvoice, today } from "./dunning-fixtures.ts";
import { applyEvent, expectedState, insertPopulation, population, randomCadence, randomEvents, rngOf, TIMEZONES } from "./dunning-population.ts";
import { A, B, callJson, createCustomer, seedFixtures } from "./fixtures.ts";

beforeAll(async () => {
  await seedFixtures();
  await callJson("POST", "/v1/dunning/cadences", { body: CADENCE });
});

const DAY = 86_400_000;

async function fakeRequests(base: string, match: (r: any) => boolean): Promise<any[]> {
  const res = await fetch(`${base}/_fake/requests`);
  return ((await res.json()) as { data: any[] }).data.filter(match);
}

async function sentRecords(customerId: string) {
  const rows = await env.DB.prepare("SELECT kind, channel, step_id, reason, idempotency_key FROM communications WHERE customer_id = ? ORDER BY id").bind(customerId).all<any>();
  return rows.results;
}

/** Runs `days` simulated days: the 06:00Z cron wake, then every alarm, each delivered twice and re-run once. */
async function simulate(customerId: string, days: number, before?: (alarm: Date) => Promise<void>) {
  const stub = customerDunningStub(env, A.franchiseId, customerId);
  const start = Date.parse(`${today()}T06:00:00Z`);
  const outcomes: string[] = [];
  for (let d = 0; d < days; d++) {
    const cron = new Date(start + d * DAY);
    await stub.wake(A.franchiseId, customerId, cron.toISOString(), { enqueue: false });
    for (let guard = 0; guard < 5; guard++) {
      const alarm = await stub.nextAlarm();
      if (alarm === null || alarm >= cron.getTime() + DAY) break;
      const at = new Date(alarm);
      if (before) await before(at);
      const run = await stub.wake(A.franchiseId, customerId, at.toISOString(), { enqueue: false });
      // The same alarm again (alarms are at-least-once): nothing new is due.
      expect((await stub.wake(A.franchiseId, customerId, at.toISOString(), { enqueue: false })).enqueued).toEqual([]);
      for (const m of run.enqueued) {
        outcomes.push(`${m.stepId}:${(await deliverReminder(env, m, at)).kind}`);
        // Redelivery of the same queue message.
        expect((await deliverReminder(env, m, new Date(alarm + 60_000))).kind).toBe("duplicate");
      }
    }
  }
  return outcomes;
}

describe("dunning on a simulated clock", () => {
  it("sends exactly the prescribed messages over 40 days, once each, within the window", async () => {
    const email = `sim-${Date.now()}@casalumen.example`;
    const customerId = await createCustomer({ name: "Sim One", language: "en", channels: { email: { address: email, consent: "granted" }, sms: { address: "+34600999001", consent: "granted" } } });
    const invoice = await overdueInvoice(customerId, 0);
    const outcomes = await simulate(customerId, 40);
    expect(outcomes).toEqual(["d1:sent", "d10:sent", "b31:sent"]);
    const records = await sentRecords(customerId);
    expect(records.filter((r) => r.kind === "sent").map((r) => [r.step_id, r.channel])).toEqual([["d1", "email"], ["d10", "sms"], ["b31", "email"]]);
    expect(records.filter((r) => r.kind === "escalation").map((r) => [r.step_id, r.reason])).toEqual([["b31", "formal_notice"]]);
    const emails = await fakeRequests(env.RESEND_BASE_URL, (r) => r.body.to?.[0] === email);
    expect(emails).toHaveLength(2);
    expect(emails[0].body.text).toContain(invoice.number);
    expect(emails[0].headers["idempotency-key"]).toBe(`${customerId}:d1:${addDays(invoice.dueDate, 1)}:email`);
    const sms = await fakeRequests(env.TWILIO_BASE_URL, (r) => r.body.To === "+34600999001");
    expect(sms).toHaveLength(1);
    // 10:00 in Madrid: never in quiet hours.
    for (const r of [...emails, ...sms]) expect(r.at).toBeTruthy();
  });

  it("a payment one minute before the reminder cancels it, whether or not it was already queued", async () => {
    const customerId = await createCustomer({ name: "Sim Pay", language: "en", channels: { email: { address: `pay-${Date.now()}@example.es`, consent: "granted" } } });
    const invoice = await overdueInvoice(customerId, 0);
    const stub = customerDunningStub(env, A.franchiseId, customerId);
    await stub.wake(A.franchiseId, customerId, `${addDays(today(), 1)}T06:00:00.000Z`, { enqueue: false });
    const alarm = await stub.nextAlarm();
    expect(alarm).not.toBeNull();
    // Queued at the alarm by an earlier run, then paid a minute before the consumer sends it.
    const early = await stub.wake(A.franchiseId, customerId, new Date(alarm!).toISOString(), { enqueue: false });
    expect(early.enqueued.map((m) => m.stepId)).toEqual(["d1"]);
    const paid = await callJson("POST", "/v1/payments", { body: { customerId, currency: "EUR", amount: invoice.total, allocations: [{ invoiceId: invoice.id, amount: invoice.total }] } });
    expect(paid.status).toBe(201);
    expect(await deliverReminder(env, early.enqueued[0]!, new Date(alarm! + 60_000))).toEqual({ kind: "suppressed", detail: "invoice_paid" });
    // And the DO, woken by the payment, has nothing left to send: no alarm.
    await stub.wake(A.franchiseId, customerId, new Date(alarm! - 60_000).toISOString(), { enqueue: false });
    expect(await stub.nextAlarm()).toBeNull();
    const records = await sentRecords(customerId);
    expect(records.map((r) => r.kind)).toEqual(["suppressed"]);
    expect(records[0].reason).toBe("invoice_paid");
  });

  it("a permanent SMS failure (Twilio 21211) marks the channel unreachable and falls through to email", async () => {
    const email = `fall-${Date.now()}@example.es`;
    const customerId = await createCustomer({ name: "Sim Fall", language: "en", channels: { sms: { address: "+15005550001", consent: "granted" }, email: { address: email, consent: "granted" } } });
    await callJson("PUT", `/v1/customers/${customerId}/dunning-profile`, { body: { preferredChannels: ["sms", "email"], doNotContact: false } });
    await overdueInvoice(customerId, 0);
    expect(await simulate(customerId, 3)).toEqual(["d1:sent"]);
    const records = await sentRecords(customerId);
    // Same instant: order by kind. The re-run alarm records nothing more for a step day it queued.
    expect(records.map((r) => [r.kind, r.channel, r.reason?.split(":")[0] ?? null]).sort()).toEqual([["failed", "sms", "permanent"], ["sent", "email", null]]);
    const profile = await callJson("GET", `/v1/customers/${customerId}/dunning-profile`);
    expect(profile.body.unreachable.sms).toBeTruthy();
  });

  it("a transient 429 is retried with backoff through the queue, then sent once", async () => {
    const email = `retry-${Date.now()}@example.es`;
    const customerId = await createCustomer({ name: "Sim Retry", language: "en", channels: { email: { address: email, consent: "granted" } } });
    await overdueInvoice(customerId, 0);
    const stub = customerDunningStub(env, A.franchiseId, customerId);
    const at = `${addDays(today(), 1)}T20:00:00.000Z`;
    const run = await stub.wake(A.franchiseId, customerId, at, { enqueue: false });
    expect(run.enqueued).toHaveLength(1);
    await fetch(`${env.RESEND_BASE_URL}/_fake/faults`, { method: "POST", body: JSON.stringify({ status: 429, count: 1 }) });
    const deliverOnce = async (id: string) => {
      const batch = createMessageBatch("reminders", [{ id, timestamp: new Date(), attempts: 1, body: run.enqueued[0] }]);
      const ctx = createExecutionContext();
      await worker.queue(batch, env, ctx);
      return getQueueResult(batch, ctx);
    };
    const first = await deliverOnce("m1");
    expect(first.retryMessages.map((m) => m.msgId)).toEqual(["m1"]);
    const second = await deliverOnce("m1");
    expect(second.explicitAcks).toEqual(["m1"]);
    const third = await deliverOnce("m1");
    expect(third.explicitAcks).toEqual(["m1"]);
    expect(await fakeRequests(env.RESEND_BASE_URL, (r) => r.body.to?.[0] === email)).toHaveLength(1);
  });
});

// The 120-day version on a generated population (franchise B, so the cadences above stay A's):
// the real cron sweep wakes every DO at 06:00Z each simulated day, each DO's next alarm is
// followed to the minute, events (payments, disputes, opt-outs, promises) land at their instant
// and wake the customer's DO as the outbox subscriber does, and every due send goes through the
// reminders consumer to the fake providers. The outcome must equal the pure planner's schedule
// over the whole history, and independently break none of the rules.
describe("dunning over 120 simulated days on a generated population", () => {
  const DAYS = 120;
  // DUNNING_SIM_CUSTOMERS=300 npx vitest run test/worker/dunning-execution.test.ts for a larger population.
  const N = Number((env as unknown as { DUNNING_SIM_CUSTOMERS?: string }).DUNNING_SIM_CUSTOMERS) || 60;
  // The cron is the safety net (customers newly overdue, nothing due within a DO's horizon); the
  // alarms do the sending. Firing it every few simulated days keeps the run near a minute on a
  // loaded 2-core machine (each DO wake costs ~40 ms there) and still exercises it: a DO must
  // not depend on a daily wake to send on time.
  const CRON_EVERY_DAYS = 5;
  const seed = Number((env as unknown as { FUZZ_SEED?: string }).FUZZ_SEED) || 7_120;
  const logger = createLogger("error");

  it(`${N} customers across ${TIMEZONES.length} timezones get exactly the planned messages, none forbidden, none twice`, async () => {
    const r = rngOf(seed);
    const start = Date.parse(`${today()}T06:00:00Z`);
    const end = start + DAYS * DAY;
    await callJson("PUT", "/v1/dunning/settings", { key: B.key, body: { buckets: DEFAULT_BUCKETS, holidays: { "*": [addDays(today(), 24), addDays(today(), 53)] } } });
    const cadences: Record<string, Cadence> = {};
    for (const segment of ["consumer", "smb", "enterprise"]) {
      const created = await callJson("POST", "/v1/dunning/cadences", { key: B.key, body: randomCadence(r, segment) });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      cadences[segment] = { ...created.body, id: created.body.id, version: created.body.version };
    }
    const customers = population(r, N, addDays(today(), 4), "sim");
    await insertPopulation(B.franchiseId, B.london, customers, new Date(start - DAY).toISOString());
    let events = randomEvents(r, customers, start, end);
    const calendar = { holidays: [addDays(today(), 24), addDays(today(), 53)] };
    const schedule = (i: number) => plan(expectedState(customers[i]!, events, i, PAYMENT_LINK_BASE), cadences[customers[i]!.segment]!, calendar, addDays(today(), -1), addDays(today(), DAYS + 1), DEFAULT_BUCKETS);
    // A payment one minute before a planned reminder: for customers without other payments, pay everything then.
    const payBefore: Array<{ customer: number; key: string }> = [];
    for (let i = 0; i < N && payBefore.length < Math.max(4, N / 10); i++) {
      if (events.some((e) => e.customer === i && e.type === "pay")) continue;
      const target = schedule(i).messages.find((m) => m.status === "send" && Date.parse(m.at) > start + 3 * DAY);
      if (!target) continue;
      events.push({ at: Date.parse(target.at) - 60_000, type: "pay", customer: i, invoices: customers[i]!.invoices.map((inv) => inv.id) });
      payBefore.push({ customer: i, key: idempotencyKey(customers[i]!.id, target.stepId, target.localDate) });
    }
    events = events.sort((a, b) => a.at - b.at);
    expect(payBefore.length).toBeGreaterThanOrEqual(3);

    const index = new Map(customers.map((c, i) => [c.id, i]));
    const alarms = new Map<number, number>();
    const follow = (i: number, nextAt: string | null) => (nextAt === null ? alarms.delete(i) : alarms.set(i, Date.parse(nextAt)));
    const stubOf = (i: number) => customerDunningStub(env, B.franchiseId, customers[i]!.id);
    let redeliveries = 0;
    const deliver = async (messages: ReminderMessage[], at: number) => {
      const mine = messages.filter((m) => index.has(m.customerId));
      if (mine.length === 0) return;
      const batch = createMessageBatch("reminders", mine.map((body) => ({ id: body.key, timestamp: new Date(at), attempts: 1, body })));
      const ctx = createExecutionContext();
      await consumeReminders(batch, env, logger, () => new Date(at));
      const result = await getQueueResult(batch, ctx);
      expect(result.retryMessages).toEqual([]);
      // At-least-once: the same batch again a minute later sends nothing.
      if (r() < 0.3) {
        redeliveries++;
        for (const m of mine) expect((await deliverReminder(env, m, new Date(at + 60_000))).kind).toMatch(/duplicate|suppressed/);
      }
    };
    const wake = async (i: number, at: number) => {
      const run = await stubOf(i).wake(B.franchiseId, customers[i]!.id, new Date(at).toISOString(), { enqueue: false });
      follow(i, run.nextAt);
      await deliver(run.enqueued, at);
      return run;
    };

    let nextEvent = 0;
    let alarmRuns = 0;
    for (let d = 0; d < DAYS; d++) {
      const cron = start + d * DAY;
      const collected: ReminderMessage[] = [];
      if (d % CRON_EVERY_DAYS === 0) await sweepDunning(env, logger, new Date(cron), {
        enqueue: false,
        onWake: (c, outcome) => {
          const i = index.get(c.customerId);
          if (i === undefined) return;
          follow(i, outcome.nextAt);
          collected.push(...outcome.enqueued);
        },
      });
      await deliver(collected, cron);
      // Until the next cron: events and alarms in time order (an event first on a tie: it happened).
      for (;;) {
        let alarmAt = Number.POSITIVE_INFINITY;
        let who = -1;
        for (const [i, t] of alarms) if (t < alarmAt) [alarmAt, who] = [t, i];
        const event = events[nextEvent];
        const eventAt = event?.at ?? Number.POSITIVE_INFINITY;
        if (Math.min(alarmAt, eventAt) >= cron + DAY) break;
        if (event && eventAt <= alarmAt) {
          nextEvent++;
          await applyEvent(B.franchiseId, customers, event);
          await wake(event.customer, event.at);
          continue;
        }
        alarmRuns++;
        const run = await wake(who, alarmAt);
        // A repeated alarm (at-least-once) finds nothing more to do.
        if (r() < 0.25) expect((await stubOf(who).wake(B.franchiseId, customers[who]!.id, new Date(alarmAt).toISOString(), { enqueue: false })).enqueued).toEqual([]);
        if (run.nextAt !== null && Date.parse(run.nextAt) <= alarmAt) throw new Error("an alarm that does not move forward");
      }
    }

    // What was sent, from the history (the key names the customer, step and local date).
    const rows = (await env.DB.prepare("SELECT customer_id, kind, channel, step_id, idempotency_key, invoice_ids, occurred_at, address FROM communications WHERE franchise_id = ? AND kind = 'sent'").bind(B.franchiseId).all<any>()).results;
    const sent = new Map<string, any[]>();
    for (const row of rows) sent.set(row.customer_id, [...(sent.get(row.customer_id) ?? []), row]);
    let total = 0;
    const reasons = new Map<string, number>();
    customers.forEach((c, i) => {
      const planned = schedule(i).messages.filter((m) => Date.parse(m.at) >= start && Date.parse(m.at) < end);
      for (const m of planned) if (m.status === "suppressed") reasons.set(m.reason!, (reasons.get(m.reason!) ?? 0) + 1);
      const expected = planned.filter((m) => m.status === "send").map((m) => `${idempotencyKey(c.id, m.stepId, m.localDate)} ${m.channel}`).sort();
      const actual = (sent.get(c.id) ?? []).map((row) => `${row.idempotency_key} ${row.channel}`).sort();
      expect(actual, `customer ${i} (${c.timezone}, ${c.segment})`).toEqual(expected);
      total += actual.length;
    });
    expect(total).toBeGreaterThan(N);
    // Every suppression rule was exercised by the population.
    for (const reason of ["invoice_paid", "invoice_disputed", "promise_to_pay", "do_not_contact", "opted_out", "weekly_cap"]) expect(reasons.get(reason) ?? 0, reason).toBeGreaterThan(0);

    // The rules, checked on what went out (independently of the planner).
    for (const row of rows) {
      const i = index.get(row.customer_id)!;
      const c = customers[i]!;
      const cadence = cadences[c.segment]!;
      const at = Date.parse(row.occurred_at);
      const local = localPartsAt(at, c.timezone);
      expect(local.minuteOfDay >= cadence.suppression.windowStartMinute && local.minuteOfDay < cadence.suppression.windowEndMinute, `quiet hours ${row.idempotency_key}`).toBe(true);
      expect(c.doNotContact).toBe(false);
      const mine = events.filter((e) => e.customer === i && e.at <= at);
      const optedOut = mine.filter((e) => (e.type === "opt_out" || e.type === "opt_in") && e.channel === row.channel).at(-1)?.type === "opt_out";
      expect(optedOut, `opted out ${row.idempotency_key}`).toBe(false);
      for (const id of JSON.parse(row.invoice_ids) as string[]) {
        expect(mine.some((e) => e.type === "pay" && e.invoices.includes(id)), `paid ${id}`).toBe(false);
        const dispute = mine.find((e) => e.type === "dispute" && e.invoice === id) as { id: string } | undefined;
        expect(dispute === undefined || mine.some((e) => e.type === "resolve" && e.id === dispute.id), `disputed ${id}`).toBe(true);
      }
      const week = (sent.get(row.customer_id) ?? []).filter((o) => Date.parse(o.occurred_at) <= at && Date.parse(o.occurred_at) > at - 7 * DAY);
      expect(week.length, `weekly cap ${row.idempotency_key}`).toBeLessThanOrEqual(cadence.suppression.weeklyCap);
    }
    // Each send reached its provider exactly once (the fakes record every accepted request).
    const byAddress = new Map<string, number>();
    for (const row of rows) byAddress.set(row.address, (byAddress.get(row.address) ?? 0) + 1);
    const recorded = new Map<string, number>();
    for (const [base, addressOf] of [[env.RESEND_BASE_URL, (b: any) => b.to?.[0]], [env.TWILIO_BASE_URL, (b: any) => b.To], [env.WHATSAPP_BASE_URL, (b: any) => `+${b.to}`]] as const) {
      for (const req of await fakeRequests(base, () => true)) {
        const address = addressOf(req.body);
        if (byAddress.has(address)) recorded.set(address, (recorded.get(address) ?? 0) + 1);
      }
    }
    expect(recorded).toEqual(byAddress);
    // The payment a minute before cancelled the reminder.
    for (const p of payBefore) expect(rows.some((row) => row.idempotency_key === p.key)).toBe(false);
    expect(alarmRuns).toBeGreaterThan(N);
    expect(redeliveries).toBeGreaterThan(0);
  }, 240_000);
});
