// Behaviour generated clients rely on, beyond the happy path: 405 with Allow, 304 on a current
// ETag, one status per error code, refusing a draft that could never be issued, and the
// contract checker (openapi-contract.ts) itself refusing what the document does not describe.
import { beforeAll, describe, expect, it } from "vitest";
import { assertMatchesContract } from "./openapi-contract.ts";
import { call, callJson, createCustomer, createDraft, seedFixtures } from "./fixtures.ts";

let customerId = "";
beforeAll(async () => {
  await seedFixtures();
  customerId = await createCustomer();
});

describe("methods", () => {
  it("answers a wrong method on a known path with 405, Allow and problem+json", async () => {
    const res = await callJson("DELETE", `/v1/customers/${customerId}`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD, PATCH");
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.body.code).toBe("method_not_allowed");
    const list = await callJson("PUT", "/v1/invoices");
    expect(list.status).toBe(405);
    expect(list.headers.get("allow")).toBe("GET, HEAD, POST");
  });

  it("keeps 404 for a path that does not exist", async () => {
    expect((await callJson("GET", "/v1/nothing-here")).status).toBe(404);
  });
});

describe("conditional GET", () => {
  it("answers 304 without a body when If-None-Match holds the customer's current ETag", async () => {
    const first = await call("GET", `/v1/customers/${customerId}`);
    const etag = first.headers.get("etag")!;
    const again = await call("GET", `/v1/customers/${customerId}`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe("");
    const stale = await call("GET", `/v1/customers/${customerId}`, { headers: { "if-none-match": '"v0"' } });
    expect(stale.status).toBe(200);
  });

  it("does the same for invoices", async () => {
    const draft = await createDraft(customerId);
    const first = await call("GET", `/v1/invoices/${draft.id}`);
    const etag = first.headers.get("etag")!;
    expect((await call("GET", `/v1/invoices/${draft.id}`, { headers: { "if-none-match": `W/${etag}` } })).status).toBe(304);
    await callJson("POST", `/v1/invoices/${draft.id}/issue`);
    expect((await call("GET", `/v1/invoices/${draft.id}`, { headers: { "if-none-match": etag } })).status).toBe(200);
  });
});

describe("one status per error code", () => {
  it("refuses paying and crediting a voided invoice alike: 409 invoice_not_open", async () => {
    const draft = await createDraft(customerId);
    await callJson("POST", `/v1/invoices/${draft.id}/issue`);
    expect((await callJson("POST", `/v1/invoices/${draft.id}/void`, { body: { reason: "mistake" } })).status).toBe(200);
    const pay = await callJson("POST", "/v1/payments", { body: { customerId, currency: "EUR", amount: 100, allocations: [{ invoiceId: draft.id, amount: 100 }] } });
    const credit = await callJson("POST", "/v1/credit-notes", { body: { invoiceId: draft.id, reason: "x", lines: [{ description: "x", quantity: 1, unitPrice: 100 }] } });
    expect([pay.status, pay.body.code]).toEqual([409, "invoice_not_open"]);
    expect([credit.status, credit.body.code]).toEqual([409, "invoice_not_open"]);
    expect(pay.body.errors[0].field).toBe("allocations.0.invoiceId");
  });
});

describe("draft dates", () => {
  it("refuses a draft dated beyond the one-year horizon with 422 naming issueDate, and accepts one inside it", async () => {
    const far = await callJson("POST", "/v1/invoices", {
      body: { customerId, branchId: "br_000000000000000000000000a1", currency: "EUR", issueDate: "2999-01-01", lines: [{ description: "x", quantity: 1, unitPrice: 100 }] },
    });
    expect(far.status).toBe(422);
    expect(far.body.code).toBe("issue_date_too_far_ahead");
    expect(far.body.errors[0].field).toBe("issueDate");
    const soon = new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10);
    expect((await createDraft(customerId, { issueDate: soon })).issueDate).toBe(soon);
  });
});

describe("the contract checker", () => {
  const url = "http://ledgerline.test/v1/customers/cus_00000000000000000000000000";
  it("refuses an undocumented status, a missing documented header, a wrong media type and a body off the schema", async () => {
    const headers = (type: string) => ({ "content-type": type, "x-request-id": "req-12345678" });
    await expect(assertMatchesContract("GET", url, new Response("{}", { status: 418, headers: headers("application/json") }))).rejects.toThrow(/status not documented/);
    await expect(assertMatchesContract("GET", url, new Response("{}", { status: 404, headers: { "content-type": "application/problem+json" } }))).rejects.toThrow(/X-Request-Id missing/);
    await expect(assertMatchesContract("GET", url, new Response("{}", { status: 404, headers: headers("application/json") }))).rejects.toThrow(/content type/);
    await expect(assertMatchesContract("GET", url, new Response(JSON.stringify({ id: 1 }), { status: 200, headers: { ...headers("application/json"), etag: '"v1"' } }))).rejects.toThrow(/does not match/);
  });
});
