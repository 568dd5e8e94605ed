// The fake Xero reproduces what the connector must survive: PKCE, rotating single-use refresh
// tokens, expiring access tokens, the per-tenant limits with 429 + Retry-After +
// X-Rate-Limit-Problem, ValidationException with per-item errors, Idempotency-Key replay and
// the schema check of every body.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createXeroFake, FAKE_XERO, type XeroFakeConfig } from "../../../scripts/fakes/xero.ts";

const BASE = "http://xero.fake";
const basic = `Basic ${Buffer.from(`${FAKE_XERO.clientId}:${FAKE_XERO.clientSecret}`).toString("base64")}`;

async function connect(config: Partial<XeroFakeConfig> = {}) {
  const fake = createXeroFake(BASE, config);
  const verifier = "v".repeat(50);
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const auth = await fake(new Request(`${BASE}/identity/connect/authorize?response_type=code&client_id=${FAKE_XERO.clientId}&redirect_uri=${encodeURIComponent("http://app/cb")}&state=s1&code_challenge=${challenge}&code_challenge_method=S256`));
  expect(auth.status).toBe(302);
  const back = new URL(auth.headers.get("location")!);
  expect(back.searchParams.get("state")).toBe("s1");
  const tokenRequest = (v: string) => new Request(`${BASE}/identity/connect/token`, { method: "POST", headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: "authorization_code", code: back.searchParams.get("code")!, redirect_uri: "http://app/cb", code_verifier: v }) });
  const tokens = (await (await fake(tokenRequest(verifier))).json()) as { access_token: string; refresh_token: string; expires_in: number };
  const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fake(new Request(`${BASE}/api.xro/2.0${path}`, { method, headers: { authorization: `Bearer ${tokens.access_token}`, "xero-tenant-id": FAKE_XERO.tenantId, "content-type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) }));
  return { fake, tokens, api, tokenRequest };
}

const refresh = (fake: ReturnType<typeof createXeroFake>, token: string) =>
  fake(new Request(`${BASE}/identity/connect/token`, { method: "POST", headers: { authorization: basic }, body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: token }) }));

async function contactId(api: Awaited<ReturnType<typeof connect>>["api"]) {
  const r = (await (await api("POST", "/Contacts", { Contacts: [{ Name: "Casa Lumen", ContactNumber: "cus_1" }] })).json()) as { Contacts: Array<{ ContactID: string }> };
  return r.Contacts[0]!.ContactID;
}
const invoice = (contact: string, number: string, taxType = "OUTPUT_ES21") => ({ Type: "ACCREC", Contact: { ContactID: contact }, InvoiceNumber: number, Date: "2026-01-01", LineAmountTypes: "Exclusive", Status: "AUTHORISED", CurrencyCode: "EUR", LineItems: [{ Description: "Clean", Quantity: 2, UnitAmount: 2.5, LineAmount: 5, AccountCode: "200", TaxType: taxType, TaxAmount: 1.05 }] });

describe("fake Xero identity", () => {
  it("checks PKCE and rotates refresh tokens: the old one dies on use", async () => {
    const { fake, tokens } = await connect();
    expect(tokens.expires_in).toBe(1800);
    const first = await refresh(fake, tokens.refresh_token);
    expect(first.status).toBe(200);
    const again = await refresh(fake, tokens.refresh_token);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: "invalid_grant", error_description: "Token has been expired or revoked." });
    const next = (await first.json()) as { refresh_token: string };
    expect((await refresh(fake, next.refresh_token)).status).toBe(200);
  });

  it("refuses a wrong PKCE verifier", async () => {
    const fake = createXeroFake(BASE);
    const auth = await fake(new Request(`${BASE}/identity/connect/authorize?client_id=${FAKE_XERO.clientId}&redirect_uri=http%3A%2F%2Fapp%2Fcb&code_challenge=abc&code_challenge_method=S256`));
    const code = new URL(auth.headers.get("location")!).searchParams.get("code")!;
    const r = await fake(new Request(`${BASE}/identity/connect/token`, { method: "POST", headers: { authorization: basic }, body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: "http://app/cb", code_verifier: "wrong" }) }));
    expect(r.status).toBe(400);
  });

  it("answers TokenExpired once the access token's 30 (scaled) minutes pass", async () => {
    const { api } = await connect({ minuteMs: 20, accessTokenMinutes: 1 });
    await new Promise((r) => setTimeout(r, 40));
    const r = await api("GET", "/Invoices");
    expect(r.status).toBe(401);
    expect(((await r.json()) as { Detail: string }).Detail).toMatch(/^TokenExpired/);
  });
});

describe("fake Xero limits", () => {
  it("allows 60 calls per minute, then 429 minute with Retry-After and remaining headers", async () => {
    const { api } = await connect({ minuteMs: 60_000 });
    for (let i = 0; i < 60; i++) expect((await api("GET", "/TaxRates")).status).toBe(200);
    const r = await api("GET", "/TaxRates");
    expect(r.status).toBe(429);
    expect(r.headers.get("x-rate-limit-problem")).toBe("minute");
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(r.headers.get("x-minlimit-remaining")).toBe("0");
  });

  it("refuses a 6th concurrent call", async () => {
    const { api } = await connect({ latencyMs: 50 });
    const statuses = await Promise.all(Array.from({ length: 6 }, () => api("GET", "/TaxRates").then((r) => [r.status, r.headers.get("x-rate-limit-problem")] as const)));
    expect(statuses.filter(([s]) => s === 200)).toHaveLength(5);
    expect(statuses.filter(([s, p]) => s === 429 && p === "concurrent")).toHaveLength(1);
  });

  it("answers 429 day once the day's calls are spent", async () => {
    const { api } = await connect({ perDay: 3, perMinute: 100 });
    for (let i = 0; i < 3; i++) await api("GET", "/TaxRates");
    const r = await api("GET", "/TaxRates");
    expect([r.status, r.headers.get("x-rate-limit-problem")]).toEqual([429, "day"]);
  });
});

describe("fake Xero documents", () => {
  it("reports per-item errors with summarizeErrors=false and a ValidationException otherwise", async () => {
    const { api } = await connect();
    const contact = await contactId(api);
    const partial = (await (await api("POST", "/Invoices?summarizeErrors=false", { Invoices: [invoice(contact, "A-1"), invoice(contact, "A-2", "NOPE")] })).json()) as { Invoices: Array<{ HasErrors: boolean; Total?: number; ValidationErrors?: Array<{ Message: string }> }> };
    expect(partial.Invoices.map((i) => i.HasErrors)).toEqual([false, true]);
    expect(partial.Invoices[0]!.Total).toBe(6.05);
    expect(partial.Invoices[1]!.ValidationErrors![0]!.Message).toBe("Tax type 'NOPE' is not valid.");
    const all = await api("POST", "/Invoices", { Invoices: [invoice(contact, "A-1")] });
    expect(all.status).toBe(400);
    expect(await all.json()).toMatchObject({ ErrorNumber: 10, Type: "ValidationException", Elements: [{ ValidationErrors: [{ Message: "Invoice # must be unique." }] }] });
  });

  it("replays the first answer for a repeated Idempotency-Key (no second invoice)", async () => {
    const { api, fake } = await connect();
    const contact = await contactId(api);
    const one = await (await api("POST", "/Invoices", { Invoices: [invoice(contact, "B-1")] }, { "idempotency-key": "k1" })).text();
    const two = await (await api("POST", "/Invoices", { Invoices: [invoice(contact, "B-1")] }, { "idempotency-key": "k1" })).text();
    expect(two).toBe(one);
    const state = (await (await fake(new Request(`${BASE}/_fake/state`))).json()) as { invoices: unknown[] };
    expect(state.invoices).toHaveLength(1);
  });

  it("refuses a body outside xero_accounting.yaml (misspelt field, wrong type)", async () => {
    const { api } = await connect();
    const r = await api("POST", "/Invoices", { Invoices: [{ ...invoice("x", "C-1"), InvoiceNumbr: "C-1" }] });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { problems: string[] }).problems).toContain("$.Invoices[0].InvoiceNumbr is not in Xero's schema");
  });
});
