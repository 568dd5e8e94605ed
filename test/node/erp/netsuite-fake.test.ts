// The fake NetSuite reproduces what the connector must survive: the M2M token endpoint checking
// the JWT assertion (signature with the mapped certificate's key, kid, iss, aud, exp, scope),
// expiring tokens answered like a failed login, external-ID upserts that never duplicate,
// SuiteQL with Prefer: transient, paging and lastmodifieddate filters, the account's concurrency
// pool with 429 CONCURRENCY_LIMIT_EXCEEDED, and errors in the o:errorDetails shape.
import { createSign, generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeInvoiceTotals } from "../../../workers/domain/invoice-totals.ts";
import { mappingTable, taxKey } from "../../../workers/domain/erp/mapping.ts";
import { netsuiteInvoiceBody } from "../../../workers/domain/erp/netsuite-documents.ts";
import { createNetSuiteFake, FAKE_NETSUITE, type NetSuiteFakeConfig } from "../../../scripts/fakes/netsuite.ts";
import { clientAssertion } from "../../../workers/integrations/netsuite/auth.ts";

const BASE = "http://netsuite.fake";
const TOKEN_URL = `${BASE}/services/rest/auth/oauth2/v1/token`;
const setup = { accountId: FAKE_NETSUITE.accountId, clientId: FAKE_NETSUITE.clientId, certificateId: FAKE_NETSUITE.certificateId };
const now = () => Math.floor(Date.now() / 1000);

const tokenRequest = (assertion: string, extra: Record<string, string> = {}) =>
  new Request(TOKEN_URL, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: "client_credentials", client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: assertion, ...extra }) });

async function connect(config: Partial<NetSuiteFakeConfig> = {}) {
  const fake = createNetSuiteFake(BASE, config);
  const res = await fake(tokenRequest(await clientAssertion(FAKE_NETSUITE.privateKeyPkcs8, setup, TOKEN_URL, now())));
  expect(res.status).toBe(200);
  const token = (await res.json()) as { access_token: string; expires_in: number };
  const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fake(new Request(`${BASE}/services/rest${path}`, { method, headers: { authorization: `Bearer ${token.access_token}`, "content-type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) }));
  const suiteql = async (q: string, query = "") => (await (await api("POST", `/query/v1/suiteql${query}`, { q }, { prefer: "transient" })).json()) as { items: Array<Record<string, unknown>>; hasMore: boolean; totalResults: number };
  const control = async (path: string, body: unknown = {}) => (await fake(new Request(`${BASE}/_fake/${path}`, { method: "POST", body: JSON.stringify(body) }))).json() as Promise<any>;
  return { fake, token, api, suiteql, control };
}

/** A JWT signed by hand (node:crypto), to vary one claim at a time. */
function jwt(claims: Record<string, unknown>, header: Record<string, unknown> = {}, key: string = FAKE_NETSUITE.privateKeyPkcs8) {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const input = `${enc({ alg: "ES256", typ: "JWT", kid: setup.certificateId, ...header })}.${enc({ iss: setup.clientId, scope: ["rest_webservices"], aud: TOKEN_URL, iat: now(), exp: now() + 300, ...claims })}`;
  const signer = createSign("sha256");
  signer.update(input);
  const sig = signer.sign({ key: Buffer.from(key, "base64"), format: "der", type: "pkcs8", dsaEncoding: "ieee-p1363" });
  return `${input}.${sig.toString("base64url")}`;
}

const invoice = (customerId: string, externalId: string, taxCode = "101") => ({
  externalId,
  tranId: `MAD1-${externalId}`,
  entity: { id: customerId },
  tranDate: "2026-01-01",
  currency: { id: "4" },
  item: { items: [{ item: { id: "201" }, quantity: 2, rate: 2.5, amount: 5, taxCode: { id: taxCode }, tax1Amt: 1.05 }] },
});

async function customer(api: Awaited<ReturnType<typeof connect>>["api"]) {
  const res = await api("PUT", "/record/v1/customer/eid:cus_1", { companyName: "Casa Lumen SL" });
  expect(res.status).toBe(204);
  return /\/(\d+)$/.exec(res.headers.get("location")!)![1]!;
}

describe("fake NetSuite M2M token endpoint", () => {
  it("issues a 60-minute token for an assertion signed with the mapped certificate's key (the product's own ES256 signer)", async () => {
    const { token } = await connect();
    expect(token.expires_in).toBe(3600);
    expect(token.access_token).toMatch(/^nsat_/);
  });

  it("refuses a wrong key, an unmapped kid, a foreign iss, a wrong aud, an expired assertion and a missing scope", async () => {
    const fake = createNetSuiteFake(BASE);
    const other = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "der" }).toString("base64");
    const cases: Array<[string, string, string]> = [
      [jwt({}, {}, other), "invalid_grant", "signature"],
      [jwt({}, { kid: "nope" }), "invalid_grant", "not mapped"],
      [jwt({ iss: "someone-else" }), "invalid_client", "client id"],
      [jwt({ aud: "https://elsewhere/token" }), "invalid_grant", "aud"],
      [jwt({ iat: now() - 600, exp: now() - 60 }), "invalid_grant", "expired"],
      [jwt({ scope: ["restlets"] }), "invalid_scope", "rest_webservices"],
    ];
    for (const [assertion, error, mentions] of cases) {
      const res = await fake(tokenRequest(assertion));
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: string; error_description: string };
      expect(body.error).toBe(error);
      expect(body.error_description).toContain(mentions);
    }
    expect((await fake(tokenRequest(jwt({}), { client_assertion_type: "urn:other" }))).status).toBe(400);
  });

  it("refuses our key once the certificate is mapped to another key (/_fake/certificate mismatched)", async () => {
    const { fake, control } = await connect();
    await control("certificate", { mismatched: true });
    const res = await fake(tokenRequest(await clientAssertion(FAKE_NETSUITE.privateKeyPkcs8, setup, TOKEN_URL, now())));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_grant");
  });

  it("answers an expired token with 401 INVALID_LOGIN in the o:errorDetails shape", async () => {
    const { api, control } = await connect();
    await control("faults", { expireAccessTokens: true });
    const res = await api("GET", "/record/v1/customer/1");
    expect(res.status).toBe(401);
    const body = (await res.json()) as Record<string, any>;
    expect(body.title).toBe("Unauthorized");
    expect(body["o:errorDetails"][0]["o:errorCode"]).toBe("INVALID_LOGIN");
  });
});

describe("fake NetSuite records", () => {
  it("upserts by external id: a second PUT replaces the same record, never duplicates", async () => {
    const { api, control } = await connect();
    const cus = await customer(api);
    const first = await api("PUT", "/record/v1/invoice/eid:inv_1", invoice(cus, "inv_1"));
    expect(first.status).toBe(204);
    const second = await api("PUT", "/record/v1/invoice/eid:inv_1", invoice(cus, "inv_1"));
    expect(second.headers.get("location")).toBe(first.headers.get("location"));
    const state = await control("state");
    expect(state.invoices).toHaveLength(1);
    expect(state.invoices[0]).toMatchObject({ externalId: "inv_1", total: 6.05, subtotal: 5, taxTotal: 1.05 });
    // A plain create with a used external id is refused.
    expect((await api("POST", "/record/v1/invoice", invoice(cus, "inv_1"))).status).toBe(400);
  });

  it("names the field of a bad reference with o:errorPath, and refuses a tax amount its code would not compute", async () => {
    const { api } = await connect();
    const cus = await customer(api);
    const bad = await api("PUT", "/record/v1/invoice/eid:inv_2", invoice(cus, "inv_2", "999"));
    expect(bad.status).toBe(400);
    const detail = ((await bad.json()) as any)["o:errorDetails"][0];
    expect(detail).toMatchObject({ "o:errorCode": "INVALID_VALUE", "o:errorPath": "item.items[0].taxCode" });
    const body = invoice(cus, "inv_3");
    body.item.items[0]!.tax1Amt = 2;
    const drift = await api("PUT", "/record/v1/invoice/eid:inv_3", body);
    expect(((await drift.json()) as any)["o:errorDetails"][0]["o:errorPath"]).toBe("item.items[0].tax1Amt");
  });

  it("applies a customer payment, refuses to overpay, and will not void a paid invoice", async () => {
    const { api, control } = await connect();
    const cus = await customer(api);
    const inv = /\/(\d+)$/.exec((await api("PUT", "/record/v1/invoice/eid:inv_4", invoice(cus, "inv_4"))).headers.get("location")!)![1]!;
    const pay = (amount: number) => ({ customer: { id: cus }, currency: { id: "4" }, account: { id: "1" }, payment: amount, apply: { items: [{ doc: { id: inv }, apply: true, amount }] } });
    expect((await api("PUT", "/record/v1/customerPayment/eid:pay_1:inv_4", pay(2))).status).toBe(204);
    // Replaying the same payment replaces it: still 2.00 paid, not 4.00.
    expect((await api("PUT", "/record/v1/customerPayment/eid:pay_1:inv_4", pay(2))).status).toBe(204);
    expect((await control("state")).invoices[0]).toMatchObject({ amountPaid: 2, amountRemaining: 4.05 });
    const over = await api("PUT", "/record/v1/customerPayment/eid:pay_2:inv_4", pay(5));
    expect(over.status).toBe(400);
    expect(((await over.json()) as any)["o:errorDetails"][0].detail).toMatch(/exceeds the amount due/);
    const voided = await api("POST", `/record/v1/invoice/${inv}/@void`);
    expect(((await voided.json()) as any)["o:errorDetails"][0].detail).toMatch(/payments have been applied/);
  });
});

describe("the connector's bodies against the fake", () => {
  it("are accepted by NetSuite's per-line tax check and total to ours to the cent (property)", async () => {
    const { api, control } = await connect();
    const cus = await customer(api);
    const mapping = mappingTable([
      { kind: "tax", localKey: taxKey("ES", "standard", 210_000), remoteCode: "101" },
      { kind: "tax", localKey: taxKey("ES", "standard", 40_000), remoteCode: "102" },
      { kind: "tax", localKey: taxKey("ES", "standard", 100_000), remoteCode: "103" },
      { kind: "account", localKey: "default", remoteCode: "201" },
    ]);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ quantityMilli: fc.integer({ min: 1, max: 50_000 }), unitPrice: fc.integer({ min: 0, max: 500_000 }), discountBps: fc.integer({ min: 0, max: 5_000 }), taxRatePpm: fc.constantFrom(40_000, 100_000, 210_000) }), { minLength: 1, maxLength: 20 }),
        async (lines) => {
          const priced = lines.map((l) => ({ ...l, taxCategory: "standard" as const }));
          const t = computeInvoiceTotals(priced);
          const id = `inv_prop${n++}`;
          const body = netsuiteInvoiceBody(
            { id, number: id, currency: "EUR", issueDate: "2026-01-01", subtotal: t.subtotal, taxTotal: t.taxTotal, total: t.total, taxBreakdown: t.taxBreakdown, lines: priced.map((l, i) => ({ position: i + 1, description: "x", quantityMilli: l.quantityMilli, unitPrice: l.unitPrice, netAmount: t.lineNetAmounts[i]!, serviceTypeId: null, taxCategory: "standard", taxRatePpm: l.taxRatePpm })) },
            { customerId: cus, jurisdiction: "ES", mapping, currencies: new Map([["EUR", "4"]]) },
          );
          const res = await api("PUT", `/record/v1/invoice/eid:${id}`, body);
          expect(res.status).toBe(204);
          const stored = ((await control("state")).invoices as Array<{ externalId: string; total: number }>).find((i) => i.externalId === id)!;
          expect(Math.round(stored.total * 100)).toBe(t.total);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("fake NetSuite SuiteQL and governance", () => {
  it("needs Prefer: transient, pages by limit/offset and filters on lastmodifieddate", async () => {
    const { api, suiteql } = await connect();
    const cus = await customer(api);
    for (let i = 0; i < 5; i++) await api("PUT", `/record/v1/invoice/eid:inv_p${i}`, invoice(cus, `inv_p${i}`));
    const noPrefer = await api("POST", "/query/v1/suiteql", { q: "SELECT id FROM transaction" });
    expect(noPrefer.status).toBe(400);
    const q = "SELECT id, externalid, TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS modified FROM transaction WHERE type IN ('CustInvc') AND lastmodifieddate >= TO_TIMESTAMP('2000-01-01 00:00:00', 'YYYY-MM-DD HH24:MI:SS') ORDER BY lastmodifieddate, id";
    const first = await suiteql(q, "?limit=2&offset=0");
    expect(first).toMatchObject({ hasMore: true, totalResults: 5 });
    expect(first.items).toHaveLength(2);
    expect(String(first.items[0]!.modified)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const last = await suiteql(q, "?limit=2&offset=4");
    expect(last.hasMore).toBe(false);
    const future = await suiteql("SELECT id FROM transaction WHERE lastmodifieddate > TO_TIMESTAMP('2999-01-01 00:00:00', 'YYYY-MM-DD HH24:MI:SS')");
    expect(future.items).toHaveLength(0);
    const unsupported = await api("POST", "/query/v1/suiteql", { q: "DELETE FROM transaction" }, { prefer: "transient" });
    expect(((await unsupported.json()) as any)["o:errorDetails"][0]["o:errorCode"]).toBe("INVALID_PARAMETER");
  });

  it("shares the account's concurrency pool with its other integrations: beyond it, 429 CONCURRENCY_LIMIT_EXCEEDED", async () => {
    const { api, control } = await connect({ concurrency: 5, latencyMs: 50 });
    await control("faults", { otherIntegrations: 3 });
    const answers = await Promise.all(Array.from({ length: 6 }, () => api("GET", "/record/v1/customer/1")));
    const limited = answers.filter((r) => r.status === 429);
    expect(limited).toHaveLength(4);
    const body = (await limited[0]!.json()) as any;
    expect(body).toMatchObject({ title: "Too Many Requests", status: 429 });
    expect(body["o:errorDetails"][0]).toMatchObject({ "o:errorCode": "CONCURRENCY_LIMIT_EXCEEDED", detail: "Concurrent request limit exceeded. Request blocked." });
    expect((await control("state")).counters.maxInFlight).toBeLessThanOrEqual(5);
  });
});
