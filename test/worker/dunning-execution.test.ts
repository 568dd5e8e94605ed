// Dunning execution on a simulated clock: the CustomerDunning DO plans and sets its alarm, the
// reminders consumer re-checks and sends through the fake providers. Over 40 days the customer
// gets exactly what the cadence prescribes; re-run alarms and redelivered messages send nothing
// twice; a payment one minute before a reminder cancels it; a permanent SMS failure falls
// through to email.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { customerDunningStub } from "../../durable-objects/customer-dunning.ts";
import { deliverReminder } from "../../queues/reminders.ts";
import { addDays } from "../../workers/domain/dates.ts";
import worker from "../../workers/index.ts";
import { CADENCE, overdueInvoice, today } from "./dunning-fixtures.ts";
import { A, callJson, createCustomer, seedFixtures } from "./fixtures.ts";

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
