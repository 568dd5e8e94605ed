// Changes flowing back from Xero (issue 8), end to end against the fake Xero, on an organisation
// of its own (tenant slot 1, so erp-xero.test.ts running in parallel never shares documents):
// payments polled with If-Modified-Since and applied once even when a webhook and a poll see
// them together, voids applied through the use case, Ledgerline-owned changes ignored with a
// reason, true conflicts sent to review, and a daily-limit 429 deferring instead of hammering.
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";
import { withoutErpQueue } from "./erp-test-env.ts";
import { envelopeOf, type OutboxRow } from "../../workers/events/envelope.ts";
import { ERP_POLL_CRON } from "../../workers/integrations/erp/xero-polling.ts";
import { assertMatchesContract } from "./openapi-contract.ts";
import { A, callJson, createCustomer, createDraft, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

const XERO = (env as unknown as { XERO_BASE_URL: string }).XERO_BASE_URL;
const SLOT = 1;
const TENANT_ID = `7a1e1f0e-0000-4000-8000-${(0xf001 + SLOT).toString(16).padStart(12, "0")}`;
const fake = async (path: string, body?: unknown) =>
  (
    await fetch(
      `${XERO}${path}${path.includes("?") ? "&" : "?"}tenant=${SLOT}`,
      body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
    )
  ).json() as Promise<any>;

let admin: string;
let connectionId: string;
let customerId: string;


async function run(queue: string, bodies: unknown[]) {
  for (let i = 0; i < bodies.length; i += 25) {
    const batch = createMessageBatch(
      queue,
      bodies.slice(i, i + 25).map((body, j) => ({ id: `${queue}-${Date.now()}-${i + j}-${Math.random()}`, attempts: 1, timestamp: new Date(), body })),
    );
    const ctx = createExecutionContext();
    await worker.queue(batch, queue === "domain-events" ? withoutErpQueue(env) : env, ctx);
    await waitOnExecutionContext(ctx);
  }
}

/** Delivers franchise A's events not delivered yet to the subscribers (the relay's job, done here deterministically). */
let delivered = 0;
async function deliverEvents() {
  const rows = await env.DB.prepare("SELECT * FROM outbox_events WHERE franchise_id = ? AND seq > ? ORDER BY seq")
    .bind(A.franchiseId, delivered)
    .all<OutboxRow>();
  if (rows.results.length > 0) delivered = rows.results.at(-1)!.seq;
  await run("domain-events", rows.results.map(envelopeOf));
}

async function drain(rounds = 40) {
  for (let r = 0; r < rounds; r++) {
    // Records waiting on a document that is in review wait on a person, not on this loop.
    const { results } = await env.DB.prepare(
      "SELECT id, connection_id FROM erp_sync_records r WHERE franchise_id = ? AND state IN ('pending','retrying','syncing') AND NOT (last_error_class IS 'blocked_dependency' AND depends_on IS NOT NULL AND depends_on IN (SELECT id FROM erp_sync_records WHERE state IN ('failed','conflict')))",
    )
      .bind(A.franchiseId)
      .all<{ id: string; connection_id: string }>();
    if (results.length === 0) return;
    await env.DB.prepare("UPDATE erp_sync_records SET claimed_until = '2000-01-01T00:00:00.000Z' WHERE franchise_id = ? AND state = 'syncing'")
      .bind(A.franchiseId)
      .run();
    await run(
      "erp-sync",
      results.map((x) => ({ franchiseId: A.franchiseId, connectionId: x.connection_id, recordId: x.id })),
    );
  }
  throw new Error("erp sync did not drain");
}

async function issueSynced(unitPrice: number) {
  const draft = await createDraft(customerId, { lines: [{ description: "Visit", quantity: 1, unitPrice, serviceTypeId: A.cleaning }] });
  const issued = await callJson("POST", `/v1/invoices/${draft.id}/issue`);
  expect(issued.status).toBe(200);
  await deliverEvents();
  await drain();
  const rec = await env.DB.prepare("SELECT remote_id, state FROM erp_sync_records WHERE entity_id = ? AND operation = 'create'")
    .bind(draft.id)
    .first<{ remote_id: string; state: string }>();
  expect(rec?.state).toBe("synced");
  return { id: draft.id as string, total: issued.body.total as number, remoteId: rec!.remote_id };
}

/** The poll cron as wrangler fires it; a poll that failed fails the test (its error is logged, not thrown). */
async function poll() {
  const errors: unknown[] = [];
  const original = console.error;
  const originalWarn = console.warn;
  console.error = (...args: unknown[]) => void errors.push(args);
  console.warn = (...args: unknown[]) => void errors.push(args);
  try {
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: ERP_POLL_CRON, scheduledTime: new Date() }), env, ctx);
    await waitOnExecutionContext(ctx);
  } finally {
    console.error = original;
    console.warn = originalWarn;
  }
  expect(errors).toEqual([]);
}

async function signedWebhook(payload: unknown) {
  const body = JSON.stringify(payload);
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode("fake-xero-webhook-key-not-real"), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const sig = btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)))));
  const request = new Request("http://ledgerline.test/webhooks/xero", {
    method: "POST",
    headers: { "x-xero-signature": sig, "content-type": "application/json" },
    body,
  });
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, env, ctx);
  await waitOnExecutionContext(ctx);
  await assertMatchesContract("POST", request.url, res.clone());
  return res;
}
const invoiceEvent = (remoteId: string) => ({
  events: [{ resourceId: remoteId, tenantId: TENANT_ID, eventCategory: "INVOICE", eventType: "UPDATE", eventDateUtc: new Date().toISOString() }],
  firstEventSequence: 1,
  lastEventSequence: 1,
  entropy: crypto.randomUUID(),
});

const localInvoice = (id: string) =>
  env.DB.prepare("SELECT status, amount_paid, amount_credited, total FROM invoices WHERE id = ?")
    .bind(id)
    .first<{ status: string; amount_paid: number; amount_credited: number; total: number }>();
const inboundRows = async () =>
  (await env.DB.prepare("SELECT * FROM erp_inbound_changes WHERE franchise_id = ? ORDER BY id").bind(A.franchiseId).all<any>()).results;

beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  admin = await login(STAFF.aAdmin.email);
  await fake("/_fake/config", { minuteMs: 1000 });
  customerId = await createCustomer({ name: "Flow Test SL" });
  const started = await callJson("POST", "/v1/integrations", { key: admin, body: { provider: "xero" } });
  connectionId = started.body.integration.id;
  // The consent screen of organisation slot 1 (the fake's test-only parameter).
  const consent = await fetch(`${started.body.authorizeUrl}&fake_tenant=${SLOT}`, { redirect: "manual" });
  const back = new URL(consent.headers.get("location")!);
  const ctx = createExecutionContext();
  expect((await worker.fetch(new Request(`http://ledgerline.test${back.pathname}${back.search}`), env, ctx)).status).toBe(302);
  await waitOnExecutionContext(ctx);
  const put = await callJson("PUT", `/v1/integrations/${connectionId}/mappings`, {
    key: admin,
    body: {
      mappings: [
        { kind: "tax", localKey: "ES:standard:210000", remoteCode: "OUTPUT_ES21" },
        { kind: "account", localKey: "default", remoteCode: "200" },
        { kind: "account", localKey: "payments", remoteCode: "090" },
      ],
    },
  });
  expect(put.status).toBe(200);
});

describe("payments recorded in Xero", () => {
  it("are applied once as a Ledgerline payment, even when a webhook and a poll see them at the same time", async () => {
    const invoice = await issueSynced(10_000); // 121.00 with 21 % VAT
    const paid = await fake("/_fake/payment", { Invoice: { InvoiceID: invoice.remoteId }, Account: { Code: "090" }, Date: "2026-11-30", Amount: 50 });
    expect(paid.HasErrors).toBe(false);
    // Xero's paid amount moved: the webhook reads the invoice and polls payments; the cron polls too.
    const [hook] = await Promise.all([signedWebhook(invoiceEvent(invoice.remoteId)), poll(), poll()]);
    expect(hook.status).toBe(200);
    await poll();
    const payments = (
      await env.DB.prepare("SELECT id, amount, reference FROM payments WHERE franchise_id = ? AND reference = ?")
        .bind(A.franchiseId, `xero:${paid.PaymentID}`)
        .all<any>()
    ).results;
    expect(payments).toHaveLength(1);
    expect(payments[0].amount).toBe(5_000);
    expect(await localInvoice(invoice.id)).toMatchObject({ status: "partially_paid", amount_paid: 5_000 });
    // Through the normal use case: its normal event, by the ERP's actor.
    const event = await env.DB.prepare("SELECT actor FROM outbox_events WHERE aggregate_id = ? AND type = 'payment.recorded'")
      .bind(payments[0].id)
      .first<{ actor: string }>();
    expect(event?.actor).toBe("system:erp-sync");
    expect((await inboundRows()).filter((r) => r.remote_id === paid.PaymentID)).toMatchObject([{ decision: "applied", local_id: payments[0].id }]);
    // Never sent back: Xero still holds exactly the one payment.
    await deliverEvents();
    await drain();
    expect((await fake("/_fake/state")).payments).toHaveLength(1);
  });

  it("polls with If-Modified-Since: nothing changed answers 304 and moves nothing", async () => {
    const before = await env.DB.prepare("SELECT resource, watermark FROM erp_poll_watermarks WHERE connection_id = ? ORDER BY resource").bind(connectionId).all();
    expect(before.results.map((r: any) => r.resource)).toEqual(["Invoices", "Payments"]);
    const seen = (await fake("/_fake/requests")).requests.length;
    await poll();
    const calls = (await fake("/_fake/requests")).requests.slice(seen);
    expect(calls.map((c: any) => `${c.method} ${c.path.split("?")[0]} ${c.status}`)).toEqual(["GET /api.xro/2.0/Invoices 304", "GET /api.xro/2.0/Payments 304"]);
    const after = await env.DB.prepare("SELECT resource, watermark FROM erp_poll_watermarks WHERE connection_id = ? ORDER BY resource").bind(connectionId).all();
    expect(after.results).toEqual(before.results);
  });

  it("sends a payment that would over-settle to review instead of recording it", async () => {
    const invoice = await issueSynced(2_000); // 24.20
    // Paid in full here first (not yet in Xero), then someone records a payment in Xero too.
    const local = await callJson("POST", "/v1/payments", {
      body: { customerId, currency: "EUR", amount: 2_420, allocations: [{ invoiceId: invoice.id, amount: 2_420 }] },
    });
    expect(local.status).toBe(201);
    const remote = await fake("/_fake/payment", { Invoice: { InvoiceID: invoice.remoteId }, Account: { Code: "090" }, Date: "2026-11-30", Amount: 24.2 });
    await poll();
    await poll();
    expect((await localInvoice(invoice.id))?.amount_paid).toBe(2_420);
    const conflicts = await callJson("GET", `/v1/integrations/${connectionId}/conflicts?status=open`);
    const mine = conflicts.body.data.filter((c: any) => c.fieldGroup === "payment");
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ ours: { amountPaid: 2_420 }, theirs: { amountPaid: 4_840 } });
    expect((await inboundRows()).filter((r) => r.remote_id === remote.PaymentID).map((r) => r.decision)).toEqual(["conflict"]);
  });
});

describe("invoice changes made in Xero", () => {
  it("applies a void of an unpaid invoice through the void use case, as system:erp-sync, and does not send it back", async () => {
    const invoice = await issueSynced(3_000);
    await fake("/_fake/edit-invoice", { InvoiceID: invoice.remoteId, changes: { Status: "VOIDED" } });
    const event = invoiceEvent(invoice.remoteId);
    expect((await signedWebhook(event)).status).toBe(200);
    expect((await signedWebhook(event)).status).toBe(200); // a duplicate delivery changes nothing
    expect((await localInvoice(invoice.id))?.status).toBe("void");
    const events = (
      await env.DB.prepare("SELECT actor FROM outbox_events WHERE aggregate_id = ? AND type = 'invoice.voided'").bind(invoice.id).all<{ actor: string }>()
    ).results;
    expect(events).toEqual([{ actor: "system:erp-sync" }]);
    await deliverEvents();
    const voids = await env.DB.prepare("SELECT count(*) AS n FROM erp_sync_records WHERE entity_id = ? AND operation = 'void'")
      .bind(invoice.id)
      .first<{ n: number }>();
    expect(voids?.n).toBe(0);
    expect((await inboundRows()).filter((r) => r.local_id === invoice.id)).toMatchObject([{ field_group: "status", decision: "applied" }]);
  });

  it("sends a void of an invoice paid here to the review queue (both sides changed it)", async () => {
    const invoice = await issueSynced(4_000);
    expect(
      (
        await callJson("POST", "/v1/payments", {
          body: { customerId, currency: "EUR", amount: 1_000, allocations: [{ invoiceId: invoice.id, amount: 1_000 }] },
        })
      ).status,
    ).toBe(201);
    await fake("/_fake/edit-invoice", { InvoiceID: invoice.remoteId, changes: { Status: "VOIDED" } });
    expect((await signedWebhook(invoiceEvent(invoice.remoteId))).status).toBe(200);
    expect((await localInvoice(invoice.id))?.status).toBe("partially_paid");
    const conflicts = (await callJson("GET", `/v1/integrations/${connectionId}/conflicts?status=open`)).body.data.filter((c: any) => c.fieldGroup === "status");
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ ours: { status: "AUTHORISED" }, theirs: { status: "VOIDED" }, base: { status: "AUTHORISED" } });
    // A person decides: Ledgerline's side stands (the record is pushed again).
    const resolved = await callJson("POST", `/v1/integrations/${connectionId}/conflicts`, {
      key: admin,
      body: { conflictId: conflicts[0].id, choices: { status: "ours" } },
    });
    expect(resolved.body.status).toBe("resolved");
  });

  it("ignores a total changed in Xero (amounts belong to Ledgerline) and records why, once", async () => {
    const invoice = await issueSynced(5_000);
    await fake("/_fake/edit-invoice", { InvoiceID: invoice.remoteId, changes: { Total: 1 } });
    await signedWebhook(invoiceEvent(invoice.remoteId));
    await poll(); // the poll sees the same version: no second record
    expect((await localInvoice(invoice.id))?.total).toBe(invoice.total);
    const rows = (await inboundRows()).filter((r) => r.local_id === invoice.id);
    expect(rows).toMatchObject([{ field_group: "amounts", decision: "ignored" }]);
    expect(rows[0].detail).toMatch(/belong to Ledgerline/);
    const conflicts = (await callJson("GET", `/v1/integrations/${connectionId}/conflicts?status=open`)).body.data.filter(
      (c: any) => c.fieldGroup === "amounts",
    );
    expect(conflicts).toHaveLength(0);
  });
});

describe("sync alerts", () => {
  const RESEND = (env as unknown as { RESEND_BASE_URL: string }).RESEND_BASE_URL;
  const TO = "ops-erpflow@alpha.test";
  const emails = async () => ((await (await fetch(`${RESEND}/_fake/requests`)).json()) as { data: Array<{ body: { to: string[] } }> }).data.filter((e) => e.body?.to?.includes(TO));
  const hooks = async () => (await fake("/_fake/hooks/alerts")).received as Array<{ headers: Record<string, string>; body: string }>;
  const check = async () => (await import("../../workers/integrations/erp/alerts.ts")).checkAllAlerts(env, { error: (m: string, f: unknown) => console.log(m, f), warn() {}, info() {}, debug() {} } as never);

  it("refuses a plain-http webhook outside loopback, naming the field", async () => {
    const res = await callJson("PUT", `/v1/integrations/${connectionId}/alerting`, { key: admin, body: { webhookUrl: "http://example.com/hook", maxLagSeconds: 86_400, maxFailed: 0 } });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toContain("webhookUrl");
  });

  it("fires once per kind (signed webhook + email) while failures stay over the threshold, and clears after", async () => {
    // Earlier tests left records failed on purpose (a payment Xero refuses): the threshold sits at what exists.
    const before = (await env.DB.prepare("SELECT count(*) AS n FROM erp_sync_records WHERE state = 'failed'").first<{ n: number }>())!.n;
    const put = await callJson("PUT", `/v1/integrations/${connectionId}/alerting`, { key: admin, body: { email: TO, webhookUrl: `${XERO}/_fake/hooks/alerts?tenant=${SLOT}`, maxLagSeconds: 86_400, maxFailed: before } });
    expect(put.status).toBe(200);
    const secret = put.body.webhookSecret as string;
    // An unmapped tax rate (4 %): the record fails with its fix.
    const draft = await createDraft(customerId, { lines: [{ description: "Books", quantity: 1, unitPrice: 1_000, serviceTypeId: A.books }] });
    expect((await callJson("POST", `/v1/invoices/${draft.id}/issue`)).status).toBe(200);
    await deliverEvents();
    await drain();
    expect(await check()).toBe(1);
    expect(await check()).toBe(0); // still over the threshold: no second alert
    const status = await callJson("GET", `/v1/integrations/${connectionId}/status`);
    expect(status.body.alerts.open).toMatchObject([{ kind: "failed", status: "open", value: before + 1, threshold: before, notified: { webhook: "sent", email: "sent" } }]);
    const received = await hooks();
    expect(received).toHaveLength(1);
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const expected = [...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${received[0]!.headers["x-ledgerline-timestamp"]}.${received[0]!.body}`)))].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(received[0]!.headers["x-ledgerline-signature"]).toBe(`sha256=${expected}`);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ type: "integration.alert", kind: "failed", integrationId: connectionId });
    expect(await emails()).toHaveLength(1);
    // Fixed and replayed: the failure count falls back, the alert clears.
    await callJson("PUT", `/v1/integrations/${connectionId}/mappings`, { key: admin, body: { mappings: [{ kind: "tax", localKey: "ES:super_reduced:40000", remoteCode: "OUTPUT_ES4" }] } });
    await callJson("POST", `/v1/integrations/${connectionId}/replay`, { key: admin, body: { scope: "failed" } });
    await drain();
    await check();
    const after = await callJson("GET", `/v1/integrations/${connectionId}/status`);
    expect(after.body.alerts.open).toEqual([]);
    expect(after.body.alerts.recent[0]).toMatchObject({ kind: "failed", status: "cleared" });
    expect(after.body.alerts.recent[0].clearedAt).not.toBeNull();
    expect(await hooks()).toHaveLength(1);
  });
});

describe("credit-note allocations (erpflow2)", () => {
  it("waits for both documents, then allocates the part of the credit note that settled the invoice, once (redelivery included)", async () => {
    const draft = await createDraft(customerId, { lines: [{ description: "Visit", quantity: 1, unitPrice: 10_000, serviceTypeId: A.cleaning }] });
    expect((await callJson("POST", `/v1/invoices/${draft.id}/issue`)).status).toBe(200); // 121.00
    expect((await callJson("POST", "/v1/payments", { body: { customerId, currency: "EUR", amount: 10_000, allocations: [{ invoiceId: draft.id, amount: 10_000 }] } })).status).toBe(201);
    // 60.50 credited while 21.00 is open: 21.00 settles the invoice, 39.50 becomes customer credit.
    const cn = await callJson("POST", "/v1/credit-notes", { key: admin, body: { invoiceId: draft.id, reason: "goodwill", lines: [{ description: "Goodwill", quantity: 1, unitPrice: 5_000 }] } });
    expect(cn.status).toBe(201);
    expect(await localInvoice(draft.id)).toMatchObject({ status: "paid", amount_paid: 10_000, amount_credited: 2_100 });
    await deliverEvents();
    const allocation = await env.DB.prepare("SELECT * FROM erp_sync_records WHERE entity_id = ? AND operation = 'allocate'").bind(cn.body.id).first<any>();
    expect(JSON.parse(allocation.payload)).toMatchObject({ invoiceId: draft.id, amount: 2_100, currency: "EUR" });
    // Ordering: sent first, before its credit note and invoice are in Xero, the allocation waits (no call, no attempt).
    const seen = (await fake("/_fake/requests")).requests.length;
    await run("erp-sync", [{ franchiseId: A.franchiseId, connectionId, recordId: allocation.id }]);
    const waiting = await env.DB.prepare("SELECT state, attempts, last_error_class FROM erp_sync_records WHERE id = ?").bind(allocation.id).first<any>();
    expect(waiting).toMatchObject({ state: "pending", attempts: 0, last_error_class: "blocked_dependency" });
    expect((await fake("/_fake/requests")).requests.slice(seen).filter((r: any) => r.path.includes("/Allocations"))).toEqual([]);
    await drain();
    const records = await callJson("GET", `/v1/integrations/${connectionId}/records?limit=200`);
    expect(records.status).toBe(200);
    expect(records.body.data.find((r: any) => r.id === allocation.id)).toMatchObject({ operation: "allocate", entityType: "credit_note", state: "synced" });
    const state = await fake("/_fake/state");
    const note = state.creditNotes.find((c: any) => c.CreditNoteNumber === cn.body.number);
    expect(note.Allocations).toHaveLength(1);
    expect(note.Allocations[0]).toMatchObject({ Amount: 21, Invoice: { InvoiceID: expect.any(String) } });
    expect(note.RemainingCredit).toBe(39.5);
    const invoiceInXero = state.invoices.find((i: any) => i.InvoiceID === note.Allocations[0].Invoice.InvoiceID);
    expect(invoiceInXero).toMatchObject({ InvoiceNumber: (await callJson("GET", `/v1/invoices/${draft.id}`)).body.number, AmountDue: 0, AmountCredited: 21, Status: "PAID" });
    // Every body sent validates against Xero's OpenAPI document (the fake checks each one).
    expect(state.contractViolations).toEqual([]);
    // A redelivered credit_note.issued adds nothing, and Xero still holds one allocation.
    const event = await env.DB.prepare("SELECT * FROM outbox_events WHERE aggregate_id = ? AND type = 'credit_note.issued'").bind(cn.body.id).first<OutboxRow>();
    await run("domain-events", [envelopeOf(event!)]);
    await drain();
    expect((await fake("/_fake/state")).creditNotes.find((c: any) => c.CreditNoteNumber === cn.body.number).Allocations).toHaveLength(1);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM erp_sync_records WHERE entity_id = ?").bind(cn.body.id).first<{ n: number }>())!.n).toBe(2);
  });

  it("a credit note wholly beyond a paid invoice is customer credit: no allocation is synced", async () => {
    const invoice = await issueSynced(1_000); // 12.10
    expect((await callJson("POST", "/v1/payments", { body: { customerId, currency: "EUR", amount: 1_210, allocations: [{ invoiceId: invoice.id, amount: 1_210 }] } })).status).toBe(201);
    const cn = await callJson("POST", "/v1/credit-notes", { key: admin, body: { invoiceId: invoice.id, reason: "refund later", lines: [{ description: "Goodwill", quantity: 1, unitPrice: 500 }] } });
    expect(cn.status).toBe(201);
    await deliverEvents();
    await drain();
    const rows = (await env.DB.prepare("SELECT operation, state FROM erp_sync_records WHERE entity_id = ?").bind(cn.body.id).all<any>()).results;
    expect(rows).toEqual([{ operation: "create", state: "synced" }]);
  });

  it("the database refuses an operation outside create | void | allocate", async () => {
    await expect(
      env.DB.prepare("UPDATE erp_sync_records SET operation = 'merge' WHERE franchise_id = ? AND operation = 'allocate'").bind(A.franchiseId).run(),
    ).rejects.toThrow(/erp_sync_operation_unknown/);
  });
});

describe("resolving a conflict as theirs (erpflow2)", () => {
  it("updates the last synced snapshot, so the same ERP change read again does not reopen the conflict", async () => {
    const invoice = await issueSynced(6_000);
    expect((await callJson("POST", "/v1/payments", { body: { customerId, currency: "EUR", amount: 1_000, allocations: [{ invoiceId: invoice.id, amount: 1_000 }] } })).status).toBe(201);
    await fake("/_fake/edit-invoice", { InvoiceID: invoice.remoteId, changes: { Status: "VOIDED" } });
    expect((await signedWebhook(invoiceEvent(invoice.remoteId))).status).toBe(200);
    const open = (await callJson("GET", `/v1/integrations/${connectionId}/conflicts?status=open`)).body.data.filter((c: any) => c.fieldGroup === "status");
    expect(open).toHaveLength(1);
    const resolved = await callJson("POST", `/v1/integrations/${connectionId}/conflicts`, { key: admin, body: { conflictId: open[0].id, choices: { status: "theirs" } } });
    expect(resolved.status).toBe(200);
    const record = await env.DB.prepare("SELECT state, synced_snapshot FROM erp_sync_records WHERE entity_id = ? AND operation = 'create'").bind(invoice.id).first<any>();
    expect(record.state).toBe("synced");
    expect(JSON.parse(record.synced_snapshot)).toMatchObject({ status: "VOIDED", remoteId: invoice.remoteId });
    // The same change comes back (a duplicate webhook, the poll): nothing new to review.
    expect((await signedWebhook(invoiceEvent(invoice.remoteId))).status).toBe(200);
    await poll();
    const after = (await callJson("GET", `/v1/integrations/${connectionId}/conflicts?status=open`)).body.data.filter((c: any) => c.fieldGroup === "status");
    expect(after).toEqual([]);
    expect((await localInvoice(invoice.id))?.status).toBe("partially_paid");
  });
});
