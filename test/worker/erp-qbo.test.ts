// Accounting integration with QuickBooks Online, end to end against the fake QBO
// (scripts/fakes/qbo.ts): connect (Intuit OAuth code through the real callback, realmId becomes
// the tenant), mappings, invoices/credit memos/payments/voids synced through the real subscriber,
// queue consumer and ErpConnection DO, faults (20 % 5xx, an XML 429 storm, token expiry mid-batch,
// commit-then-fail, timeouts, redelivery) ending with every record synced exactly once and QBO's
// totals equal to ours to the cent; every body uses only XSD elements; inbound webhooks in both
// formats trigger CDC; changes made in QBO go through the provider-neutral apply step (payments
// recorded once, voids of unpaid invoices applied, Ledgerline-owned changes ignored, both-sides
// changes reviewed), however often delivered.
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";
import { withoutErpQueue } from "./erp-test-env.ts";
import { envelopeOf, type OutboxRow } from "../../workers/events/envelope.ts";
import { QBO_CDC_CRON } from "../../workers/integrations/erp/qbo-inbound.ts";
import { assertMatchesContract } from "./openapi-contract.ts";
import { A, call, callJson, createCustomer, createDraft, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

const QBO = (env as unknown as { QBO_BASE_URL: string }).QBO_BASE_URL;
const REALM = "9341450000000001";
const fake = async (path: string, body?: unknown) => (await fetch(`${QBO}${path}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json() as Promise<any>;

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
async function drain(rounds = 60) {
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
const cents = (x: number) => Math.round(x * 100);
const inboundRows = async () => (await env.DB.prepare("SELECT * FROM erp_inbound_changes WHERE franchise_id = ? ORDER BY id").bind(A.franchiseId).all<any>()).results;

beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  admin = await login(STAFF.aAdmin.email);
  await fake("/_fake/reset", {});
  await fake("/_fake/config", { minuteMs: 1000 });
  customerId = await createCustomer({ name: "Casa Lumen SL" });
});

describe("connecting QuickBooks Online", () => {
  it("runs Intuit's authorization-code flow through /oauth/qbo/callback; the realmId becomes the connection's company", async () => {
    const started = await callJson("POST", "/v1/integrations", { key: admin, body: { provider: "qbo" } });
    expect(started.status).toBe(201);
    connectionId = started.body.integration.id;
    const authorize = new URL(started.body.authorizeUrl);
    expect(authorize.origin + authorize.pathname).toBe(`${QBO}/connect/oauth2`);
    expect(authorize.searchParams.get("scope")).toBe("com.intuit.quickbooks.accounting");
    expect(authorize.searchParams.get("redirect_uri")).toMatch(/\/oauth\/qbo\/callback$/);
    const consent = await fetch(authorize, { redirect: "manual" });
    const back = new URL(consent.headers.get("location")!);
    expect(back.searchParams.get("realmId")).toBe(REALM);
    const forged = await call("GET", `/oauth/qbo/callback?code=${back.searchParams.get("code")}&state=${connectionId}.forged&realmId=${REALM}`, { key: null });
    expect(forged.status).toBe(400);
    const noRealm = await call("GET", `/oauth/qbo/callback?code=x&state=${connectionId}.y`, { key: null });
    expect(noRealm.status).toBe(400);
    const callback = await direct(new Request(`http://ledgerline.test${back.pathname}${back.search}`));
    expect(callback.status).toBe(302);
    expect(callback.headers.get("location")).toBe(`/integrations?connected=${connectionId}`);
    const got = await callJson("GET", `/v1/integrations/${connectionId}`);
    expect(got.body).toMatchObject({ provider: "qbo", status: "connected", organisation: "Demo Company (fake QuickBooks)" });
    const row = await env.DB.prepare("SELECT remote_tenant_id FROM erp_connections WHERE id = ?").bind(connectionId).first<{ remote_tenant_id: string }>();
    expect(row?.remote_tenant_id).toBe(REALM);
    // Tokens stay sealed inside the DO.
    expect(JSON.stringify((await env.DB.prepare("SELECT * FROM erp_connections").all()).results)).not.toMatch(/qat_|qrt_/);
  });
});

describe("syncing to QuickBooks", () => {
  it("fails loudly on a missing mapping, with the fix, and sends nothing to QBO", async () => {
    await issueInvoice([{ description: "Deep clean", quantity: 3, unitPrice: 4500, serviceTypeId: A.cleaning }]);
    await deliverEvents();
    await drain();
    const [record] = await records();
    expect(record).toMatchObject({ state: "failed", last_error_class: "data_fix_required" });
    expect(record.last_fix).toBe("Tax rate ES standard 21% has no QuickBooks tax code: map it under Integrations → Tax, then retry.");
    expect((await fake("/_fake/state")).invoices).toHaveLength(0);
  });

  it("a mapping to an inactive QBO tax code is refused by QBO with its fix; corrected and replayed, it syncs to the cent", async () => {
    const mappings = (tax21: string) => ({ mappings: [{ kind: "tax", localKey: "ES:standard:210000", remoteCode: tax21 }, { kind: "tax", localKey: "ES:super_reduced:40000", remoteCode: "5" }, { kind: "account", localKey: "default", remoteCode: "1" }, { kind: "account", localKey: "payments", remoteCode: "35" }] });
    expect((await callJson("PUT", `/v1/integrations/${connectionId}/mappings`, { key: admin, body: mappings("9") })).status).toBe(200);
    await callJson("POST", `/v1/integrations/${connectionId}/replay`, { key: admin, body: { scope: "failed" } });
    await drain();
    let [record] = await records();
    expect(record).toMatchObject({ state: "failed", last_error_class: "data_fix_required" });
    expect(record.last_fix).toBe("QuickBooks has no active tax code with the mapped id: correct the tax mapping under Integrations → Tax, then replay.");
    expect((await callJson("PUT", `/v1/integrations/${connectionId}/mappings`, { key: admin, body: mappings("3") })).status).toBe(200);
    await callJson("POST", `/v1/integrations/${connectionId}/replay`, { key: admin, body: { scope: "failed" } });
    await drain();
    [record] = await records();
    expect(record.state).toBe("synced");
    const qbo = await fake("/_fake/state");
    expect(qbo.invoices).toHaveLength(1);
    expect(qbo.invoices[0]).toMatchObject({ TotalAmt: 163.35, CurrencyRef: { value: "EUR" }, CustomerRef: { value: qbo.customers[0].Id } });
    expect(qbo.customers).toHaveLength(1);
    const history = await callJson("GET", `/v1/integrations/${connectionId}/records`);
    // The invoice's record (the list also holds its customer's contact record, synced at creation).
    expect(history.body.data.find((r: any) => r.entityType === "invoice").history.map((h: any) => h.outcome)).toEqual(["data_fix_required", "data_fix_required", "synced"]);
  });

  it("voids in QBO (operation=void with the current SyncToken) what was voided here, after the invoice reached QBO", async () => {
    const invoice = await issueInvoice([{ description: "Cancelled visit", quantity: 1, unitPrice: 2000, serviceTypeId: A.cleaning }]);
    expect((await callJson("POST", `/v1/invoices/${invoice.id}/void`, { body: { reason: "customer cancelled" } })).status).toBe(200);
    await deliverEvents();
    await drain();
    const remote = (await fake("/_fake/state")).invoices.find((i: any) => i.DocNumber === invoice.number);
    expect(remote).toMatchObject({ PrivateNote: "Voided", TotalAmt: 0 });
    const recs = (await records()).filter((r: any) => r.entity_id === invoice.id);
    expect(recs.map((r: any) => `${r.operation}:${r.state}`).sort()).toEqual(["create:synced", "void:synced"]);
    const voidCalls = (await fake("/_fake/requests")).requests.filter((r: any) => r.path.includes("operation=void"));
    expect(voidCalls).toHaveLength(1);
    expect(voidCalls[0].requestId).toMatch(/^ll-void-/);
  });

  it("sends a payment only after its invoice, linked to it, deposited to the mapped account", async () => {
    const invoice = await issueInvoice([{ description: "Window clean", quantity: 1, unitPrice: 1000, serviceTypeId: A.cleaning }]);
    const paid = await callJson("POST", "/v1/payments", { body: { customerId, currency: "EUR", amount: 500, allocations: [{ invoiceId: invoice.id, amount: 500 }] } });
    expect(paid.status).toBe(201);
    await deliverEvents();
    const payment = (await records()).find((r: any) => r.entity_type === "payment");
    await run("erp-sync", [{ franchiseId: A.franchiseId, connectionId, recordId: payment.id }]);
    expect((await records()).find((r: any) => r.id === payment.id).state).toBe("pending");
    await drain();
    const qbo = await fake("/_fake/state");
    expect(qbo.payments).toHaveLength(1);
    const remote = qbo.invoices.find((i: any) => i.DocNumber === invoice.number);
    expect(qbo.payments[0]).toMatchObject({ TotalAmt: 5, DepositToAccountRef: { value: "35" }, Line: [{ Amount: 5, LinkedTxn: [{ TxnId: remote.Id, TxnType: "Invoice" }] }] });
    expect([remote.TotalAmt, remote.Balance]).toEqual([12.1, 7.1]);
  });
});

describe("credit notes", () => {
  it("sends an issued credit note as a CreditMemo for the same customer, totals to the cent", async () => {
    const invoice = await issueInvoice([{ description: "Gutter clean", quantity: 2, unitPrice: 1250, serviceTypeId: A.cleaning }]);
    const cn = await callJson("POST", "/v1/credit-notes", { key: admin, body: { invoiceId: invoice.id, reason: "goodwill", lines: [{ description: "Goodwill", quantity: 1, unitPrice: 333 }] } });
    expect(cn.status).toBe(201);
    await deliverEvents();
    await drain();
    const qbo = await fake("/_fake/state");
    expect(qbo.creditMemos).toHaveLength(1);
    expect(qbo.creditMemos[0]).toMatchObject({ DocNumber: cn.body.number, CustomerRef: { value: qbo.customers[0].Id } });
    expect(cents(qbo.creditMemos[0].TotalAmt)).toBe(cn.body.total);
    expect((await records()).find((r: any) => r.entity_type === "credit_note").state).toBe("synced");
  });

  it("allocates the credit note to its invoice only after both are in QBO: a zero Payment linking the CreditMemo to the Invoice, once (erpflow2)", async () => {
    const invoice = await issueInvoice([{ description: "Hedge trim", quantity: 1, unitPrice: 4000, serviceTypeId: A.cleaning }]); // 48.40
    const cn = await callJson("POST", "/v1/credit-notes", { key: admin, body: { invoiceId: invoice.id, reason: "short visit", lines: [{ description: "Short visit", quantity: 1, unitPrice: 1000 }] } }); // 12.10
    expect(cn.status).toBe(201);
    await deliverEvents();
    const allocation = (await records()).find((r: any) => r.entity_id === cn.body.id && r.operation === "allocate");
    expect(JSON.parse(allocation.payload)).toMatchObject({ invoiceId: invoice.id, amount: 1_210 });
    // Sent before either document is in QBO: it waits, and nothing reaches QBO for it.
    await run("erp-sync", [{ franchiseId: A.franchiseId, connectionId, recordId: allocation.id }]);
    expect((await records()).find((r: any) => r.id === allocation.id)).toMatchObject({ state: "pending", attempts: 0, last_error_class: "blocked_dependency" });
    await drain();
    await deliverEvents(); // redelivered: nothing new
    await drain();
    const qbo = await fake("/_fake/state");
    const memo = qbo.creditMemos.find((m: any) => m.DocNumber === cn.body.number);
    const remote = qbo.invoices.find((i: any) => i.DocNumber === invoice.number);
    const links = qbo.payments.filter((p: any) => p.PrivateNote === `Ledgerline ${cn.body.id}:${invoice.id}`);
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ TotalAmt: 0, Line: [{ Amount: 12.1, LinkedTxn: [{ TxnId: remote.Id, TxnType: "Invoice" }] }, { Amount: 12.1, LinkedTxn: [{ TxnId: memo.Id, TxnType: "CreditMemo" }] }] });
    expect([remote.Balance, memo.RemainingCredit]).toEqual([36.3, 0]);
    expect(qbo.contractViolations).toEqual([]);
    expect((await records()).find((r: any) => r.id === allocation.id)).toMatchObject({ state: "synced", remote_id: links[0].Id });
  });
});

describe("faults", () => {
  it("20 % 5xx, an XML 429 storm, token expiry mid-batch, commit-then-fail, timeouts and redelivery: every record once, to the cent", async () => {
    const issued = [];
    for (let i = 0; i < 30; i++) issued.push(await issueInvoice([{ description: `Visit ${i}`, quantity: 1 + (i % 3) * 0.5, unitPrice: 1999 + i * 7, serviceTypeId: A.cleaning }, { description: "Manual", quantity: 1, unitPrice: 333, serviceTypeId: A.books }]));
    for (const inv of issued.slice(0, 5)) expect((await callJson("POST", "/v1/payments", { body: { customerId, currency: "EUR", amount: 1000, allocations: [{ invoiceId: inv.id, amount: 1000 }] } })).status).toBe(201);
    await fake("/_fake/faults", { errorRate: 0.2, rateLimitStorm: 5, commitThenFail: 3, timeouts: 2, timeoutMs: 50, seed: 11, expireAccessTokens: true });
    await deliverEvents();
    await deliverEvents(); // redelivered events add no records
    const waiting = (await records()).filter((r: any) => r.state !== "synced");
    await run("erp-sync", waiting.map((r: any) => ({ franchiseId: A.franchiseId, connectionId, recordId: r.id })));
    // Midway, every access token expires again.
    await fake("/_fake/faults", { expireAccessTokens: true });
    await drain(80);
    await fake("/_fake/faults", { errorRate: 0, rateLimitStorm: 0, commitThenFail: 0, timeouts: 0 });
    const qbo = await fake("/_fake/state");
    expect(qbo.counters.injected5xx).toBeGreaterThan(0);
    expect(qbo.counters.rateLimited).toBeGreaterThanOrEqual(5);
    expect(qbo.counters.refreshes).toBeGreaterThanOrEqual(2);
    expect(qbo.counters.rejectedRefreshes).toBe(0);
    // Every create carried a requestid; records whose answer was lost were looked up by DocNumber before any new create.
    const requests = (await fake("/_fake/requests")).requests;
    const creates = requests.filter((r: any) => r.method === "POST" && /\/(invoice|creditmemo|payment|customer)\?/.test(r.path));
    expect(creates.length).toBeGreaterThan(35);
    expect(creates.filter((r: any) => !/^ll-(inv|crm|pay|void|cus|alc)-[a-z]+_[0-9a-z]+-[0-9a-f]{8}$/.test(r.requestId ?? ""))).toEqual([]);
    expect(requests.some((r: any) => r.path.includes("/query?") && (new URLSearchParams(r.path.split("?")[1]).get("query") ?? "").includes("DocNumber in ("))).toBe(true);
    expect(qbo.contractViolations).toEqual([]);
    const numbers = qbo.invoices.map((i: any) => i.DocNumber);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const inv of issued) {
      const remote = qbo.invoices.filter((i: any) => i.DocNumber === inv.number);
      expect(remote).toHaveLength(1);
      expect(cents(remote[0].TotalAmt)).toBe(inv.total);
    }
    // Five new payments plus the earlier one: each exactly once (credit-memo applications, zero payments, are the credit notes tests').
    const money = qbo.payments.filter((p: any) => p.TotalAmt !== 0);
    expect(money).toHaveLength(6);
    expect(new Set(money.map((p: any) => p.PrivateNote)).size).toBe(6);
    expect(qbo.customers).toHaveLength(1);
    expect((await records()).every((r: any) => r.state === "synced")).toBe(true);
  });
});

describe("requestid", () => {
  it("a customer create whose answer was lost is answered from QBO's requestid memory on the retry: no second customer", async () => {
    const other = await createCustomer({ name: "Hotel Brisa SA" });
    const draft = await createDraft(other, { lines: [{ description: "Lobby clean", quantity: 1, unitPrice: 9000, serviceTypeId: A.cleaning }] });
    expect((await callJson("POST", `/v1/invoices/${draft.id}/issue`)).status).toBe(200);
    const before = (await fake("/_fake/state")).counters.requestIdReplays;
    // The next write (the customer) is committed in QBO, then answered 503.
    await fake("/_fake/faults", { commitThenFail: 1 });
    await deliverEvents();
    await drain();
    const qbo = await fake("/_fake/state");
    expect(qbo.customers.filter((c: any) => c.DisplayName === "Hotel Brisa SA")).toHaveLength(1);
    expect(qbo.counters.requestIdReplays).toBe(before + 1);
    const record = (await records()).find((r: any) => r.entity_id === draft.id);
    expect(record.state).toBe("synced");
    const history = await callJson("GET", `/v1/integrations/${connectionId}/records`);
    expect(history.body.data.find((r: any) => r.id === record.id).history.map((h: any) => h.outcome)).toEqual(["transient", "synced"]);
    // The connection's budget is QBO's, not Xero's.
    const status = await callJson("GET", `/v1/integrations/${connectionId}/status`);
    expect(status.body.budget.perMinute).toBe(500);
  });
});

describe("inbound: webhooks and CDC", () => {
  it("refuses a bad intuit-signature; a void made in QBO of an invoice unpaid here is applied once (duplicate legacy notification) through the void use case", async () => {
    const bad = await call("POST", "/webhooks/qbo", { key: null, body: "{}", headers: { "intuit-signature": "bm9wZQ==" } });
    expect(bad.status).toBe(401);
    // An invoice with nothing paid or credited here (the provider-neutral apply step voids only those).
    const target = await env.DB.prepare(
      "SELECT r.* FROM erp_sync_records r JOIN invoices i ON i.id = r.entity_id WHERE r.franchise_id = ? AND r.entity_type = 'invoice' AND r.operation = 'create' AND r.state = 'synced' AND i.amount_paid = 0 AND i.amount_credited = 0 AND i.status = 'issued' ORDER BY r.id LIMIT 1",
    ).bind(A.franchiseId).first<any>();
    await fake("/_fake/void-invoice", { Id: target.remote_id });
    const event = { eventNotifications: [{ realmId: REALM, dataChangeEvent: { entities: [{ name: "Invoice", id: target.remote_id, operation: "Void", lastUpdated: new Date().toISOString() }] } }] };
    expect((await signedWebhook(event)).status).toBe(200);
    expect((await signedWebhook(event)).status).toBe(200);
    expect((await callJson("GET", `/v1/invoices/${target.entity_id}`)).body.status).toBe("void");
    const voided = (await env.DB.prepare("SELECT actor FROM outbox_events WHERE aggregate_id = ? AND type = 'invoice.voided'").bind(target.entity_id).all<any>()).results;
    expect(voided).toEqual([{ actor: "system:erp-sync" }]);
    expect((await inboundRows()).filter((r: any) => r.local_id === target.entity_id)).toMatchObject([{ field_group: "status", decision: "applied" }]);
    expect((await callJson("GET", `/v1/integrations/${connectionId}/conflicts?status=open`)).body.data).toEqual([]);
    // Not sent back to QBO: the void came from there.
    await deliverEvents();
    expect((await records()).filter((r: any) => r.entity_id === target.entity_id && r.operation === "void")).toEqual([]);
  });

  it("understands the CloudEvents format (a total changed in QBO is ignored: amounts belong to Ledgerline), and the cron's CDC catch-up recovers a change whose webhook never came", async () => {
    const synced = (await records()).filter((r: any) => r.entity_type === "invoice" && r.operation === "create" && r.state === "synced");
    const [viaCloudEvent, missed] = synced.slice(-2);
    await fake("/_fake/edit-invoice", { Id: viaCloudEvent.remote_id, changes: { TotalAmt: 1, Balance: 1 } });
    const cloudEvents = [{ specversion: "1.0", id: "e1", source: "intuit.quickbooks", type: "qbo.invoice.updated.v1", datacontenttype: "application/json", time: new Date().toISOString(), intuitentityid: viaCloudEvent.remote_id, intuitaccountid: REALM, data: {} }];
    expect((await signedWebhook(cloudEvents)).status).toBe(200);
    const ignored = (await inboundRows()).filter((r: any) => r.remote_id === viaCloudEvent.remote_id);
    expect(ignored).toMatchObject([{ field_group: "amounts", decision: "ignored" }]);
    expect(ignored[0].detail).toMatch(/belong to Ledgerline/);
    expect((await callJson("GET", `/v1/invoices/${viaCloudEvent.entity_id}`)).body.total).not.toBe(100);
    // No webhook for this one: the scheduled catch-up finds it with CDC.
    await fake("/_fake/void-invoice", { Id: missed.remote_id });
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: QBO_CDC_CRON, scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await callJson("GET", `/v1/invoices/${missed.entity_id}`)).body.status).toBe("void");
    expect((await callJson("GET", `/v1/integrations/${connectionId}/conflicts?status=open`)).body.data).toEqual([]);
    const cdcCalls = (await fake("/_fake/requests")).requests.filter((r: any) => r.path.includes("/cdc?"));
    expect(cdcCalls.length).toBeGreaterThanOrEqual(3);
    expect(cdcCalls.every((r: any) => r.status === 200)).toBe(true);
  });

  it("records a payment made in QBO once as a Ledgerline payment (webhook, duplicate and cron), and never sends it back (erpflow2)", async () => {
    const invoice = await issueInvoice([{ description: "Paid in QBO", quantity: 1, unitPrice: 2000, serviceTypeId: A.cleaning }]); // 24.20
    await deliverEvents();
    await drain();
    const record = (await records()).find((r: any) => r.entity_id === invoice.id && r.operation === "create");
    const customerRef = (await fake("/_fake/state")).invoices.find((i: any) => i.Id === record.remote_id).CustomerRef;
    const paid = await fake("/_fake/payment", { CustomerRef: customerRef, TotalAmt: 10, TxnDate: "2026-11-30", CurrencyRef: { value: "EUR" }, Line: [{ Amount: 10, LinkedTxn: [{ TxnId: record.remote_id, TxnType: "Invoice" }] }] });
    const paymentsInQbo = (await fake("/_fake/state")).payments.length;
    const event = { eventNotifications: [{ realmId: REALM, dataChangeEvent: { entities: [{ name: "Payment", id: paid.Payment.Id, operation: "Create", lastUpdated: new Date().toISOString() }] } }] };
    expect((await signedWebhook(event)).status).toBe(200);
    expect((await signedWebhook(event)).status).toBe(200);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: QBO_CDC_CRON, scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    const payments = (await env.DB.prepare("SELECT id, amount, received_at FROM payments WHERE franchise_id = ? AND reference = ?").bind(A.franchiseId, `qbo:${paid.Payment.Id}`).all<any>()).results;
    expect(payments).toHaveLength(1);
    expect(payments[0].amount).toBe(1_000);
    expect((await callJson("GET", `/v1/invoices/${invoice.id}`)).body).toMatchObject({ status: "partially_paid", amountPaid: 1_000 });
    const recorded = await env.DB.prepare("SELECT actor FROM outbox_events WHERE aggregate_id = ? AND type = 'payment.recorded'").bind(payments[0].id).first<any>();
    expect(recorded.actor).toBe("system:erp-sync");
    await deliverEvents();
    await drain();
    expect((await fake("/_fake/state")).payments).toHaveLength(paymentsInQbo);
  });

  it("a void in QBO of an invoice paid here goes to review; decided 'theirs', the same change read again opens nothing (erpflow2)", async () => {
    const invoice = await issueInvoice([{ description: "Paid here", quantity: 1, unitPrice: 3000, serviceTypeId: A.cleaning }]);
    await deliverEvents();
    await drain();
    const record = (await records()).find((r: any) => r.entity_id === invoice.id && r.operation === "create");
    expect((await callJson("POST", "/v1/payments", { body: { customerId, currency: "EUR", amount: 500, allocations: [{ invoiceId: invoice.id, amount: 500 }] } })).status).toBe(201);
    await fake("/_fake/void-invoice", { Id: record.remote_id }); // voided in QBO before our payment reached it
    const event = { eventNotifications: [{ realmId: REALM, dataChangeEvent: { entities: [{ name: "Invoice", id: record.remote_id, operation: "Void", lastUpdated: new Date().toISOString() }] } }] };
    expect((await signedWebhook(event)).status).toBe(200);
    const open = (await callJson("GET", `/v1/integrations/${connectionId}/conflicts?status=open`)).body.data.filter((c: any) => c.recordId === record.id);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ fieldGroup: "status", ours: { status: "AUTHORISED" }, theirs: { status: "VOIDED" } });
    expect((await callJson("GET", `/v1/invoices/${invoice.id}`)).body.status).toBe("partially_paid");
    const resolved = await callJson("POST", `/v1/integrations/${connectionId}/conflicts`, { key: admin, body: { conflictId: open[0].id, choices: { status: "theirs" } } });
    expect(resolved.body.status).toBe("resolved");
    await fake("/_fake/edit-invoice", { Id: record.remote_id, changes: {} }); // touched again in QBO: CDC returns it once more
    expect((await signedWebhook(event)).status).toBe(200);
    expect((await callJson("GET", `/v1/integrations/${connectionId}/conflicts?status=open`)).body.data.filter((c: any) => c.recordId === record.id)).toEqual([]);
  });
});

describe("contact edits both ways", () => {
  const customerRecord = () => env.DB.prepare("SELECT * FROM erp_sync_records WHERE connection_id = ? AND entity_type = 'customer' AND entity_id = ?").bind(connectionId, customerId).first<any>();
  const customerEvent = (id: string) => ({ eventNotifications: [{ realmId: REALM, dataChangeEvent: { entities: [{ name: "Customer", id, operation: "Update", lastUpdated: new Date().toISOString() }] } }] });
  const qboCustomer = async (id: string) => ((await fake("/_fake/state")).customers as any[]).find((c) => c.Id === id);

  it("owner erp: a customer edited in QBO comes back (webhook, then CDC) as system:erp-sync; one edited here updates QBO with its current SyncToken", async () => {
    const record = await customerRecord();
    expect(record.state).toBe("synced");
    expect(JSON.parse(record.synced_snapshot)).toEqual({ name: "Casa Lumen SL", email: "lucia@example.es", taxId: null });
    expect((await callJson("PUT", `/v1/integrations/${connectionId}/contact-owner`, { key: admin, body: { contactOwner: "erp" } })).status).toBe(200);
    await fake("/_fake/edit-customer", { Id: record.remote_id, changes: { PrimaryEmailAddr: { Address: "cuentas@casalumen.example.es" } } });
    expect((await signedWebhook(customerEvent(record.remote_id))).status).toBe(200);
    expect((await callJson("GET", `/v1/customers/${customerId}`)).body.email).toBe("cuentas@casalumen.example.es");
    const applied = (await env.DB.prepare("SELECT actor FROM outbox_events WHERE aggregate_id = ? AND type = 'customer.updated'").bind(customerId).all<any>()).results;
    expect(applied).toEqual([{ actor: "system:erp-sync" }]);
    // A tax number set here is not a change QBO can hold: only the rename goes out.
    const current = await callJson("GET", `/v1/customers/${customerId}`);
    const before = await qboCustomer(record.remote_id);
    expect((await callJson("PATCH", `/v1/customers/${customerId}`, { headers: { "if-match": current.headers.get("etag")! }, body: { name: "Casa Lumen Hogar SL", taxId: "B11223344" } })).status).toBe(200);
    await deliverEvents();
    await drain();
    const after = await qboCustomer(record.remote_id);
    expect(after).toMatchObject({ DisplayName: "Casa Lumen Hogar SL", PrimaryEmailAddr: { Address: "cuentas@casalumen.example.es" } });
    expect(Number(after.SyncToken)).toBe(Number(before.SyncToken) + 1);
    expect((await customerRecord()).state).toBe("synced");
    expect((await fake("/_fake/state")).contractViolations).toEqual([]);
  });

  it("owner review: an edit in QBO waits as a contact conflict over the fields QBO holds (name, email)", async () => {
    expect((await callJson("PUT", `/v1/integrations/${connectionId}/contact-owner`, { key: admin, body: { contactOwner: "review" } })).status).toBe(200);
    const record = await customerRecord();
    await fake("/_fake/edit-customer", { Id: record.remote_id, changes: { DisplayName: "Casa Lumen (QBO)" } });
    expect((await signedWebhook(customerEvent(record.remote_id))).status).toBe(200);
    expect((await callJson("GET", `/v1/customers/${customerId}`)).body.name).toBe("Casa Lumen Hogar SL");
    const open = (await callJson("GET", `/v1/integrations/${connectionId}/conflicts?status=open`)).body.data.filter((c: any) => c.fieldGroup === "contact");
    expect(open).toHaveLength(1);
    expect(open[0].theirs).toEqual({ name: "Casa Lumen (QBO)", email: "cuentas@casalumen.example.es" });
    expect(Object.keys(open[0].ours).sort()).toEqual(["email", "name"]);
  });
});

// Last: it leaves the connection waiting for a person.
describe("QuickBooks refusing the connection", () => {
  it("flips the connection to reconnect_required when QuickBooks no longer knows our tokens (401, then invalid_grant), and stops calling", async () => {
    const invoice = await issueInvoice([{ description: "After the app was disconnected", quantity: 1, unitPrice: 1500, serviceTypeId: A.cleaning }]);
    await deliverEvents();
    // The company disconnected the app inside QuickBooks: every token it issued is gone.
    await fake("/_fake/reset", {});
    const record = (await records()).find((r: any) => r.entity_id === invoice.id && r.operation === "create");
    await run("erp-sync", [{ franchiseId: A.franchiseId, connectionId, recordId: record.id }]);
    const connection = await callJson("GET", `/v1/integrations/${connectionId}`);
    expect(connection.body.status).toBe("reconnect_required");
    const after = (await records()).find((r: any) => r.id === record.id);
    expect(after).toMatchObject({ last_error_class: "reconnect_required" });
    // Redelivered while it waits for the reconnect: QuickBooks is not asked again.
    const calls = (await fake("/_fake/requests")).requests.length;
    await run("erp-sync", [{ franchiseId: A.franchiseId, connectionId, recordId: record.id }]);
    expect((await fake("/_fake/requests")).requests.length).toBe(calls);
  });
});

async function direct(request: Request) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, env, ctx);
  await waitOnExecutionContext(ctx);
  await assertMatchesContract(request.method, request.url, res.clone());
  return res;
}

async function signedWebhook(payload: unknown) {
  const body = JSON.stringify(payload);
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode("fake-qbo-webhook-verifier-not-real"), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)))));
  return direct(new Request("http://ledgerline.test/webhooks/qbo", { method: "POST", headers: { "intuit-signature": sig, "content-type": "application/json" }, body }));
}
