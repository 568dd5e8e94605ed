// The daily sweep at scale: it fans out one `wake` per overdue customer on the dunning-wakes queue
// (sendBatch within the queue's limits), the consumer wakes each customer's CustomerDunning DO
// once from a bulk read, each DO queues its one due send, and the real reminders queue delivers
// it to the fake email provider. Every customer is woken once and messaged once; redelivering
// every wake batch (at-least-once) sends nothing twice.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { consumeDunningWakes } from "../../queues/dunning-wakes.ts";
import { consumeReminders, deliverReminder } from "../../queues/reminders.ts";
import { idempotencyKey } from "../../workers/domain/dunning/planner.ts";
import { sweepDunning } from "../../workers/dunning/sweep.ts";
import type { WakeMessage } from "../../workers/dunning/wake-message.ts";
import { createLogger } from "../../workers/observability/logger.ts";
import { B, seedFixtures } from "./fixtures.ts";

// 2,000 passes too (~180 s on the loaded 2-core box); 1,000 keeps the file near a minute and a half.
const N = 1_000;
const DAY = 86_400_000;
const logger = createLogger("error");
const now = new Date();
const todayUtc = now.toISOString().slice(0, 10);
const cid = (i: number) => `cus_0000000000000000fo${String(i).padStart(6, "0")}`;
const suffix = "@fanout.example";

/** N customers of franchise B, each with one invoice due yesterday and the day-1 step due today (any hour, UTC). */
async function insertOverdue() {
  const created = new Date(now.getTime() - 40 * DAY).toISOString();
  const due = new Date(Date.parse(`${todayUtc}T00:00:00Z`) - DAY).toISOString().slice(0, 10);
  const issue = new Date(Date.parse(`${due}T00:00:00Z`) - 30 * DAY).toISOString().slice(0, 10);
  const definition = {
    defaultLanguage: "en",
    steps: [{ id: "d1", trigger: { type: "days_after_due", days: 1 }, channels: ["email"], templates: { en: { subject: "Overdue", body: "{{customerName}}: {{amountDue}} ({{invoiceNumbers}})" } }, escalations: [] }],
    suppression: { windowStartMinute: 0, windowEndMinute: 1440, sendAtMinute: 0, minGapHours: 24, weeklyCap: 3, minAmount: 0 },
  };
  const seq = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${N})`;
  const id = "'cus_0000000000000000fo' || printf('%06d', i)";
  await env.DB.batch([
    env.DB.prepare("INSERT INTO dunning_cadences (id, franchise_id, name, segments, version, status, created_at, updated_at) VALUES ('cad_00000000000000000000fanout', ?, 'Fan-out', '[\"fanout\"]', 1, 'active', ?, ?)").bind(B.franchiseId, created, created),
    env.DB.prepare("INSERT INTO dunning_cadence_versions (franchise_id, cadence_id, version, definition, created_at, created_by) VALUES (?, 'cad_00000000000000000000fanout', 1, ?, ?, 'system:test')").bind(B.franchiseId, JSON.stringify(definition), created),
    env.DB.prepare(`${seq} INSERT INTO customers (id, franchise_id, home_branch_id, name, email, segment, language, timezone, status, version, created_at, updated_at) SELECT ${id}, ?1, ?2, 'Fan-out ' || i, 'fo-' || i || '${suffix}', 'fanout', 'en', 'UTC', 'active', 1, ?3, ?3 FROM n`).bind(B.franchiseId, B.london, created),
    env.DB.prepare(`${seq} INSERT INTO customer_channels (franchise_id, customer_id, channel, address, consent, consent_at, opted_out_at, updated_at) SELECT ?1, ${id}, 'email', 'fo-' || i || '${suffix}', 'granted', ?2, NULL, ?2 FROM n`).bind(B.franchiseId, created),
    env.DB.prepare(
      `${seq} INSERT INTO invoices (id, franchise_id, branch_id, customer_id, seq, number, status, currency, issue_date, due_date, due_in_days, subtotal, tax_total, total, amount_paid, amount_credited, tax_breakdown, version, created_at, updated_at, issued_at) SELECT 'inv_0000000000000000fo' || printf('%06d', i), ?1, ?2, ${id}, 7000000 + i, 'FO-' || printf('%06d', i), 'issued', 'GBP', ?3, ?4, 30, 10000, 0, 10000, 0, 0, '[]', 1, ?5, ?5, ?5 FROM n`,
    ).bind(B.franchiseId, B.london, issue, due, created),
  ]);
}

async function fakeEmailsTo(): Promise<string[]> {
  const { data } = (await (await fetch(`${env.RESEND_BASE_URL}/_fake/requests`)).json()) as { data: Array<{ body: { to?: string[] } }> };
  return data.flatMap((r) => r.body?.to ?? []).filter((to) => to.endsWith(suffix));
}

async function sentRows(): Promise<Array<{ customer_id: string; idempotency_key: string }>> {
  return (await env.DB.prepare("SELECT customer_id, idempotency_key FROM communications WHERE franchise_id = ? AND kind = 'sent' AND customer_id LIKE 'cus_0000000000000000fo%'").bind(B.franchiseId).all<any>()).results;
}

/**
 * The wakes, delivered as the queue would: batches of at most 100 (the consumer's max_batch_size),
 * to the dunning-wakes consumer, or to the reminders consumer (a wake replayed from reminders-dlq).
 */
async function deliverWakes(wakes: WakeMessage[], attempts: number, queue: "dunning-wakes" | "reminders" = "dunning-wakes") {
  for (let i = 0; i < wakes.length; i += 100) {
    const batch = createMessageBatch(queue, wakes.slice(i, i + 100).map((body, k) => ({ id: `wake-${i + k}-${attempts}`, timestamp: new Date(), attempts, body })));
    const ctx = createExecutionContext();
    await (queue === "reminders" ? consumeReminders(batch, env, logger) : consumeDunningWakes(batch, env, logger));
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks.length).toBe(Math.min(100, wakes.length - i));
  }
}

beforeAll(async () => {
  await seedFixtures();
  await insertOverdue();
});

describe("daily dunning sweep fan-out", () => {
  it(`wakes each of ${N} overdue customers once through the queue and sends each one message, and a redelivery sends nothing twice`, async () => {
    // The sweep's sendBatch calls on the wake queue, captured (the test delivers them, and again, to the consumers).
    const calls: Array<MessageSendRequest<WakeMessage>[]> = [];
    const reminderSends: unknown[] = [];
    const sweepEnv = {
      ...env,
      DUNNING_WAKES: { sendBatch: async (messages: MessageSendRequest<WakeMessage>[]) => void calls.push(messages) },
      REMINDERS: { send: async (m: unknown) => void reminderSends.push(m), sendBatch: async (m: unknown[]) => void reminderSends.push(...m) },
    } as unknown as Env;
    const swept = await sweepDunning(sweepEnv, logger, now);
    const wakes = calls.flat().map((m) => m.body);
    for (const call of calls) {
      expect(call.length).toBeLessThanOrEqual(100);
      expect(new TextEncoder().encode(JSON.stringify(call)).length).toBeLessThan(256 * 1024);
    }
    expect(swept.wakesQueued).toBe(wakes.length);
    expect(swept.customers).toBe(wakes.length);
    expect(swept.enqueued).toBe(0);
    // Wakes go only to the wake queue: nothing of the sweep's lands on the reminders queue ahead of the sends.
    expect(reminderSends).toEqual([]);
    const mine = wakes.filter((w) => w.customerId.startsWith("cus_0000000000000000fo"));
    expect(mine.every((w) => w.kind === "wake" && w.franchiseId === B.franchiseId)).toBe(true);
    // Each customer exactly once.
    expect(new Set(mine.map((w) => w.customerId)).size).toBe(N);
    expect(mine.length).toBe(N);

    await deliverWakes(wakes, 1);
    // Each DO queued its send on the real reminders queue; its consumer sends to the fake.
    await vi.waitFor(async () => expect((await sentRows()).length).toBe(N), { timeout: 150_000, interval: 1_000 });
    const rows = await sentRows();
    expect(new Set(rows.map((r) => r.customer_id)).size).toBe(N);
    const expectedKey = idempotencyKey(cid(1), "d1", todayUtc);
    expect(rows.some((r) => r.idempotency_key === expectedKey)).toBe(true);
    const emails = await fakeEmailsTo();
    expect(emails.length).toBe(N);
    expect(new Set(emails).size).toBe(N);

    // At-least-once: every wake batch again (on the wake queue, and as replayed onto the
    // reminders queue from reminders-dlq), and a send message again, change nothing.
    await deliverWakes(wakes, 2);
    await deliverWakes(wakes, 3, "reminders");
    const redelivered = await deliverReminder(env, { kind: "send", franchiseId: B.franchiseId, customerId: cid(1), key: expectedKey, stepId: "d1", localDate: todayUtc, cadenceId: "cad_00000000000000000000fanout", cadenceVersion: 1 }, new Date());
    expect(redelivered.kind).toBe("duplicate");
    // Give anything wrongly queued by the second wake time to arrive, then recount.
    await new Promise((r) => setTimeout(r, 5_000));
    expect((await sentRows()).length).toBe(N);
    expect((await fakeEmailsTo()).length).toBe(N);
  }, 300_000);
});
