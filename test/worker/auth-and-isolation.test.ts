// Authentication, scopes and tenant isolation, checked on every route of the partner API.
import { beforeAll, describe, expect, it } from "vitest";
import { A, B, call, callJson, createCustomer, createDraft, seedFixtures } from "./fixtures.ts";

let ids: Record<string, string> = {};

beforeAll(async () => {
  await seedFixtures();
  // A full set of franchise A resources for franchise B to try to reach.
  const customerId = await createCustomer();
  const invoice = await createDraft(customerId);
  await callJson("POST", `/v1/invoices/${invoice.id}/issue`);
  const payment = await callJson("POST", "/v1/payments", { body: { customerId, currency: "EUR", amount: 500, allocations: [{ invoiceId: invoice.id, amount: 500 }] } });
  const credit = await callJson("POST", "/v1/credit-notes", { body: { invoiceId: invoice.id, reason: "goodwill", lines: [{ description: "Discount", quantity: 1, unitPrice: 100 }] } });
  ids = { customerId, invoiceId: invoice.id, paymentId: payment.body.id, creditNoteId: credit.body.id };
});

const readRoutes = () => [
  `/v1/customers/${ids.customerId}`,
  `/v1/invoices/${ids.invoiceId}`,
  `/v1/payments/${ids.paymentId}`,
  `/v1/credit-notes/${ids.creditNoteId}`,
  `/v1/branches/${A.madrid}`,
  `/v1/service-types/${A.cleaning}`,
];

const listRoutes = ["/v1/customers", "/v1/invoices", "/v1/payments", "/v1/credit-notes", "/v1/branches", "/v1/service-types"];

const writeRoutes = () => [
  { method: "POST", path: "/v1/customers", body: { name: "X" } },
  { method: "PATCH", path: `/v1/customers/${ids.customerId}`, body: { name: "X" }, headers: { "if-match": "*" } },
  { method: "POST", path: "/v1/invoices", body: { customerId: ids.customerId, branchId: A.madrid, currency: "EUR", lines: [{ description: "x", quantity: 1, unitPrice: 1 }] } },
  { method: "POST", path: `/v1/invoices/${ids.invoiceId}/issue` },
  { method: "POST", path: `/v1/invoices/${ids.invoiceId}/void`, body: { reason: "x" } },
  { method: "POST", path: "/v1/credit-notes", body: { invoiceId: ids.invoiceId, reason: "x", lines: [{ description: "x", quantity: 1, unitPrice: 1 }] } },
  { method: "POST", path: "/v1/payments", body: { customerId: ids.customerId, currency: "EUR", amount: 1, allocations: [{ invoiceId: ids.invoiceId, amount: 1 }] } },
];

describe("authentication", () => {
  it("answers 401 problem+json without a key, with a malformed header, or with an unknown key", async () => {
    for (const path of [...readRoutes(), ...listRoutes]) {
      for (const headers of [{}, { authorization: "Basic abc" }, { authorization: "Bearer llk_unknown" }] as Array<Record<string, string>>) {
        const res = await call("GET", path, { key: null, headers });
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.headers.get("content-type")).toBe("application/problem+json");
        expect(res.headers.get("www-authenticate")).toContain("Bearer");
      }
    }
  });

  it("gives a read-only key 403 on every write and leaves nothing written", async () => {
    const before = await callJson("GET", `/v1/invoices/${ids.invoiceId}`);
    for (const route of writeRoutes()) {
      const res = await callJson(route.method, route.path, { key: A.readOnlyKey, body: route.body, headers: route.headers });
      expect(res.status, route.path).toBe(403);
      expect(res.body.code).toBe("insufficient_scope");
    }
    const after = await callJson("GET", `/v1/invoices/${ids.invoiceId}`);
    expect(after.body).toEqual(before.body);
    const reads = await call("GET", `/v1/invoices/${ids.invoiceId}`, { key: A.readOnlyKey });
    expect(reads.status).toBe(200);
  });
});

describe("tenant isolation", () => {
  it("answers 404 when franchise B reads franchise A's resources", async () => {
    for (const path of readRoutes()) {
      const res = await callJson("GET", path, { key: B.key });
      expect(res.status, path).toBe(404);
      expect(res.body.detail).not.toContain("franchise");
    }
  });

  it("never lists franchise A's data to franchise B", async () => {
    for (const path of listRoutes) {
      const res = await callJson("GET", path, { key: B.key });
      expect(res.status, path).toBe(200);
      const text = JSON.stringify(res.body);
      for (const id of Object.values(ids)) expect(text, path).not.toContain(id);
      expect(text).not.toContain(A.madrid);
    }
    const filtered = await callJson("GET", `/v1/invoices?customerId=${ids.customerId}`, { key: B.key });
    expect(filtered.body.data).toEqual([]);
  });

  it("refuses franchise B's writes against franchise A's resources without changing them", async () => {
    const before = await callJson("GET", `/v1/invoices/${ids.invoiceId}`);
    const customerBefore = await callJson("GET", `/v1/customers/${ids.customerId}`);
    for (const route of writeRoutes()) {
      if (route.path === "/v1/customers") continue; // creating in one's own franchise is allowed
      const res = await callJson(route.method, route.path, { key: B.key, body: route.body, headers: route.headers });
      expect([404, 422], `${route.method} ${route.path}`).toContain(res.status);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    expect((await callJson("GET", `/v1/invoices/${ids.invoiceId}`)).body).toEqual(before.body);
    expect((await callJson("GET", `/v1/customers/${ids.customerId}`)).body).toEqual(customerBefore.body);
  });
});

describe("order of checks", () => {
  it("answers 401 before looking at the body", async () => {
    const res = await callJson("POST", "/v1/invoices", { key: null, body: "{not json" });
    expect(res.status).toBe(401);
  });
});
