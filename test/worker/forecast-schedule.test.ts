// Scheduled retraining (issue 12): the daily cron queues one model-training job per franchise
// whose models are due, through the Worker's scheduled handler and the real queue consumer, and
// the accuracy API then describes the new run. Freshness rules: never trained (with invoices),
// a week old, or 100 invoices issued since; a franchise without invoices is left alone.
import { env } from "cloudflare:workers";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../workers/index.ts";
import type { ModelTrainingMessage } from "../../queues/model-training.ts";
import { FORECAST_RETRAIN_CRON, RETRAIN_ACTOR, scheduleRetraining } from "../../workers/forecast/retrain-cron.ts";
import { createLogger } from "../../workers/observability/logger.ts";
import { A, B, callJson, createCustomer, seedFixtures } from "./fixtures.ts";

const DAY = 86_400_000;
const logger = createLogger("error");
const pad = (n: number) => String(n).padStart(26, "0");
let customerId = "";
let seq = 0;

/** `count` issued invoices of `franchiseId`, issued at `issuedAt` (direct rows: the cron only counts them). */
async function issuedInvoices(franchiseId: string, branchId: string, customer: string, count: number, issuedAt: Date) {
  const statements: D1PreparedStatement[] = [];
  const day = issuedAt.toISOString().slice(0, 10);
  for (let i = 0; i < count; i++) {
    seq++;
    statements.push(
      env.DB.prepare(
        `INSERT INTO invoices (id, franchise_id, branch_id, customer_id, seq, number, status, currency, issue_date, due_date, subtotal, tax_total, total, tax_breakdown, created_at, updated_at, issued_at)
         VALUES (?, ?, ?, ?, ?, ?, 'issued', 'EUR', ?, ?, 5000, 0, 5000, '[]', ?, ?, ?)`,
      ).bind(
        `inv_${pad(seq)}`,
        franchiseId,
        branchId,
        customer,
        5000 + seq,
        `S-${5000 + seq}`,
        day,
        day,
        issuedAt.toISOString(),
        issuedAt.toISOString(),
        issuedAt.toISOString(),
      ),
    );
  }
  for (let i = 0; i < statements.length; i += 50) await env.DB.batch(statements.slice(i, i + 50));
}

function recorder() {
  const batches: ModelTrainingMessage[][] = [];
  return { batches, send: async (messages: { body: ModelTrainingMessage }[]) => void batches.push(messages.map((m) => m.body)) };
}

beforeAll(async () => {
  await seedFixtures();
  customerId = await createCustomer({ name: "Cron Customer" });
  await issuedInvoices(A.franchiseId, A.madrid, customerId, 30, new Date(Date.now() - 40 * DAY));
});

describe("the retraining cron", () => {
  it("trains a never-trained franchise through the scheduled handler and the queue, then again after 100 new invoices (not 99) or a week; the accuracy API shows each run", async () => {
    expect((await callJson("GET", "/v1/analytics/forecast/accuracy")).body.trainedAt).toBeNull();
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: FORECAST_RETRAIN_CRON, scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    await vi.waitUntil(async () => (await callJson("GET", "/v1/analytics/forecast/accuracy")).body.trainedAt !== null, { timeout: 30_000, interval: 200 });
    const acc = (await callJson("GET", "/v1/analytics/forecast/accuracy")).body;
    expect(acc.trainedBy).toBe(RETRAIN_ACTOR);
    expect(acc.forecast.currency).toBe("EUR");
    // B has no invoices: nothing to learn from, nothing queued.
    expect((await callJson("GET", "/v1/analytics/forecast/accuracy", { key: B.key })).body.runId).toBeNull();

    // Fresh models are left alone; 100 invoices issued since (not 99) or a week's age retrain.
    const first = (await callJson("GET", "/v1/analytics/forecast/accuracy")).body;
    const now = new Date(Date.parse(first.trainedAt) + 60_000);
    let rec = recorder();
    expect(await scheduleRetraining(env, logger, now, { send: rec.send })).toEqual([]);
    expect(rec.batches).toEqual([]);

    // Issued after the run (strictly later than its trained_at) and before the next one.
    const afterRun = () => new Date(Math.max(Date.now(), Date.parse(first.trainedAt) + 1));
    await issuedInvoices(A.franchiseId, A.madrid, customerId, 99, afterRun());
    expect(await scheduleRetraining(env, logger, now, { send: rec.send })).toEqual([]);
    await issuedInvoices(A.franchiseId, A.madrid, customerId, 1, afterRun());
    rec = recorder();
    expect(await scheduleRetraining(env, logger, now, { send: rec.send })).toEqual([{ franchiseId: A.franchiseId, reason: "new_invoices" }]);
    expect(rec.batches).toEqual([[{ franchiseId: A.franchiseId, requestedBy: RETRAIN_ACTOR, requestedAt: now.toISOString(), reason: "new_invoices" }]]);

    // The real handler queues it and the consumer retrains: a new run, recomputed accuracy.
    const ctx2 = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: FORECAST_RETRAIN_CRON, scheduledTime: Date.now() }), env, ctx2);
    await waitOnExecutionContext(ctx2);
    await vi.waitUntil(async () => (await callJson("GET", "/v1/analytics/forecast/accuracy")).body.runId !== first.runId, { timeout: 30_000, interval: 200 });
    const second = (await callJson("GET", "/v1/analytics/forecast/accuracy")).body;
    expect(second.trainedAt > first.trainedAt).toBe(true);
    expect(second.trainedBy).toBe(RETRAIN_ACTOR);

    rec = recorder();
    const later = Date.parse(second.trainedAt);
    expect(await scheduleRetraining(env, logger, new Date(later + 6 * DAY), { send: rec.send })).toEqual([]);
    expect(await scheduleRetraining(env, logger, new Date(later + 7 * DAY), { send: rec.send })).toEqual([{ franchiseId: A.franchiseId, reason: "stale" }]);
  });

  it("queues 250 due franchises in sendBatch calls of at most 100 messages, each franchise once", async () => {
    const ids: string[] = [];
    const rows: D1PreparedStatement[] = [];
    for (let i = 0; i < 250; i++) {
      const id = `frn_${pad(900_000 + i)}`;
      ids.push(id);
      rows.push(env.DB.prepare("INSERT INTO franchises (id, name, created_at) VALUES (?, ?, ?)").bind(id, `Bulk ${i}`, new Date().toISOString()));
      rows.push(
        env.DB.prepare(
          "INSERT INTO branches (id, franchise_id, code, name, timezone, currency, jurisdiction, created_at) VALUES (?, ?, 'HQ', 'HQ', 'Europe/Madrid', 'EUR', 'ES', ?)",
        ).bind(`br_${pad(900_000 + i)}`, id, new Date().toISOString()),
      );
    }
    for (let i = 0; i < rows.length; i += 100) await env.DB.batch(rows.slice(i, i + 100));
    const cust: D1PreparedStatement[] = [];
    for (let i = 0; i < 250; i++)
      cust.push(
        env.DB.prepare(
          "INSERT INTO customers (id, franchise_id, name, segment, language, timezone, created_at, updated_at) VALUES (?, ?, ?, 'smb', 'es', 'Europe/Madrid', ?, ?)",
        ).bind(`cus_${pad(900_000 + i)}`, ids[i]!, `Bulk customer ${i}`, new Date().toISOString(), new Date().toISOString()),
      );
    for (let i = 0; i < cust.length; i += 100) await env.DB.batch(cust.slice(i, i + 100));
    for (let i = 0; i < 250; i++) await issuedInvoices(ids[i]!, `br_${pad(900_000 + i)}`, `cus_${pad(900_000 + i)}`, 1, new Date(Date.now() - DAY));
    const rec = recorder();
    const queued = await scheduleRetraining(env, logger, new Date(), { send: rec.send });
    const bulk = queued.filter((q) => q.franchiseId.startsWith("frn_"));
    expect(bulk.map((q) => q.franchiseId)).toEqual(ids);
    expect(bulk.every((q) => q.reason === "never_trained")).toBe(true);
    expect(queued.some((q) => q.franchiseId === B.franchiseId)).toBe(false);
    // Full batches of 100, then the rest; every queued franchise sent exactly once.
    const sizes = rec.batches.map((b) => b.length);
    expect(sizes.slice(0, -1).every((n) => n === 100)).toBe(true);
    expect(sizes.at(-1)).toBeLessThanOrEqual(100);
    expect(sizes.length).toBe(Math.ceil(queued.length / 100));
    expect(rec.batches.flat().map((m) => m.franchiseId)).toEqual(queued.map((q) => q.franchiseId));
  });
});
