// Accounting integration with NetSuite, end to end against the fake NetSuite
// (scripts/fakes/netsuite.ts): connect with client credentials (a JWT assertion signed in the
// ErpConnection DO with WebCrypto and verified by the fake; a wrong key refused with a fix),
// mappings, invoices/payments/voids synced through the real subscriber, queue consumer and DO,
// faults (20 % 5xx, a concurrency-limit storm with the pool shared by other integrations, a
// token expiring mid-batch, commit-then-fail, redelivery) ending with every record synced exactly
// once and NetSuite's totals equal to ours to the cent; then SuiteQL polling bringing a payment
// and a void made in NetSuite back through the provider-neutral apply step, overlap-safe.
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";
import { withoutErpQueue } from "./erp-test-env.ts";
import { envelopeOf, type OutboxRow } from "../../workers/events/envelope.ts";
import { pollNetSuiteConnections } from "../../workers/integrations/erp/netsuite-poll.ts";
import { createLogger } from "../../workers/observability/logger.ts";
import { A, callJson, createCustomer, createDraft, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

const NETSUITE = (env as unknown as { NETSUITE_BASE_URL: string }).NETSUITE_BASE_URL;
const fake = async (path: string, body?: unknown) => (await fetch(`${NETSUITE}${path}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json() as Promise<any>;
const SETUP = { provider: "netsuite", accountId: "TSTDRV1234567", clientId: "ledgerline-fake-netsuite-client", certificateId: "fake-netsuite-cert-1" };

let admin: string;
let connectionId: string;
let customerId: string;

async function run(queue: string, bodies: unknown[]) {
  for (let i = 0; i < bodies.length; i += 25) {
    const batch = createMessageBatch(queue, bodies.slice(i, i + 25).map((body, j) => ({ id: `${queue}-${Date.now()}-${i + j}-${Math.random()}`, attempts: 1, timestamp: new Date(), body })));
    const ctx = createExecutionContext();
    await worker.queue(batch, queue === "domain-events" ? withoutErpQueue(env) : env, ctx);
    await waitOnExecutionContext(ctx);
  }
}

async function deliverEvents() {
  const rows = await env.DB.prepare("SELECT * FROM outbox_events WHERE franchise_id = ? ORDER BY seq").bind(A.franchiseId).all<OutboxRow>();
  await run("domain-events", rows.results.map(envelopeOf));
}

/** Drives the erp-sync consumer until nothing is waiting (ignoring delays, which the queue would honour). */
async function drain(rounds = 40) {
  for (let r = 0; r < rounds; r++) {
    const { results } = await env.DB.prepare("SELECT id, connection_id FROM erp_sync_records WHERE franchise_id = ? AND state IN ('pending','retrying','syncing')").bind(A.franchiseId).all<{ id: string; connection_id: string }>();
    if (results.length === 0) return;
    await env.DB.prepare("UPDATE erp_sync_records SET claimed_until = '2000-01-01T00:00:00.000Z' WHERE franchise_id = ? AND state = 'syncing'").bind(A.franchiseId).run();
    await run("erp-sync", results.map((x) => ({ franchiseId: A.franchiseId, connectionId: x.connection_id, recordId: x.id })));
  }
  throw new Error("erp sync did not drain");
}

async function issueInvoice(lines: unknown[]) {
  const draft = await createDraft(customerId, { lines });
  const issued = await callJson("POST", `/v1/invoices/${draft.id}/issue`);
  expect(issued.status).toBe(200);
  return issued.body as { id: string; number: string; total: number };
}

const records = async () => (await env.DB.prepare("SELECT * FROM erp_sync_records WHERE franchise_id = ? ORDER BY id").bind(A.franchiseId).all<any>()).results;
const poll = () => pollNetSuiteConnections(env, createLogger("error", { test: "netsuite" }));

beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  admin = await login(STAFF.aAdmin.email);
  await fake("/_fake/reset", {});
  customerId = await createCustomer({ name: "Casa Lumen SL" });
});

describe("connecting NetSuite (client credentials, no consent screen)", () => {
  it("is for staff admins, and names a missing setup field", async () => {
    expect((await callJson("POST", "/v1/integrations", { body: SETUP })).status).toBe(403);
    const missing = await callJson("POST", "/v1/integrations", { key: admin, body: { provider: "netsuite", accountId: "TSTDRV1234567", clientId: "x" } });
    expect(missing.status).toBe(422);
    expect(JSON.stringify(missing.body)).toContain("certificateId");
  });

  it("refuses when the certificate in NetSuite does not match our key, says what to fix, and leaves no connection", async () => {
    await fake("/_fake/certificate", { mismatched: true });
    const refused = await callJson("POST", "/v1/integrations", { key: admin, body: SETUP });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe("erp_netsuite_credentials_refused");
    expect(refused.body.detail).toMatch(/invalid_grant/);
    expect(refused.body.detail).toMatch(/Certificate fake-netsuite-cert-1 is not mapped to this integration in NetSuite, or its public key does not match/);
    expect((await callJson("GET", "/v1/integrations")).body.data).toHaveLength(0);
    expect((await fake("/_fake/state")).counters.assertionsRefused).toBeGreaterThan(0);
  });

  it("connects at once with a signed assertion the fake verifies", async () => {
    await fake("/_fake/certificate", {});
    const connected = await callJson("POST", "/v1/integrations", { key: admin, body: SETUP });
    expect(connected.status).toBe(201);
    expect(connected.body.authorizeUrl).toBeNull();
    expect(connected.body.integration).toMatchObject({ provider: "netsuite", status: "connected", organisation: "NetSuite TSTDRV1234567" });
    connectionId = connected.body.integration.id;
    expect((await fake("/_fake/state")).counters.tokensIssued).toBe(1);
    const again = await callJson("POST", "/v1/integrations", { key: admin, body: SETUP });
    expect(again.status).toBe(409);
  });

  it("keeps the token only inside the ErpConnection DO, sealed (no token in D1)", async () => {
    const dump = JSON.stringify((await env.DB.prepare("SELECT * FROM erp_connections").all()).results);
    expect(dump).not.toMatch(/nsat_/);
    const status = await callJson("GET", `/v1/integrations/${connectionId}/status`);
    expect(status.status).toBe(200);
    expect(status.body.budget).toMatchObject({ perMinute: 600 });
  });
});

describe("syncing to NetSuite", () => {
  it("fails loudly on a missing mapping, with the fix, and sends nothing wrong to NetSuite", async () => {
    await issueInvoice([{ description: "Deep clean", quantity: 3, unitPrice: 4500, serviceTypeId: A.cleaning }]);
    await deliverEvents();
    await drain();
    const [record] = await records();
    expect(record).toMatchObject({ state: "failed", last_error_class: "data_fix_required" });
    expect(record.last_fix).toBe("Tax rate ES standard 21% has no NetSuite tax code: map it under Integrations → Tax, then retry.");
    const status = await callJson("GET", `/v1/integrations/${connectionId}/status`);
    expect(status.body.lastErrors[0].fix).toBe(record.last_fix);
    expect((await fake("/_fake/state")).invoices).toHaveLength(0);
  });

  it("upserts by external id after the mapping is fixed and the record replayed, totals to the cent", async () => {
    const put = await callJson("PUT", `/v1/integrations/${connectionId}/mappings`, {
      key: admin,
      body: { mappings: [{ kind: "tax", localKey: "ES:standard:210000", remoteCode: "101" }, { kind: "tax", localKey: "ES:super_reduced:40000", remoteCode: "102" }, { kind: "account", localKey: "default", remoteCode: "201" }, { kind: "account", localKey: "payments", remoteCode: "1" }] },
    });
    expect(put.status).toBe(200);
    const replay = await callJson("POST", `/v1/integrations/${connectionId}/replay`, { key: admin, body: { scope: "failed" } });
    expect(replay.body.replayed).toHaveLength(1);
    await drain();
    const [record] = await records();
    expect(record.state).toBe("synced");
    const ns = await fake("/_fake/state");
    expect(ns.customers).toHaveLength(1);
    expect(ns.customers[0]).toMatchObject({ externalId: customerId, companyName: "Casa Lumen SL" });
    expect(ns.invoices).toHaveLength(1);
    expect(ns.invoices[0]).toMatchObject({ externalId: record.entity_id, total: 163.35, id: record.remote_id });
    const history = await callJson("GET", `/v1/integrations/${connectionId}/records`);
    // The invoice's record (the list also holds its customer's contact record, synced at creation).
    expect(history.body.data.find((r: any) => r.entityType === "invoice").history.map((h: any) => h.outcome)).toEqual(["data_fix_required", "synced"]);
  });

  it("voids in NetSuite what was voided here, after the invoice itself reached NetSuite", async () => {
    const invoice = await issueInvoice([{ description: "Cancelled visit", quantity: 1, unitPrice: 2000, serviceTypeId: A.cleaning }]);
    expect((await callJson("POST", `/v1/invoices/${invoice.id}/void`, { body: { reason: "customer cancelled" } })).status).toBe(200);
    await deliverEvents();
    await drain();
    const remote = (await fake("/_fake/state")).invoices.find((i: any) => i.externalId === invoice.id);
    expect(remote).toMatchObject({ voided: true, status: { id: "V" } });
    const recs = (await records()).filter((r: any) => r.entity_id === invoice.id);
    expect(recs.map((r: any) => `${r.operation}:${r.state}`).sort()).toEqual(["create:synced", "void:synced"]);
  });

  it("sends a payment only after its invoice, applied to it", async () => {
    const invoice = await issueInvoice([{ description: "Window clean", quantity: 1, unitPrice: 1000, serviceTypeId: A.cleaning }]);
    const paid = await callJson("POST", "/v1/payments", { body: { customerId, currency: "EUR", amount: 500, allocations: [{ invoiceId: invoice.id, amount: 500 }] } });
    expect(paid.status).toBe(201);
    await deliverEvents();
    const payment = (await records()).find((r: any) => r.entity_type === "payment");
    await run("erp-sync", [{ franchiseId: A.franchiseId, connectionId, recordId: payment.id }]);
    expect((await records()).find((r: any) => r.id === payment.id).state).toBe("pending");
    await drain();
    const ns = await fake("/_fake/state");
    expect(ns.payments).toHaveLength(1);
    expect(ns.payments[0]).toMatchObject({ externalId: payment.entity_id, payment: 5 });
    const remote = ns.invoices.find((i: any) => i.externalId === invoice.id);
    expect([remote.amountPaid, remote.amountRemaining]).toEqual([5, 7.1]);
  });
});

describe("credit-note allocations (erpflow2)", () => {
  it("applies the credit memo to its invoice only after both are in NetSuite (apply sublist), once", async () => {
    const invoice = await issueInvoice([{ description: "Deep clean", quantity: 1, unitPrice: 3000, serviceTypeId: A.cleaning }]); // 36.30
    const cn = await callJson("POST", "/v1/credit-notes", { key: admin, body: { invoiceId: invoice.id, reason: "late", lines: [{ description: "Late arrival", quantity: 1, unitPrice: 1000 }] } }); // 12.10
    expect(cn.status).toBe(201);
    await deliverEvents();
    const allocation = (await records()).find((r: any) => r.entity_id === cn.body.id && r.operation === "allocate");
    await run("erp-sync", [{ franchiseId: A.franchiseId, connectionId, recordId: allocation.id }]);
    expect((await records()).find((r: any) => r.id === allocation.id)).toMatchObject({ state: "pending", attempts: 0, last_error_class: "blocked_dependency" });
    await drain();
    await deliverEvents();
    await drain();
    const ns = await fake("/_fake/state");
    const memo = ns.creditMemos.find((m: any) => m.externalId === cn.body.id);
    const remote = ns.invoices.find((i: any) => i.externalId === invoice.id);
    expect(memo.apply.items).toEqual([{ doc: { id: remote.id, refName: remote.tranId }, apply: true, amount: 12.1 }]);
    expect([remote.amountPaid, remote.amountCredited, remote.amountRemaining]).toEqual([0, 12.1, 24.2]);
    expect((await records()).find((r: any) => r.id === allocation.id)).toMatchObject({ state: "synced", remote_id: memo.id });
  });
});

describe("faults", () => {
  it("20 % 5xx, a concurrency storm in a pool shared with other integrations, a token expiring mid-batch, commit-then-fail and redelivery: every invoice once, to the cent", async () => {
    const issued = [];
    for (let i = 0; i < 30; i++) issued.push(await issueInvoice([{ description: `Visit ${i}`, quantity: 1 + (i % 3) * 0.5, unitPrice: 1999 + i * 7, serviceTypeId: A.cleaning }, { description: "Manual", quantity: 1, unitPrice: 333, serviceTypeId: A.books }]));
    const before = (await fake("/_fake/state")).counters;
    await fake("/_fake/config", { concurrency: 5, latencyMs: 15 });
    await fake("/_fake/faults", { errorRate: 0.2, concurrencyStorm: 6, otherIntegrations: 3, commitThenFail: 3, expireTokensAfterCalls: 12, hang: 1, hangMs: 500, seed: 11 });
    await deliverEvents();
    await deliverEvents(); // redelivered events add no records
    const waiting = (await records()).filter((r: any) => r.state !== "synced");
    await run("erp-sync", waiting.map((r: any) => ({ franchiseId: A.franchiseId, connectionId, recordId: r.id }))); // redelivered messages too
    await drain();
    await fake("/_fake/faults", { errorRate: 0, concurrencyStorm: 0, otherIntegrations: 0, commitThenFail: 0, expireTokensAfterCalls: 0 });
    await fake("/_fake/config", { latencyMs: 0 });
    const ns = await fake("/_fake/state");
    expect(ns.counters.injected5xx).toBeGreaterThan(before.injected5xx);
    expect(ns.counters.concurrencyRejected).toBeGreaterThan(0);
    expect(ns.counters.tokensIssued).toBeGreaterThan(before.tokensIssued);
    expect(ns.counters.expiredTokenCalls).toBeGreaterThan(0);
    // Writes committed then answered 503 were retried as upserts: the same records rewritten, none added.
    expect(ns.counters.upsertsReplaced).toBeGreaterThan(before.upsertsReplaced);
    // The pool was never overrun by us: ours (≤ 3) + the other integrations' 3 stays within NetSuite's 5 only by being refused.
    expect(ns.counters.maxInFlight).toBeLessThanOrEqual(5);
    const externalIds = ns.invoices.map((i: any) => i.externalId);
    expect(new Set(externalIds).size).toBe(externalIds.length);
    for (const inv of issued) {
      const remote = ns.invoices.filter((i: any) => i.externalId === inv.id);
      expect(remote).toHaveLength(1);
      expect(remote[0].tranId).toBe(inv.number);
      expect(Math.round(remote[0].total * 100)).toBe(inv.total);
    }
    expect(ns.customers).toHaveLength(1);
    expect((await records()).every((r: any) => r.state === "synced")).toBe(true);
  });

  it("a certificate revoked later fails records with the fix text; after the fix a replay syncs them", async () => {
    await fake("/_fake/certificate", { mismatched: true });
    await fake("/_fake/faults", { expireAccessTokens: true });
    const invoice = await issueInvoice([{ description: "After revocation", quantity: 1, unitPrice: 1500, serviceTypeId: A.cleaning }]);
    await deliverEvents();
    await drain();
    const record = (await records()).find((r: any) => r.entity_id === invoice.id && r.operation === "create");
    expect(record).toMatchObject({ state: "failed", last_error_class: "reconnect_required" });
    expect(record.last_fix).toMatch(/OAuth 2.0 Client Credentials \(M2M\) Setup/);
    const status = await callJson("GET", `/v1/integrations/${connectionId}/status`);
    expect(status.body.lastErrors.some((e: any) => e.fix === record.last_fix)).toBe(true);
    // The connection itself is marked: nothing more is sent until an admin reconnects.
    expect((await callJson("GET", `/v1/integrations/${connectionId}`)).body.status).toBe("reconnect_required");
    await fake("/_fake/certificate", {});
    const reconnected = await callJson("POST", "/v1/integrations", { key: admin, body: SETUP });
    expect(reconnected.status).toBe(201);
    expect(reconnected.body.integration).toMatchObject({ id: connectionId, status: "connected" });
    await callJson("POST", `/v1/integrations/${connectionId}/replay`, { key: admin, body: { scope: "failed" } });
    await drain();
    expect((await records()).find((r: any) => r.id === record.id).state).toBe("synced");
  });

  it("NetSuite disabling the integration record (401 invalid_client) flips the connection to reconnect_required and its records stop retrying until the reconnect", async () => {
    await fake("/_fake/revoke", {});
    const first = await issueInvoice([{ description: "After the integration was disabled", quantity: 1, unitPrice: 2500, serviceTypeId: A.cleaning }]);
    const second = await issueInvoice([{ description: "Also after", quantity: 2, unitPrice: 1250, serviceTypeId: A.cleaning }]);
    await deliverEvents();
    const waiting = async () => (await records()).filter((r: any) => (r.entity_id === first.id || r.entity_id === second.id) && r.operation === "create");
    const pass = async () => run("erp-sync", (await waiting()).map((r: any) => ({ franchiseId: A.franchiseId, connectionId, recordId: r.id })));
    await pass();

    const connection = await callJson("GET", `/v1/integrations/${connectionId}`);
    expect(connection.body.status).toBe("reconnect_required");
    const refused = await waiting();
    expect(refused).toHaveLength(2);
    for (const r of refused) {
      expect(r).toMatchObject({ state: "failed", last_error_class: "reconnect_required" });
      expect(r.last_error).toMatch(/401 invalid_client/);
      expect(r.last_fix).toMatch(/Manage Integrations\), then reconnect under Integrations/);
    }
    const status = await callJson("GET", `/v1/integrations/${connectionId}/status`);
    expect(status.body.status).toBe("reconnect_required");
    expect(status.body.lastErrors.find((e: any) => e.errorClass === "reconnect_required")?.fix).toBe(refused[0].last_fix);

    // Redelivered messages, another consumer pass: NetSuite is not asked again, nothing is retried.
    const counters = (await fake("/_fake/state")).counters;
    const attempts = (await env.DB.prepare("SELECT COUNT(*) AS n FROM erp_sync_attempts WHERE franchise_id = ?").bind(A.franchiseId).first<{ n: number }>())!.n;
    await pass();
    expect((await fake("/_fake/state")).counters).toMatchObject({ apiCalls: counters.apiCalls, assertionsRefused: counters.assertionsRefused, tokensIssued: counters.tokensIssued });
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM erp_sync_attempts WHERE franchise_id = ?").bind(A.franchiseId).first<{ n: number }>())!.n).toBe(attempts);
    expect((await waiting()).map((r: any) => r.state)).toEqual(["failed", "failed"]);

    // Re-enabled in NetSuite, reconnected (same connection), replayed: both reach NetSuite once.
    await fake("/_fake/certificate", {});
    const reconnected = await callJson("POST", "/v1/integrations", { key: admin, body: SETUP });
    expect(reconnected.body.integration).toMatchObject({ id: connectionId, status: "connected" });
    await callJson("POST", `/v1/integrations/${connectionId}/replay`, { key: admin, body: { scope: "failed" } });
    await drain();
    expect((await waiting()).map((r: any) => r.state)).toEqual(["synced", "synced"]);
    const ns = await fake("/_fake/state");
    for (const inv of [first, second]) expect(ns.invoices.filter((i: any) => i.externalId === inv.id)).toHaveLength(1);
  });
});

describe("inbound: SuiteQL polling on lastmodifieddate", () => {
  it("records a payment made in NetSuite once (overlapping polls), and never pushes it back", async () => {
    const invoice = await issueInvoice([{ description: "Paid in NetSuite", quantity: 1, unitPrice: 4000, serviceTypeId: A.cleaning }]);
    await deliverEvents();
    await drain();
    const record = (await records()).find((r: any) => r.entity_id === invoice.id && r.operation === "create");
    const paymentsBefore = (await fake("/_fake/state")).payments.length;
    const remotePayment = await fake("/_fake/payment", { invoiceId: record.remote_id, amount: 48.4 });
    const [first] = await poll();
    expect(first!.paymentsRecorded).toBe(1);
    const [second] = await poll(); // the overlap reads the same change again: nothing new
    expect(second!.paymentsRecorded).toBe(0);
    const ours = await callJson("GET", `/v1/invoices/${invoice.id}`);
    expect(ours.body).toMatchObject({ status: "paid", balanceDue: 0 });
    const recorded = await env.DB.prepare("SELECT * FROM payments WHERE franchise_id = ? AND reference = ?").bind(A.franchiseId, `netsuite:${remotePayment.id}`).all();
    expect(recorded.results).toHaveLength(1);
    await deliverEvents();
    await drain();
    const link = (await records()).find((r: any) => r.entity_type === "payment" && r.entity_number === `netsuite:${remotePayment.id}`);
    expect(link).toMatchObject({ state: "synced", remote_id: String(remotePayment.id) });
    expect((await fake("/_fake/state")).payments).toHaveLength(paymentsBefore + 1);
  });

  it("applies a void made in NetSuite of an invoice unpaid here once (overlapping polls) through the void use case, and never sends it back", async () => {
    const target = await env.DB.prepare(
      "SELECT r.* FROM erp_sync_records r JOIN invoices i ON i.id = r.entity_id WHERE r.franchise_id = ? AND r.entity_type = 'invoice' AND r.operation = 'create' AND r.state = 'synced' AND i.amount_paid = 0 AND i.amount_credited = 0 AND i.status = 'issued' ORDER BY r.id DESC LIMIT 1",
    ).bind(A.franchiseId).first<any>();
    await fake("/_fake/edit", { type: "invoice", id: target.remote_id, void: true });
    await poll();
    await poll(); // the overlap reads the same change again: nothing new
    expect((await callJson("GET", `/v1/invoices/${target.entity_id}`)).body.status).toBe("void");
    const voided = (await env.DB.prepare("SELECT actor FROM outbox_events WHERE aggregate_id = ? AND type = 'invoice.voided'").bind(target.entity_id).all<any>()).results;
    expect(voided).toEqual([{ actor: "system:erp-sync" }]);
    await deliverEvents();
    expect((await records()).filter((r: any) => r.entity_id === target.entity_id && r.operation === "void")).toEqual([]);
  });

  it("opens one conflict for a void made in NetSuite of an invoice paid here, also when the change is read again in the same second and after it was decided 'theirs'", async () => {
    const a = await issueInvoice([{ description: "Paid here A", quantity: 1, unitPrice: 1500, serviceTypeId: A.cleaning }]);
    const b = await issueInvoice([{ description: "Paid here B", quantity: 1, unitPrice: 1600, serviceTypeId: A.cleaning }]);
    await deliverEvents();
    await drain();
    for (const inv of [a, b]) expect((await callJson("POST", "/v1/payments", { body: { customerId, currency: "EUR", amount: 100, allocations: [{ invoiceId: inv.id, amount: 100 }] } })).status).toBe(201);
    const recs = await records();
    const recA = recs.find((r: any) => r.entity_id === a.id && r.operation === "create");
    const recB = recs.find((r: any) => r.entity_id === b.id && r.operation === "create");
    await fake("/_fake/edit", { type: "invoice", id: recA.remote_id, void: true });
    await poll();
    await fake("/_fake/edit", { type: "invoice", id: recB.remote_id, void: true }); // most likely the same second as a's
    await poll();
    await poll();
    const conflicts = await callJson("GET", `/v1/integrations/${connectionId}/conflicts?status=open`);
    const mine = conflicts.body.data.filter((c: any) => c.recordId === recA.id || c.recordId === recB.id);
    expect(mine).toHaveLength(2);
    expect(mine[0]).toMatchObject({ fieldGroup: "status", ours: { status: "AUTHORISED" }, theirs: { status: "VOIDED" }, base: { status: "AUTHORISED" } });
    expect((await callJson("GET", `/v1/invoices/${a.id}`)).body.status).toBe("partially_paid");
    const resolved = await callJson("POST", `/v1/integrations/${connectionId}/conflicts`, { key: admin, body: { conflictId: mine[0].id, choices: { status: "theirs" } } });
    expect(resolved.body.status).toBe("resolved");
    await poll();
    const after = await callJson("GET", `/v1/integrations/${connectionId}/conflicts`);
    expect(after.body.data.filter((c: any) => c.recordId === recA.id || c.recordId === recB.id)).toHaveLength(2);
    const [connection] = (await env.DB.prepare("SELECT last_polled_at FROM erp_connections WHERE id = ?").bind(connectionId).all<any>()).results;
    expect(Date.parse(connection.last_polled_at)).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe("contact edits both ways (SuiteQL on customer)", () => {
  const customerRecord = () => env.DB.prepare("SELECT * FROM erp_sync_records WHERE connection_id = ? AND entity_type = 'customer' AND entity_id = ?").bind(connectionId, customerId).first<any>();
  const netsuiteCustomer = async (id: string) => ((await fake("/_fake/state")).customers as any[]).find((c) => String(c.id) === String(id));

  it("owner erp: an email changed in NetSuite is applied once as system:erp-sync (overlapping polls); a VAT number set here is upserted back", async () => {
    const record = await customerRecord();
    expect(record.state).toBe("synced");
    expect((await callJson("PUT", `/v1/integrations/${connectionId}/contact-owner`, { key: admin, body: { contactOwner: "erp" } })).status).toBe(200);
    await fake("/_fake/edit", { type: "customer", id: record.remote_id, changes: { email: "admin@casa.example.es" } });
    await poll();
    await poll(); // the overlap reads the same change again
    expect((await callJson("GET", `/v1/customers/${customerId}`)).body.email).toBe("admin@casa.example.es");
    const events = (await env.DB.prepare("SELECT actor FROM outbox_events WHERE aggregate_id = ? AND type = 'customer.updated'").bind(customerId).all<any>()).results;
    expect(events).toEqual([{ actor: "system:erp-sync" }]);
    const current = await callJson("GET", `/v1/customers/${customerId}`);
    expect((await callJson("PATCH", `/v1/customers/${customerId}`, { headers: { "if-match": current.headers.get("etag")! }, body: { taxId: "ESB99887766" } })).status).toBe(200);
    await deliverEvents();
    // Only the contact's record: an earlier test left a payment waiting on an invoice in review.
    const reopened = await customerRecord();
    expect(reopened.state).toBe("pending");
    await run("erp-sync", [{ franchiseId: A.franchiseId, connectionId, recordId: reopened.id }]);
    expect(await netsuiteCustomer(record.remote_id)).toMatchObject({ vatRegNumber: "ESB99887766", email: "admin@casa.example.es" });
    expect(JSON.parse((await customerRecord()).synced_snapshot)).toMatchObject({ email: "admin@casa.example.es", taxId: "ESB99887766" });
    // Our own upsert, read back by the next poll, is no change.
    await poll();
    expect((await env.DB.prepare("SELECT count(*) AS n FROM erp_conflicts WHERE connection_id = ? AND field_group = 'contact'").bind(connectionId).first<any>()).n).toBe(0);
  });
});

