// The fake QBO reproduces what the connector must survive: the OAuth callback with realmId,
// rotating refresh tokens, expiring access tokens (Intuit's lower-case 401 fault), the per-realm
// limits answered with an XML 429, Fault JSON for validation, requestid replay, SyncToken, void,
// query by DocNumber, CDC, and the XSD contract check of every body.
import { describe, expect, it } from "vitest";
import { createQboFake, FAKE_QBO, type QboFakeConfig } from "../../../scripts/fakes/qbo.ts";
import { qboContractProblems } from "../../../scripts/fakes/qbo-contract.ts";

const BASE = "http://qbo.fake";
const basic = `Basic ${Buffer.from(`${FAKE_QBO.clientId}:${FAKE_QBO.clientSecret}`).toString("base64")}`;
const tokenRequest = (form: Record<string, string>) => new Request(`${BASE}/oauth2/v1/tokens/bearer`, { method: "POST", headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form) });

async function connect(config: Partial<QboFakeConfig> = {}) {
  const fake = createQboFake(BASE, config);
  const auth = await fake(new Request(`${BASE}/connect/oauth2?response_type=code&client_id=${FAKE_QBO.clientId}&redirect_uri=${encodeURIComponent("http://app/cb")}&scope=com.intuit.quickbooks.accounting&state=s1`));
  expect(auth.status).toBe(302);
  const back = new URL(auth.headers.get("location")!);
  expect(back.searchParams.get("realmId")).toBe(FAKE_QBO.realmId);
  expect(back.searchParams.get("state")).toBe("s1");
  const tokens = (await (await fake(tokenRequest({ grant_type: "authorization_code", code: back.searchParams.get("code")!, redirect_uri: "http://app/cb" }))).json()) as { access_token: string; refresh_token: string; expires_in: number };
  const api = (method: string, path: string, body?: unknown, token = tokens.access_token) =>
    fake(new Request(`${BASE}/v3/company/${FAKE_QBO.realmId}${path}`, { method, headers: { authorization: `Bearer ${token}`, accept: "application/json", "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) }));
  return { fake, tokens, api };
}

const invoiceBody = (customerId: string, number: string, lines: Array<[qty: number, unit: number, taxCode: string]>, totalTax?: number) => ({
  DocNumber: number,
  CustomerRef: { value: customerId },
  CurrencyRef: { value: "EUR" },
  TxnDate: "2026-03-01",
  Line: lines.map(([qty, unit, tax]) => ({ Amount: Math.round(qty * unit * 100) / 100, DetailType: "SalesItemLineDetail", SalesItemLineDetail: { ItemRef: { value: "1" }, Qty: qty, UnitPrice: unit, TaxCodeRef: { value: tax } } })),
  ...(totalTax !== undefined ? { TxnTaxDetail: { TotalTax: totalTax } } : {}),
});

async function customer(api: Awaited<ReturnType<typeof connect>>["api"], name = "Casa Lumen SL") {
  const res = await api("POST", "/customer?requestid=c1", { DisplayName: name, CurrencyRef: { value: "EUR" } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { Customer: { Id: string } }).Customer.Id;
}

describe("fake QBO: OAuth", () => {
  it("access tokens expire after the (scaled) hour with Intuit's 401, and refresh tokens rotate", async () => {
    const { fake, tokens, api } = await connect({ minuteMs: 10, accessTokenMinutes: 1 });
    expect(tokens.expires_in).toBe(0); // 10 ms
    await new Promise((r) => setTimeout(r, 15));
    const expired = await api("GET", `/companyinfo/${FAKE_QBO.realmId}`);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ fault: { type: "AUTHENTICATION", error: [{ code: "3200" }] } });
    const first = await fake(tokenRequest({ grant_type: "refresh_token", refresh_token: tokens.refresh_token }));
    expect(first.status).toBe(200);
    const again = await fake(tokenRequest({ grant_type: "refresh_token", refresh_token: tokens.refresh_token }));
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: "invalid_grant" });
  });
});

describe("fake QBO: limits", () => {
  it("answers the 11th concurrent call and the 501st of a minute with the XML 429 (even to Accept: application/json)", async () => {
    const { api } = await connect({ latencyMs: 30, minuteMs: 60_000 });
    const burst = await Promise.all(Array.from({ length: 11 }, () => api("GET", `/companyinfo/${FAKE_QBO.realmId}`)));
    const limited = burst.filter((r) => r.status === 429);
    expect(limited).toHaveLength(1);
    expect(limited[0]!.headers.get("content-type")).toBe("application/xml");
    const xml = await limited[0]!.text();
    expect(xml).toContain('<Fault type="SERVICE"><Error code="3001">');
    expect(xml).toContain("ThrottleExceeded");
    const { api: api2 } = await connect({ perMinute: 5 });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await api2("GET", "/query?query=select * from TaxCode")).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });
});

describe("fake QBO: documents", () => {
  it("prices like QBO (tax per tax code on the lines' sum), keeps requestid answers and refuses a reused DocNumber with 6140", async () => {
    const { api } = await connect();
    const c = await customer(api);
    // 3 × 0.35 + 1 × 0.35 at 21 %: per-line tax would be 0.22 + 0.07 = 0.29; on the sum 1.40 × 21 % = 0.294 → 0.29.
    const res = await api("POST", "/invoice?requestid=r1", invoiceBody(c, "A-1", [[3, 0.35, "3"], [1, 0.35, "3"], [1, 10, "5"]]));
    expect(res.status).toBe(200);
    const text = await res.text();
    const inv = (JSON.parse(text) as { Invoice: { Id: string; TotalAmt: number; TxnTaxDetail: { TotalTax: number }; SyncToken: string } }).Invoice;
    expect(inv.TxnTaxDetail.TotalTax).toBe(0.69);
    expect(inv.TotalAmt).toBe(12.09);
    const replay = await api("POST", "/invoice?requestid=r1", invoiceBody(c, "A-1", [[3, 0.35, "3"], [1, 0.35, "3"], [1, 10, "5"]]));
    expect(await replay.text()).toBe(text);
    const dup = await api("POST", "/invoice?requestid=r2", invoiceBody(c, "A-1", [[1, 1, "3"]]));
    expect(dup.status).toBe(400);
    expect(await dup.json()).toMatchObject({ Fault: { type: "ValidationFault", Error: [{ code: "6140", element: "DocNumber" }] } });
    const found = (await (await api("GET", `/query?query=${encodeURIComponent("select * from Invoice where DocNumber = 'A-1'")}`)).json()) as { QueryResponse: { Invoice: Array<{ Id: string }> } };
    expect(found.QueryResponse.Invoice.map((i) => i.Id)).toEqual([inv.Id]);
  });

  it("accepts a TotalTax override within rounding only, and names the field of a bad reference", async () => {
    const { api } = await connect();
    const c = await customer(api);
    expect((await api("POST", "/invoice", invoiceBody(c, "B-1", [[1, 0.35, "3"], [1, 0.35, "4"]], 0.11))).status).toBe(200);
    const far = await api("POST", "/invoice", invoiceBody(c, "B-2", [[1, 10, "3"]], 3));
    expect(await far.json()).toMatchObject({ Fault: { Error: [{ code: "6000", element: "TxnTaxDetail.TotalTax" }] } });
    const badTax = await api("POST", "/invoice", invoiceBody(c, "B-3", [[1, 10, "99"]]));
    expect(await badTax.json()).toMatchObject({ Fault: { Error: [{ code: "2500", element: "TaxCodeRef" }] } });
    const inactive = await api("POST", "/invoice", invoiceBody(c, "B-4", [[1, 10, "9"]]));
    expect(await inactive.json()).toMatchObject({ Fault: { Error: [{ code: "610" }] } });
  });

  it("voids with the SyncToken (5010 when stale), refuses to void a paid invoice, and shows changes in CDC", async () => {
    const { api } = await connect();
    const c = await customer(api);
    const since = new Date(Date.now() - 1000).toISOString();
    const a = ((await (await api("POST", "/invoice", invoiceBody(c, "V-1", [[1, 10, "7"]]))).json()) as { Invoice: { Id: string; SyncToken: string } }).Invoice;
    const b = ((await (await api("POST", "/invoice", invoiceBody(c, "V-2", [[1, 10, "7"]]))).json()) as { Invoice: { Id: string } }).Invoice;
    const stale = await api("POST", "/invoice?operation=void", { Id: a.Id, SyncToken: "7" });
    expect(await stale.json()).toMatchObject({ Fault: { Error: [{ code: "5010" }] } });
    const voided = await api("POST", "/invoice?operation=void", { Id: a.Id, SyncToken: a.SyncToken });
    expect(await voided.json()).toMatchObject({ Invoice: { TotalAmt: 0, PrivateNote: "Voided", SyncToken: "1" } });
    const paid = await api("POST", "/payment", { CustomerRef: { value: c }, TotalAmt: 4, DepositToAccountRef: { value: "35" }, Line: [{ Amount: 4, LinkedTxn: [{ TxnId: b.Id, TxnType: "Invoice" }] }] });
    expect(paid.status).toBe(200);
    const refused = await api("POST", "/invoice?operation=void", { Id: b.Id, SyncToken: "1" });
    expect(await refused.json()).toMatchObject({ Fault: { Error: [{ code: "6000" }] } });
    const changes = (await (await api("GET", `/cdc?entities=Invoice,Payment&changedSince=${since}`)).json()) as { CDCResponse: Array<{ QueryResponse: Array<Record<string, unknown[]>> }> };
    expect(changes.CDCResponse[0]!.QueryResponse[0]!.Invoice).toHaveLength(2);
    expect(changes.CDCResponse[1]!.QueryResponse[0]!.Payment).toHaveLength(1);
    const tooOld = await api("GET", `/cdc?entities=Invoice&changedSince=${new Date(Date.now() - 31 * 86_400_000).toISOString()}`);
    expect(tooOld.status).toBe(400);
  });

  it("refuses a body with an element the XSD does not declare, and records it", async () => {
    const { api, fake } = await connect();
    const c = await customer(api);
    const res = await api("POST", "/invoice", { ...invoiceBody(c, "X-1", [[1, 1, "3"]]), InvoiceNumber: "X-1" });
    expect(res.status).toBe(400);
    const state = (await (await fake(new Request(`${BASE}/_fake/state`))).json()) as { contractViolations: Array<{ problems: string[] }> };
    expect(state.contractViolations[0]!.problems).toEqual(["$.InvoiceNumber is not an element of Invoice in the QBO XSD"]);
    expect(qboContractProblems("Payment", { Line: [{ LinkedTxn: [{ TxnId: "1", TxnType: "Invoice", Bogus: 1 }] }] })).toEqual(["$.Line[0].LinkedTxn[0].Bogus is not an element of LinkedTxn in the QBO XSD"]);
  });
});
