// Idempotency-Key: same key + same body replays; same key + other body is a 422; concurrent
// retries never execute the change twice.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { A, B, callJson, createCustomer, seedFixtures } from "./fixtures.ts";

let customerId = "";
beforeAll(async () => {
  await seedFixtures();
  customerId = await createCustomer();
});

const invoiceBody = () => ({ customerId, branchId: A.madrid, currency: "EUR", lines: [{ description: "Window cleaning", quantity: 2, unitPrice: 4000 }] });
const invoiceCount = async () => (await env.DB.prepare("SELECT count(*) AS n FROM invoices").first<{ n: number }>())!.n;

describe("Idempotency-Key", () => {
  it("replays the first response for the same key and body, creating one invoice", async () => {
    const before = await invoiceCount();
    const headers = { "idempotency-key": "create-inv-1" };
    const first = await callJson("POST", "/v1/invoices", { body: invoiceBody(), headers });
    const second = await callJson("POST", "/v1/invoices", { body: invoiceBody(), headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.headers.get("location")).toBe(`/v1/invoices/${first.body.id}`);
    expect(await invoiceCount()).toBe(before + 1);
  });

  it("answers 422 when the key is reused with a different body", async () => {
    const headers = { "idempotency-key": "create-inv-2" };
    await callJson("POST", "/v1/invoices", { body: invoiceBody(), headers });
    const before = await invoiceCount();
    const other = await callJson("POST", "/v1/invoices", { body: { ...invoiceBody(), memo: "different" }, headers });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe("idempotency_key_reused");
    expect(await invoiceCount()).toBe(before);
  });

  it("scopes keys by franchise", async () => {
    const headers = { "idempotency-key": "shared-key" };
    const a = await callJson("POST", "/v1/customers", { body: { name: "Same" }, headers });
    const b = await callJson("POST", "/v1/customers", { key: B.key, body: { name: "Same" }, headers });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
  });

  it("replays an issue, so a retried issue returns the same number instead of a 409", async () => {
    const draft = await callJson("POST", "/v1/invoices", { body: invoiceBody() });
    const headers = { "idempotency-key": `issue-${draft.body.id}` };
    const first = await callJson("POST", `/v1/invoices/${draft.body.id}/issue`, { headers });
    const retry = await callJson("POST", `/v1/invoices/${draft.body.id}/issue`, { headers });
    expect(retry.status).toBe(200);
    expect(retry.body.number).toBe(first.body.number);
  });

  it("executes concurrent retries with one key once", async () => {
    const before = await invoiceCount();
    const headers = { "idempotency-key": "concurrent-1" };
    const results = await Promise.all(Array.from({ length: 5 }, () => callJson("POST", "/v1/invoices", { body: invoiceBody(), headers })));
    expect(await invoiceCount()).toBe(before + 1);
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const r of created) expect(r.body.id).toBe(created[0]!.body.id);
    for (const r of results.filter((r) => r.status !== 201)) expect(r.body.code).toBe("idempotency_in_progress");
  });

  it("replays a 4xx answer too: it is final for that request", async () => {
    const headers = { "idempotency-key": "bad-1" };
    const body = { ...invoiceBody(), currency: "USD" };
    const first = await callJson("POST", "/v1/invoices", { body, headers });
    const again = await callJson("POST", "/v1/invoices", { body, headers });
    expect(first.status).toBe(422);
    expect(again.status).toBe(422);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });
});

describe("Idempotency-Key expiry", () => {
  it("treats an expired key as new", async () => {
    const headers = { "idempotency-key": "expiring-1" };
    const first = await callJson("POST", "/v1/customers", { body: { name: "First" }, headers });
    await env.DB.prepare("UPDATE idempotency_keys SET expires_at = '2000-01-01T00:00:00.000Z' WHERE key = 'expiring-1'").run();
    const second = await callJson("POST", "/v1/customers", { body: { name: "Second" }, headers });
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(first.body.id);
    const third = await callJson("POST", "/v1/customers", { body: { name: "Second" }, headers });
    expect(third.body.id).toBe(second.body.id);
  });
});
