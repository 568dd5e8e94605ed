// The BI tables of dunning and ERP sync, from the real paths: reminders planned by the
// CustomerDunning DO and sent by the reminders consumer through the fake providers over three
// simulated days from today, a provider delivery callback, an opt-out and a payment after a reminder;
// invoices and payments synced to the fake Xero through the subscriber and the erp-sync consumer,
// with a failure fixed and retried. Each day is exported through the bi-export consumer and the
// rows (pull API and Parquet) equal what the communications and integration APIs report.
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { parquetReadObjects } from "hyparquet";
import { beforeAll, describe, expect, it } from "vitest";
import { customerDunningStub } from "../../durable-objects/customer-dunning.ts";
import { deliverReminder } from "../../queues/reminders.ts";
import { billingContext } from "../../workers/billing/context.ts";
import { recordDeliveryStatus } from "../../workers/billing/dunning/inbound.ts";
import { recordPayment } from "../../workers/billing/payments.ts";
import { fixedClock } from "../../workers/domain/clock.ts";
import { addDays } from "../../workers/domain/dates.ts";
import { SUPPRESSION_REASONS } from "../../workers/domain/dunning/planner.ts";
import { envelopeOf, type OutboxRow } from "../../workers/events/envelope.ts";
import worker from "../../workers/index.ts";
import { CADENCE, overdueInvoice } from "./dunning-fixtures.ts";
import { A, call, callJson, createCustomer, createDraft, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

const DAY = 86_400_000;
const utcToday = () => new Date().toISOString().slice(0, 10);
let admin: string;

async function queue(name: string, bodies: unknown[]) {
  for (let i = 0; i < bodies.length; i += 25) {
    const batch = createMessageBatch(name, bodies.slice(i, i + 25).map((body, j) => ({ id: `${name}-${Date.now()}-${i + j}-${Math.random()}`, attempts: 1, timestamp: new Date(), body })));
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await getQueueResult(batch, ctx)).retryMessages).toEqual([]);
  }
}

async function exportDay(date: string) {
  const queued = await callJson("POST", "/v1/bi/exports", { key: admin, body: { date } });
  expect(queued.status).toBe(202);
  await queue("bi-export", [{ exportId: queued.body.id, franchiseId: A.franchiseId, date }]);
  expect((await callJson("GET", `/v1/bi/exports/${queued.body.id}`, { key: admin })).body.status).toBe("done");
}

async function pullAll(table: string, since: string): Promise<any[]> {
  const rows: any[] = [];
  let cursor: string | null = null;
  do {
    const page: any = await callJson("GET", `/v1/bi/${table}?since=${since}&limit=200${cursor ? `&cursor=${cursor}` : ""}`);
    expect(page.status).toBe(200);
    rows.push(...page.body.data);
    cursor = page.body.nextCursor;
  } while (cursor);
  return rows;
}

async function parquetRows(table: string, date: string): Promise<any[]> {
  const manifest = (await callJson("GET", "/v1/bi/manifest")).body;
  const file = manifest.tables.find((t: any) => t.table === table).partitions.find((p: any) => p.dt === date).files.find((f: any) => f.format === "parquet");
  const url = new URL(file.url);
  return (await parquetReadObjects({ file: await (await call("GET", `${url.pathname}${url.search}`, { key: null })).arrayBuffer() })) as any[];
}

// ---- dunning -------------------------------------------------------------------------------

const dunningCustomers: string[] = [];
let payDay = "";
let paidAmount = 0;

/** Runs the DO and the reminders consumer over `days` simulated days from `start` (06:00Z each). */
async function simulate(customerId: string, start: number, days: number) {
  const stub = customerDunningStub(env, A.franchiseId, customerId);
  for (let d = 0; d < days; d++) {
    const cron = new Date(start + d * DAY);
    await stub.wake(A.franchiseId, customerId, cron.toISOString(), { enqueue: false });
    for (let guard = 0; guard < 5; guard++) {
      const alarm = await stub.nextAlarm();
      if (alarm === null || alarm >= cron.getTime() + DAY) break;
      const run = await stub.wake(A.franchiseId, customerId, new Date(alarm).toISOString(), { enqueue: false });
      for (const m of run.enqueued) await deliverReminder(env, m, new Date(alarm));
    }
  }
}

async function seedDunning() {
  expect((await callJson("POST", "/v1/dunning/cadences", { body: CADENCE })).status).toBe(201);
  const withEmail = (name: string) => ({ name, language: "en", homeBranchId: A.madrid, channels: { email: { address: `${name.replace(/\W/g, "").toLowerCase()}-${Date.now()}@example.es`, consent: "granted" } } });
  const escalated = await createCustomer(withEmail("Escalated SL")); // 29 days overdue: enters 31-60 (formal notice) in the window
  const emailed = await createCustomer({ ...withEmail("Emailed SL"), channels: { ...withEmail("x").channels, sms: { address: "+34600111001", consent: "granted" } } });
  const texted = await createCustomer({ name: "Texted SL", language: "en", homeBranchId: A.madrid, channels: { sms: { address: "+34600111002", consent: "granted" } } });
  const optedOut = await createCustomer(withEmail("Opted Out SL"));
  dunningCustomers.push(escalated, emailed, texted, optedOut);
  // Issued oldest first: numbering is chronological.
  await overdueInvoice(escalated, 29);
  const invoices = [];
  for (const c of [emailed, texted, optedOut]) invoices.push(await overdueInvoice(c, 0));
  expect((await callJson("POST", `/v1/customers/${optedOut}/opt-outs`, { body: { channel: "email" } })).status).toBeLessThan(300);
  // From today on: cadences and consents hold from when they were made, so the simulated days are today's and the next ones.
  const start = Date.parse(`${utcToday()}T06:00:00Z`);
  for (const c of dunningCustomers) await simulate(c, start, 3);
  // The provider reports the email delivered; then the customer pays, a day after the reminder went out
  // (recorded through the payments use case on the simulated clock: the API refuses a future receivedAt).
  const sent = (await callJson("GET", `/v1/customers/${emailed}/communications?limit=200`)).body.data.find((r: any) => r.kind === "sent");
  expect(sent).toBeDefined();
  expect(await recordDeliveryStatus(env, sent.providerMessageId, "delivered", null)).toBe(true);
  payDay = addDays(sent.occurredAt.slice(0, 10), 1);
  paidAmount = invoices[0].total;
  const at = `${payDay}T12:00:00.000Z`;
  await recordPayment(billingContext(env, A.franchiseId, fixedClock(at), "staff:test"), { customerId: emailed, currency: "EUR", amount: paidAmount, method: "card", receivedAt: at, allocations: [{ invoiceId: invoices[0].id, amount: paidAmount }] });
}

const COUNTED: Record<string, string> = { sent: "sent", delivered: "delivered", failed: "failed", suppressed: "suppressed", opt_out: "opt_outs", opt_in: "opt_ins", escalation: "escalations_opened" };

/** The dunning_kpis rows the communications API implies (every customer here is Madrid's, in EUR). */
function expectedKpis(history: any[]): Map<string, Record<string, unknown>> {
  const rows = new Map<string, Record<string, unknown>>();
  for (const h of history) {
    const col = COUNTED[h.kind];
    if (!col) continue;
    const dt = h.occurredAt.slice(0, 10);
    const key = `${dt}|${h.channel}`;
    const row: Record<string, unknown> = rows.get(key) ?? { dt, sent: 0, delivered: 0, failed: 0, suppressed: 0, ...Object.fromEntries(SUPPRESSION_REASONS.map((r) => [`suppressed_${r}`, 0])), suppressed_other: 0, opt_outs: 0, opt_ins: 0, escalations_opened: 0 };
    row[col] = (row[col] as number) + 1;
    if (h.kind === "suppressed") row[`suppressed_${h.reason}`] = (row[`suppressed_${h.reason}`] as number) + 1;
    rows.set(key, row);
  }
  return rows;
}

// ---- ERP sync ------------------------------------------------------------------------------

let connectionId = "";

async function deliverEvents() {
  const rows = await env.DB.prepare("SELECT * FROM outbox_events WHERE franchise_id = ? ORDER BY seq").bind(A.franchiseId).all<OutboxRow>();
  await queue("domain-events", rows.results.map(envelopeOf));
}

async function drain() {
  for (let r = 0; r < 40; r++) {
    // Drained: nothing left to do except records waiting on a document that needs a person (failed or in conflict).
    const { results } = await env.DB.prepare(
      "SELECT r.id, r.connection_id FROM erp_sync_records r LEFT JOIN erp_sync_records p ON p.id = r.depends_on WHERE r.franchise_id = ? AND r.state IN ('pending','retrying','syncing') AND (p.id IS NULL OR p.state NOT IN ('failed','conflict'))",
    )
      .bind(A.franchiseId)
      .all<{ id: string; connection_id: string }>();
    if (results.length === 0) return;
    await env.DB.prepare("UPDATE erp_sync_records SET claimed_until = '2000-01-01T00:00:00.000Z' WHERE franchise_id = ? AND state = 'syncing'").bind(A.franchiseId).run();
    await queue("erp-sync", results.map((x) => ({ franchiseId: A.franchiseId, connectionId: x.connection_id, recordId: x.id })));
  }
  const left = await env.DB.prepare("SELECT entity_type, operation, state, attempts, substr(last_error,1,80) AS e, count(*) AS n FROM erp_sync_records WHERE franchise_id = ? GROUP BY 1,2,3,4,5").bind(A.franchiseId).all();
  throw new Error(`erp sync did not drain: ${JSON.stringify(left.results)}`);
}

async function seedSync() {
  const started = await callJson("POST", "/v1/integrations", { key: admin, body: { provider: "xero" } });
  expect(started.status).toBe(201);
  connectionId = started.body.integration.id;
  // Its own organisation in the fake Xero (slot 2), so faults other test files inject into slot 0 never reach it.
  const consent = await fetch(`${started.body.authorizeUrl}&fake_tenant=2`, { redirect: "manual" });
  const back = new URL(consent.headers.get("location")!);
  const ctx = createExecutionContext();
  const callback = await worker.fetch(new Request(`http://ledgerline.test${back.pathname}${back.search}`), env, ctx);
  await waitOnExecutionContext(ctx);
  expect(callback.status).toBe(302);
  // Documents made once connected: three invoices, then (once they are in Xero) a payment.
  const customer = await createCustomer({ name: "Synced Customer SL" });
  const issued = [];
  for (let i = 0; i < 3; i++) {
    const draft = await createDraft(customer, { lines: [{ description: `Visit ${i + 1}`, quantity: 1 + i, unitPrice: 4500, serviceTypeId: A.cleaning }] });
    const res = await callJson("POST", `/v1/invoices/${draft.id}/issue`);
    expect(res.status).toBe(200);
    issued.push(res.body);
  }
  // Without mappings every document fails (data fix required); mapped and replayed, they sync on a second attempt.
  await deliverEvents();
  await drain();
  const put = await callJson("PUT", `/v1/integrations/${connectionId}/mappings`, {
    key: admin,
    body: { mappings: [{ kind: "tax", localKey: "ES:standard:210000", remoteCode: "OUTPUT_ES21" }, { kind: "tax", localKey: "ES:super_reduced:40000", remoteCode: "OUTPUT_ES4" }, { kind: "account", localKey: "default", remoteCode: "200" }, { kind: "account", localKey: "payments", remoteCode: "090" }] },
  });
  expect(put.status).toBe(200);
  expect((await callJson("POST", `/v1/integrations/${connectionId}/replay`, { key: admin, body: { scope: "failed" } })).status).toBe(200);
  await drain();
  expect((await call("POST", "/v1/payments", { body: { customerId: customer, currency: "EUR", amount: 1000, allocations: [{ invoiceId: issued[0].id, amount: 1000 }] } })).status).toBe(201);
  await deliverEvents();
  await drain();
}

beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  admin = await login(STAFF.aAdmin.email);
  await seedDunning();
  await seedSync();
}, 240_000);

describe("dunning_kpis", () => {
  it("per day × channel: sent, delivered, suppressed by reason, opt-outs and escalations = GET /v1/customers/{id}/communications; cash after a reminder attributed to its channel", async () => {
    const history: any[] = [];
    for (const c of dunningCustomers) history.push(...(await callJson("GET", `/v1/customers/${c}/communications?limit=200`)).body.data);
    const expected = expectedKpis(history);
    const days = [...new Set([...[...expected.values()].map((r) => r.dt as string), payDay])].sort();
    for (const d of days) await exportDay(d);
    const pulled = await pullAll("dunning_kpis", days[0]!);
    const byKey = new Map(pulled.map((r) => [`${r.dt}|${r.channel}`, r]));
    for (const [key, row] of expected) expect(byKey.get(key), key).toMatchObject({ ...row, day: row.dt, branch_id: A.madrid, currency: "EUR", escalations_resolved: 0 });
    // Every kind the test made happened, so the comparison is not vacuous.
    const total = (col: string) => pulled.reduce((s, r) => s + r[col], 0);
    expect([total("sent") > 0, total("delivered"), total("suppressed") > 0, total("opt_outs"), total("escalations_opened") > 0]).toEqual([true, 1, true, 1, true]);
    // The payment a day after the email reminder: attributed to email, on the payment's day.
    const cash = pulled.filter((r) => r.collected_after_reminder > 0);
    expect(cash.map((r) => [r.dt, r.channel, r.collected_after_reminder, r.invoices_paid_after_reminder])).toEqual([[payDay, "email", paidAmount, 1]]);
    // Rows with no counted kind and no cash do not exist.
    expect(pulled.every((r) => byKey.size === pulled.length && (expected.has(`${r.dt}|${r.channel}`) || r.collected_after_reminder > 0))).toBe(true);
    // The Parquet of a day holds the same rows as the pull API.
    const parquet = await parquetRows("dunning_kpis", days[0]!);
    expect(parquet.map((r) => [r.channel, Number(r.sent), Number(r.suppressed)])).toEqual(pulled.filter((r) => r.dt === days[0]).map((r) => [r.channel, r.sent, r.suppressed]));
  });
});

describe("sync_kpis", () => {
  it("today's row for the connection: records synced, failed and retried attempts, p50/p95 lag = GET /v1/integrations/{id}/status and /records", async () => {
    const today = utcToday();
    await exportDay(today);
    const [row, ...others] = await parquetRows("sync_kpis", today);
    expect(others).toEqual([]);
    const status = (await callJson("GET", `/v1/integrations/${connectionId}/status`)).body;
    const records = (await callJson("GET", `/v1/integrations/${connectionId}/records?limit=200`)).body.data as any[];
    // Each record's attempts in order; all but its first are retries (a replay restarts the attempt counter).
    const attempts = records.flatMap((r) => r.history.toSorted((a: any, b: any) => a.at.localeCompare(b.at)).map((h: any, i: number) => ({ ...h, retry: i > 0 }))).filter((h: any) => h.at.slice(0, 10) === today);
    expect(status.states.synced).toBeGreaterThanOrEqual(4);
    expect({
      connection_id: row.connection_id,
      provider: row.provider,
      records_synced: Number(row.records_synced),
      attempts: Number(row.attempts),
      attempts_failed: Number(row.attempts_failed),
      attempts_retried: Number(row.attempts_retried),
      conflicts: Number(row.conflicts),
      lag_p50_seconds: row.lag_p50_seconds,
      lag_p95_seconds: row.lag_p95_seconds,
    }).toEqual({
      connection_id: connectionId,
      provider: "xero",
      // Documents and payments: a customer's contact record is not in the sync SLA (nor in the lags).
      records_synced: status.states.synced - records.filter((r) => r.entityType === "customer" && r.state === "synced").length,
      attempts: attempts.length,
      attempts_failed: attempts.filter((h: any) => !["synced", "linked"].includes(h.outcome)).length,
      attempts_retried: attempts.filter((h: any) => h.retry).length,
      conflicts: (await callJson("GET", `/v1/integrations/${connectionId}/conflicts`)).body.data.length,
      lag_p50_seconds: status.lagSeconds.p50,
      lag_p95_seconds: status.lagSeconds.p95,
    });
    expect(Number(row.attempts_failed)).toBeGreaterThan(0);
    expect(Number(row.attempts_retried)).toBeGreaterThan(0);
    // A day without activity has no row.
    await exportDay(addDays(today, -30));
    expect(await parquetRows("sync_kpis", addDays(today, -30))).toEqual([]);
  });
});
