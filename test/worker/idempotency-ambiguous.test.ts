// Idempotency in the ambiguous cases: the change and its idempotency record commit together, so
// a lost response replays instead of writing twice; a dead request's lease expires; a holder
// whose lease was taken over cannot commit; transient refusals are not final; canonical bodies;
// expired records are purged by the cron.
import { env } from "cloudflare:workers";
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";
import { billingContext } from "../../workers/billing/context.ts";
import { createDraftInvoice } from "../../workers/billing/invoices.ts";
import { IDEMPOTENCY_LEASE_MS, reserveKey } from "../../workers/db/idempotency.ts";
import { systemClock } from "../../workers/domain/clock.ts";
import { PURGE_CRON } from "../../workers/maintenance/purge-expired.ts";
import { A, call, callJson, createCustomer, createDraft, seedFixtures } from "./fixtures.ts";

let customerId = "";
beforeAll(async () => {
  await seedFixtures();
  customerId = await createCustomer();
});

const count = async (table: string) => (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())!.n;
const keyRow = (key: string) => env.DB.prepare("SELECT * FROM idempotency_keys WHERE key = ?").bind(key).first<Record<string, unknown>>();
/** What the record looks like when the batch committed but the response was never stored. */
const loseStoredResponse = (key: string) =>
  env.DB.prepare("UPDATE idempotency_keys SET state = 'committed', status_code = NULL, response_body = NULL, response_headers = NULL WHERE key = ?").bind(key).run();

describe("committed but the response was lost", () => {
  it("rebuilds a created customer from the resource, with the original status, and writes nothing twice", async () => {
    const headers = { "idempotency-key": "lost-customer" };
    const first = await callJson("POST", "/v1/customers", { body: { name: "Lost Response" }, headers });
    expect(first.status).toBe(201);
    expect(await keyRow("lost-customer")).toMatchObject({ resource_type: "customer.created", resource_id: first.body.id });
    await loseStoredResponse("lost-customer");
    const before = await count("customers");
    const retry = await callJson("POST", "/v1/customers", { body: { name: "Lost Response" }, headers });
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.headers.get("location")).toBe(`/v1/customers/${first.body.id}`);
    expect(retry.body).toEqual(first.body);
    expect(await count("customers")).toBe(before);
  });

  it("rebuilds an issue written by the InvoiceSequence DO: same number, no second document", async () => {
    const draft = await createDraft(customerId);
    const headers = { "idempotency-key": `lost-issue-${draft.id}` };
    const first = await callJson("POST", `/v1/invoices/${draft.id}/issue`, { headers });
    expect(first.status).toBe(200);
    expect(await keyRow(headers["idempotency-key"])).toMatchObject({ resource_type: "invoice.issued", resource_id: draft.id });
    await loseStoredResponse(headers["idempotency-key"]);
    const events = await count("outbox_events");
    const retry = await callJson("POST", `/v1/invoices/${draft.id}/issue`, { headers });
    expect(retry.status).toBe(200);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body.number).toBe(first.body.number);
    expect(await count("outbox_events")).toBe(events);
  });

  it("rebuilds a recorded payment and a credit note", async () => {
    const draft = await createDraft(customerId);
    await callJson("POST", `/v1/invoices/${draft.id}/issue`);
    const payBody = { customerId, currency: "EUR", amount: 1000, allocations: [{ invoiceId: draft.id, amount: 1000 }] };
    const pay = await callJson("POST", "/v1/payments", { body: payBody, headers: { "idempotency-key": "lost-pay" } });
    const cnBody = { invoiceId: draft.id, reason: "goodwill", lines: [{ description: "Discount", quantity: 1, unitPrice: 100 }] };
    const cn = await callJson("POST", "/v1/credit-notes", { body: cnBody, headers: { "idempotency-key": "lost-cn" } });
    expect([pay.status, cn.status]).toEqual([201, 201]);
    await loseStoredResponse("lost-pay");
    await loseStoredResponse("lost-cn");
    const [payments, notes] = [await count("payments"), await count("credit_notes")];
    const payAgain = await callJson("POST", "/v1/payments", { body: payBody, headers: { "idempotency-key": "lost-pay" } });
    const cnAgain = await callJson("POST", "/v1/credit-notes", { body: cnBody, headers: { "idempotency-key": "lost-cn" } });
    expect(payAgain.body).toEqual(pay.body);
    expect(cnAgain.body).toEqual(cn.body);
    expect([await count("payments"), await count("credit_notes")]).toEqual([payments, notes]);
  });
});

describe("leases", () => {
  it("answers 409 with Retry-After while a live request holds the key, and lets a retry through once the lease lapsed", async () => {
    const headers = { "idempotency-key": "dead-request" };
    const body = { name: "Lease" };
    // Shape the record as a request that reserved the key and died before writing anything.
    await callJson("POST", "/v1/customers", { body, headers });
    const reset = (leaseUntil: string) =>
      env.DB.prepare("UPDATE idempotency_keys SET state = 'pending', lease_token = 'dead', lease_until = ?, resource_type = NULL, resource_id = NULL, response_body = NULL, status_code = NULL WHERE key = 'dead-request'")
        .bind(leaseUntil)
        .run();
    await reset(new Date(Date.now() + 20_000).toISOString());
    const busy = await callJson("POST", "/v1/customers", { body, headers });
    expect(busy.status).toBe(409);
    expect(busy.body.code).toBe("idempotency_in_progress");
    expect(Number(busy.headers.get("retry-after"))).toBeGreaterThanOrEqual(19);
    await reset(new Date(Date.now() - 1).toISOString());
    const retry = await callJson("POST", "/v1/customers", { body, headers });
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
    const again = await callJson("POST", "/v1/customers", { body, headers });
    expect(again.body.id).toBe(retry.body.id);
  });

  it("fences the old holder: after a takeover its batch aborts and writes nothing", async () => {
    const db = env.DB;
    const claim = { franchiseId: A.franchiseId, key: "taken-over", leaseToken: "old-holder" };
    const now = Date.now();
    expect(await reserveKey(db, { ...claim, principal: "api_key:key_a_rw", requestHash: "h", nowMs: now })).toBe(true);
    // A retry arrives after the lease: it takes the key over with its own token.
    expect(await reserveKey(db, { ...claim, leaseToken: "new-holder", principal: "api_key:key_a_rw", requestHash: "h", nowMs: now + IDEMPOTENCY_LEASE_MS + 1 })).toBe(true);
    const before = await count("invoices");
    const ctx = billingContext(env, A.franchiseId, systemClock, "api_key:key_a_rw", claim);
    await expect(
      createDraftInvoice(ctx, { customerId, branchId: A.madrid, currency: "EUR", lines: [{ description: "x", quantity: 1, unitPrice: 100 }] } as never),
    ).rejects.toThrow(/idempotency_lease_lost/);
    expect(await count("invoices")).toBe(before);
    expect(await keyRow("taken-over")).toMatchObject({ state: "pending", lease_token: "new-holder" });
  });

  it("does not let another request take over a lapsed lease", async () => {
    const db = env.DB;
    const now = Date.now();
    const base = { franchiseId: A.franchiseId, key: "lapsed-other", principal: "api_key:key_a_rw", nowMs: now };
    expect(await reserveKey(db, { ...base, leaseToken: "a", requestHash: "h1" })).toBe(true);
    expect(await reserveKey(db, { ...base, leaseToken: "b", requestHash: "h2", nowMs: now + IDEMPOTENCY_LEASE_MS + 1 })).toBe(false);
    expect(await reserveKey(db, { ...base, leaseToken: "c", requestHash: "h1", principal: "staff:usr_x", nowMs: now + IDEMPOTENCY_LEASE_MS + 1 })).toBe(false);
  });
});

describe("transient refusals", () => {
  it("does not store a 409: the key is free again and nothing is replayed", async () => {
    const draft = await createDraft(customerId);
    await callJson("POST", `/v1/invoices/${draft.id}/issue`);
    const headers = { "idempotency-key": "transient-409" };
    const refused = await callJson("POST", `/v1/invoices/${draft.id}/issue`, { headers });
    expect(refused.status).toBe(409);
    expect(await keyRow("transient-409")).toBeNull();
    const again = await callJson("POST", `/v1/invoices/${draft.id}/issue`, { headers });
    expect(again.status).toBe(409);
    expect(again.headers.get("idempotent-replayed")).toBeNull();
  });
});

describe("canonical fingerprint", () => {
  it("replays a retry whose JSON differs only in key order and whitespace", async () => {
    const headers = { "idempotency-key": "canonical-1" };
    const first = await callJson("POST", "/v1/customers", { body: '{"name":"Order","segment":"smb","language":"es"}', headers });
    const second = await callJson("POST", "/v1/customers", { body: '{\n  "language": "es",\n  "segment" : "smb",  "name":"Order"\n}', headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.body.id).toBe(first.body.id);
    const changed = await callJson("POST", "/v1/customers", { body: '{"name":"Order","segment":"enterprise","language":"es"}', headers });
    expect(changed.status).toBe(422);
    expect(changed.body.code).toBe("idempotency_key_reused");
  });
});

describe("purge", () => {
  it("deletes expired idempotency records on the daily cron, in chunks, and keeps live ones", async () => {
    const stmt = env.DB.prepare(
      "INSERT INTO idempotency_keys (franchise_id, key, principal, request_hash, state, created_at, expires_at) VALUES (?, ?, 'x', 'h', 'done', '2000-01-01T00:00:00.000Z', '2000-01-02T00:00:00.000Z')",
    );
    await env.DB.batch(Array.from({ length: 2_500 }, (_, i) => stmt.bind(A.franchiseId, `old-${i}`)));
    await call("POST", "/v1/customers", { body: { name: "Live" }, headers: { "idempotency-key": "live-one" } });
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: PURGE_CRON, scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM idempotency_keys WHERE key LIKE 'old-%'").first<{ n: number }>())!.n).toBe(0);
    expect(await keyRow("live-one")).not.toBeNull();
  });
});
