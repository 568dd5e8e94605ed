// Fake QuickBooks Online: Intuit OAuth 2.0 (authorization code; the callback carries realmId;
// 1-hour access tokens; refresh tokens that rotate), the v3 Accounting API the connector uses
// (Invoice, CreditMemo, Payment, Customer, TaxCode, Item, Account; query; CDC; void), QBO's real
// limits per realm (10 in flight, 500 per minute, with the 429 answered as XML even to a JSON
// client), `requestid` replay, SyncToken checks and the Fault shapes of NOTES.md §8 (Q1–Q15).
// Time scales with `minuteMs` (a "minute" of 1 s in tests); every limit and lifetime scales too.
// Control surface: /_fake/config, /_fake/faults, /_fake/state, /_fake/requests, /_fake/reset,
// /_fake/edit-invoice, /_fake/edit-customer, /_fake/void-invoice, /_fake/delete-invoice, /_fake/payment, /_fake/webhook.
import { createHash, createHmac, randomUUID } from "node:crypto";
import type { FakeDefinition, FakeHandler } from "./fake-server.ts";
import { qboContractProblems, qboEntityFor } from "./qbo-contract.ts";
import { seededRandom } from "../../workers/domain/forecast/stats.ts";
import { FAKE_QBO_CREDENTIALS } from "../../workers/config/local-secrets.ts";

export const FAKE_QBO = {
  ...FAKE_QBO_CREDENTIALS,
  realmId: "9341450000000001",
  companyName: "Demo Company (fake QuickBooks)",
} as const;

export interface QboFakeConfig {
  /** Length of a rate-limit "minute" in real ms (60,000 = real time). */
  minuteMs: number;
  perMinute: number;
  concurrent: number;
  /** Access-token lifetime in "minutes" (QBO: 60). */
  accessTokenMinutes: number;
  /** Artificial latency per API call, real ms (so the concurrency limit can be hit). */
  latencyMs: number;
  /** How long a `requestid` is remembered, in "minutes" (Intuit does not document it). */
  requestIdMinutes: number;
}

const DEFAULT_CONFIG: QboFakeConfig = { minuteMs: 60_000, perMinute: 500, concurrent: 10, accessTokenMinutes: 60, latencyMs: 0, requestIdMinutes: 1440 };

interface Faults {
  /** Share of API calls answered 500 before doing anything (0..1). */
  errorRate: number;
  /** Next n API calls answer the XML 429. */
  rateLimitStorm: number;
  /** Next n writes are committed, then answered 503 (the "uncertain outcome"). */
  commitThenFail: number;
  /** Next n writes are committed, then answered 504 after `timeoutMs` (a timeout). */
  timeouts: number;
  timeoutMs: number;
  seed: number;
}
const NO_FAULTS: Faults = { errorRate: 0, rateLimitStorm: 0, commitThenFail: 0, timeouts: 0, timeoutMs: 200, seed: 1 };

type Json = Record<string, unknown>;
interface Token { value: string; expiresAt: number; realmId: string }
interface RefreshToken { value: string; used: boolean; realmId: string }

export const QBO_TAX_CODES = [
  { Id: "3", Name: "IVA 21% (ES)", Active: true, Taxable: true, ratePpm: 210_000 },
  { Id: "4", Name: "IVA 10% (ES)", Active: true, Taxable: true, ratePpm: 100_000 },
  { Id: "5", Name: "IVA 4% (ES)", Active: true, Taxable: true, ratePpm: 40_000 },
  { Id: "6", Name: "VAT 20% (UK)", Active: true, Taxable: true, ratePpm: 200_000 },
  { Id: "7", Name: "Exempt", Active: true, Taxable: false, ratePpm: 0 },
  { Id: "9", Name: "IVA 16% (old)", Active: false, Taxable: true, ratePpm: 160_000 },
];
export const QBO_ITEMS = [
  { Id: "1", Name: "Services", Type: "Service", Active: true, IncomeAccountRef: { value: "79", name: "Sales of Product Income" } },
  { Id: "2", Name: "Cleaning", Type: "Service", Active: true, IncomeAccountRef: { value: "79", name: "Sales of Product Income" } },
  { Id: "8", Name: "Discontinued", Type: "Service", Active: false, IncomeAccountRef: { value: "79", name: "Sales of Product Income" } },
];
export const QBO_ACCOUNTS = [
  { Id: "79", Name: "Sales of Product Income", AccountType: "Income", Active: true },
  { Id: "35", Name: "Checking", AccountType: "Bank", Active: true },
  { Id: "4", Name: "Undeposited Funds", AccountType: "Other Current Asset", Active: true },
];
const CURRENCIES = ["EUR", "USD", "GBP"];
/** Operation → the past tense the CloudEvents `type` uses, e.g. qbo.invoice.updated.v1. */
const PAST: Record<string, string> = { Create: "created", Update: "updated", Delete: "deleted", Void: "voided", Merge: "merged", Emailed: "emailed" };

const cents = (x: unknown) => Math.round(Number(x ?? 0) * 100);
const dec = (c: number) => c / 100;
/** Half away from zero on integers: QBO rounds money to 2 dp this way. */
const roundDiv = (n: bigint, d: bigint) => (n >= 0n ? (2n * n + d) / (2n * d) : -((2n * -n + d) / (2n * d)));

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", intuit_tid: randomUUID(), ...headers } });
}
const time = (ms: number) => new Date(ms).toISOString();
const fault = (type: string, errors: Array<{ code: string; Message: string; Detail: string; element?: string }>, status = 400) =>
  json(status, { Fault: { Error: errors.map((e) => ({ Message: e.Message, Detail: e.Detail, code: e.code, element: e.element ?? "" })), type }, time: time(Date.now()) });
const validationFault = (code: string, Message: string, Detail: string, element = "") => fault("ValidationFault", [{ code, Message, Detail, element }]);
const businessError = (detail: string, element = "") => validationFault("6000", "A business validation error has occurred while processing your request", `Business Validation Error: ${detail}`, element);
const invalidReference = (element: string, id: unknown) => validationFault("2500", "Invalid Reference Id", `Invalid Reference Id : ${element.replace(/Ref$/, "")} assigned is not valid: ${String(id)}`, element);

/** Q1: QBO answers a throttle with XML, whatever the Accept header asked for. */
function throttled(retryAfterSeconds: number): Response {
  const body = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="${time(Date.now())}"><Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message><Detail>The request limit was reached.  Try again later</Detail></Error></Fault></IntuitResponse>`;
  return new Response(body, { status: 429, headers: { "content-type": "application/xml", "Retry-After": String(retryAfterSeconds) } });
}

/** Q9: the 401 of an expired or unknown access token (lower-case keys, as Intuit sends them). */
const authenticationFault = (detail: string) => json(401, { fault: { error: [{ message: "message=AuthenticationFailed; errorCode=003200; statusCode=401", detail, code: "3200" }], type: "AUTHENTICATION" } });

export function createQboFake(baseUrl: string, initial: Partial<QboFakeConfig> = {}): FakeHandler {
  let config: QboFakeConfig = { ...DEFAULT_CONFIG, ...initial };
  let faults: Faults = { ...NO_FAULTS };
  let random = seededRandom(faults.seed);
  const now = () => Date.now();
  const minute = () => config.minuteMs;

  const codes = new Map<string, { redirectUri: string; challenge: string | null; realmId: string; expiresAt: number }>();
  const accessTokens = new Map<string, Token>();
  const refreshTokens = new Map<string, RefreshToken>();
  const store = { Invoice: new Map<string, Json>(), CreditMemo: new Map<string, Json>(), Payment: new Map<string, Json>(), Customer: new Map<string, Json>() };
  let nextId = 100;
  const requestIds = new Map<string, { at: number; status: number; body: string }>();
  const calls = new Map<string, number[]>();
  const inFlight = new Map<string, number>();
  const recorded: Array<{ at: number; method: string; path: string; status: number; requestId: string | null; body: unknown }> = [];
  const contractViolations: Array<{ path: string; problems: string[] }> = [];
  const counters = { apiCalls: 0, rateLimited: 0, injected5xx: 0, timeouts: 0, refreshes: 0, rejectedRefreshes: 0, requestIdReplays: 0 };

  // ---- OAuth ----------------------------------------------------------------------------

  function issueTokens(realmId: string) {
    const access: Token = { value: `qat_${randomUUID()}`, expiresAt: now() + config.accessTokenMinutes * minute(), realmId };
    const refresh: RefreshToken = { value: `qrt_${randomUUID()}`, used: false, realmId };
    accessTokens.set(access.value, access);
    refreshTokens.set(refresh.value, refresh);
    return { access_token: access.value, refresh_token: refresh.value, token_type: "bearer", expires_in: Math.round((config.accessTokenMinutes * minute()) / 1000), x_refresh_token_expires_in: Math.round((100 * 1440 * minute()) / 1000) };
  }

  async function token(request: Request): Promise<Response> {
    const form = new URLSearchParams(await request.text());
    const basic = request.headers.get("authorization") ?? "";
    const [id, secret] = basic.startsWith("Basic ") ? Buffer.from(basic.slice(6), "base64").toString().split(":") : [];
    if (id !== FAKE_QBO.clientId || secret !== FAKE_QBO.clientSecret) return json(401, { error: "invalid_client" });
    if (form.get("grant_type") === "authorization_code") {
      const grant = codes.get(form.get("code") ?? "");
      codes.delete(form.get("code") ?? "");
      if (!grant || grant.expiresAt < now() || grant.redirectUri !== form.get("redirect_uri")) return json(400, { error: "invalid_grant" });
      if (grant.challenge && createHash("sha256").update(form.get("code_verifier") ?? "").digest("base64url") !== grant.challenge) return json(400, { error: "invalid_grant" });
      return json(200, issueTokens(grant.realmId));
    }
    if (form.get("grant_type") === "refresh_token") {
      const old = refreshTokens.get(form.get("refresh_token") ?? "");
      // Q10: a rotated refresh token is dead.
      if (!old || old.used) {
        counters.rejectedRefreshes++;
        return json(400, { error: "invalid_grant" });
      }
      old.used = true;
      counters.refreshes++;
      return json(200, issueTokens(old.realmId));
    }
    return json(400, { error: "unsupported_grant_type" });
  }

  function authorize(url: URL): Response {
    const redirectUri = url.searchParams.get("redirect_uri");
    if (url.searchParams.get("client_id") !== FAKE_QBO.clientId || !redirectUri || url.searchParams.get("response_type") !== "code") return json(400, { error: "invalid_request" });
    if (!(url.searchParams.get("scope") ?? "").includes("com.intuit.quickbooks.accounting")) return json(400, { error: "invalid_scope" });
    const code = `qcode_${randomUUID()}`;
    const challenge = url.searchParams.get("code_challenge_method") === "S256" ? url.searchParams.get("code_challenge") : null;
    // Codes live 5 minutes, never less than one real minute (a scaled fake still needs time to swap it).
    codes.set(code, { redirectUri, challenge, realmId: FAKE_QBO.realmId, expiresAt: now() + Math.max(5 * minute(), 60_000) });
    const back = new URL(redirectUri);
    back.searchParams.set("code", code);
    back.searchParams.set("state", url.searchParams.get("state") ?? "");
    back.searchParams.set("realmId", FAKE_QBO.realmId);
    // The fake consents at once: a real user would pick the company and click "Connect".
    return new Response(null, { status: 302, headers: { location: back.toString() } });
  }

  // ---- Limits ---------------------------------------------------------------------------

  function admit(realmId: string): Response | null {
    const t = now();
    const log = (calls.get(realmId) ?? []).filter((x) => x > t - minute());
    calls.set(realmId, log);
    const tooMany = (waitMs: number) => {
      counters.rateLimited++;
      return throttled(Math.max(1, Math.ceil(waitMs / 1000)));
    };
    if (faults.rateLimitStorm > 0) {
      faults.rateLimitStorm--;
      return tooMany(minute() / 2);
    }
    if ((inFlight.get(realmId) ?? 0) >= config.concurrent) return tooMany(1000);
    if (log.length >= config.perMinute) return tooMany(log[0]! + minute() - t);
    log.push(t);
    return null;
  }

  // ---- Entities -------------------------------------------------------------------------

  const meta = (created?: Json) => ({ CreateTime: (created?.CreateTime as string) ?? time(now()), LastUpdatedTime: time(now()) });
  const ref = (x: unknown) => String((x as Json | undefined)?.value ?? "");

  /** QBO's arithmetic: each line Qty × UnitPrice rounded to 2 dp; tax per tax code on the sum of its lines. */
  function price(input: Json): Response | { lines: Json[]; sub: number; tax: number } {
    const lines = Array.isArray(input.Line) ? (input.Line as Json[]) : [];
    const sales = lines.filter((l) => l.DetailType === "SalesItemLineDetail");
    if (sales.length === 0) return businessError("You must add at least one line to this transaction.", "Line");
    const byCode = new Map<string, { net: number; ratePpm: number }>();
    const out: Json[] = [];
    let sub = 0;
    for (const [index, l] of lines.entries()) {
      if (l.DetailType !== "SalesItemLineDetail") return businessError(`Line ${index + 1}: only SalesItemLineDetail lines are supported by this fake`, "Line.DetailType");
      const d = (l.SalesItemLineDetail ?? {}) as Json;
      const item = QBO_ITEMS.find((i) => i.Id === ref(d.ItemRef));
      if (!item) return invalidReference("ItemRef", ref(d.ItemRef));
      if (!item.Active) return validationFault("610", "Object Not Found", "Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.", "ItemRef");
      const code = QBO_TAX_CODES.find((c) => c.Id === ref(d.TaxCodeRef));
      if (!code) return invalidReference("TaxCodeRef", ref(d.TaxCodeRef));
      if (!code.Active) return validationFault("610", "Object Not Found", "Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.", "TaxCodeRef");
      const amount = cents(l.Amount);
      if (d.Qty !== undefined && d.UnitPrice !== undefined) {
        const q = BigInt(Math.round(Number(d.Qty) * 10_000));
        const u = BigInt(Math.round(Number(d.UnitPrice) * 1_000_000));
        const expected = Number(roundDiv(q * u, 100_000_000n));
        if (expected !== amount) return validationFault("6070", "Amount calculation incorrect", `Amount is not equal to UnitPrice * Qty. Supplied value:${l.Amount}`, "Line.Amount");
      }
      const group = byCode.get(code.Id) ?? { net: 0, ratePpm: code.ratePpm };
      group.net += amount;
      byCode.set(code.Id, group);
      sub += amount;
      out.push({ ...l, Id: String(index + 1), LineNum: index + 1 });
    }
    let tax = 0;
    for (const g of byCode.values()) tax += Number(roundDiv(BigInt(g.net) * BigInt(g.ratePpm), 1_000_000n));
    const override = (input.TxnTaxDetail as Json | undefined)?.TotalTax;
    if (override !== undefined) {
      // QBO takes a TotalTax override when it is a rounding adjustment of its own figure.
      if (Math.abs(cents(override) - tax) > byCode.size) return businessError(`The tax amount ${override} does not match the tax calculated for the lines (${dec(tax)}).`, "TxnTaxDetail.TotalTax");
      tax = cents(override);
    }
    out.push({ Amount: dec(sub), DetailType: "SubTotalLineDetail", SubTotalLineDetail: {} });
    return { lines: out, sub, tax };
  }

  function createDocument(entity: "Invoice" | "CreditMemo", input: Json): Response {
    const docs = store[entity];
    if (input.Id !== undefined) return updateDocument(entity, input);
    const customer = store.Customer.get(ref(input.CustomerRef));
    if (!customer) return invalidReference("CustomerRef", ref(input.CustomerRef));
    const currency = ref(input.CurrencyRef) || "EUR";
    if (!CURRENCIES.includes(currency)) return businessError(`The currency ${currency} is not enabled for this company (Settings → Currencies).`, "CurrencyRef");
    if (ref(customer.CurrencyRef) && ref(customer.CurrencyRef) !== currency) return businessError(`The currency of the transaction (${currency}) is invalid for the customer (${ref(customer.CurrencyRef)}).`, "CurrencyRef");
    const number = input.DocNumber;
    if (typeof number === "string" && number.length > 21) return businessError("You cannot enter more than 21 characters in the doc_num field", "DocNumber");
    if (typeof number === "string" && [...docs.values()].some((d) => d.DocNumber === number && d.status !== "Deleted")) return validationFault("6140", "Duplicate Document Number Error", `Duplicate Document Number Error : You must specify a different number. This number has already been used. DocNumber=${number} is assigned to TxnType=${entity} with TxnId=${[...docs.values()].find((d) => d.DocNumber === number)!.Id}`, "DocNumber");
    const priced = price(input);
    if (priced instanceof Response) return priced;
    const id = String(nextId++);
    const total = priced.sub + priced.tax;
    const doc: Json = {
      ...input,
      Id: id,
      SyncToken: "0",
      domain: "QBO",
      sparse: false,
      MetaData: meta(),
      CurrencyRef: { value: currency },
      Line: priced.lines,
      TxnTaxDetail: { TotalTax: dec(priced.tax) },
      TotalAmt: dec(total),
      Balance: dec(total),
      ...(entity === "CreditMemo" ? { RemainingCredit: dec(total) } : {}),
    };
    docs.set(id, doc);
    return json(200, { [entity]: doc, time: time(now()) });
  }

  function updateDocument(entity: "Invoice" | "CreditMemo", input: Json): Response {
    const doc = store[entity].get(String(input.Id));
    if (!doc) return validationFault("610", "Object Not Found", `Object Not Found : Something you're trying to use has been made inactive. ${entity} ${String(input.Id)}`, "Id");
    if (String(input.SyncToken) !== doc.SyncToken) return validationFault("5010", "Stale Object Error", "Stale Object Error : You and API API were working on this at the same time. API API finished before you did, so your work was not saved.");
    if (input.sparse !== true) return businessError("Only sparse updates are supported by this fake", "sparse");
    const { Id: _id, SyncToken: _st, sparse: _sp, ...changes } = input;
    Object.assign(doc, changes, { SyncToken: String(Number(doc.SyncToken) + 1), MetaData: meta(doc.MetaData as Json) });
    return json(200, { [entity]: doc, time: time(now()) });
  }

  function voidDocument(entity: "Invoice" | "CreditMemo", input: Json): Response {
    const doc = store[entity].get(String(input.Id));
    if (!doc) return validationFault("610", "Object Not Found", `Object Not Found : ${entity} ${String(input.Id)} does not exist`, "Id");
    if (String(input.SyncToken) !== doc.SyncToken) return validationFault("5010", "Stale Object Error", "Stale Object Error : You and API API were working on this at the same time. API API finished before you did, so your work was not saved.");
    if (cents(doc.Balance) < cents(doc.TotalAmt)) return businessError("This transaction has payments applied to it. Remove the payments before you void it.", "Id");
    Object.assign(doc, { TotalAmt: 0, Balance: 0, PrivateNote: "Voided", SyncToken: String(Number(doc.SyncToken) + 1), MetaData: meta(doc.MetaData as Json) });
    return json(200, { [entity]: doc, time: time(now()) });
  }

  function createPayment(input: Json): Response {
    const customer = store.Customer.get(ref(input.CustomerRef));
    if (!customer) return invalidReference("CustomerRef", ref(input.CustomerRef));
    const deposit = ref(input.DepositToAccountRef);
    if (deposit && !QBO_ACCOUNTS.some((a) => a.Id === deposit && (a.AccountType === "Bank" || a.AccountType === "Other Current Asset"))) return invalidReference("DepositToAccountRef", deposit);
    const lines = Array.isArray(input.Line) ? (input.Line as Json[]) : [];
    let applied = 0;
    const targets: Array<{ invoice: Json; amount: number }> = [];
    const credits: Array<{ memo: Json; amount: number }> = [];
    for (const l of lines) {
      const linked = ((l.LinkedTxn as Json[] | undefined) ?? [])[0];
      if (linked?.TxnType === "CreditMemo") {
        // A credit memo applied through the payment (Intuit's pattern): it pays the invoice lines, not money received.
        const memo = store.CreditMemo.get(String(linked.TxnId));
        if (!memo || memo.status === "Deleted") return invalidReference("LinkedTxn", linked.TxnId);
        if (ref(memo.CustomerRef) !== ref(input.CustomerRef)) return businessError("The credit memo belongs to a different customer than the payment.", "Line.LinkedTxn");
        const amount = cents(l.Amount);
        if (!(amount > 0) || amount > cents(memo.RemainingCredit)) return businessError(`The amount ${l.Amount} applied from the credit memo is more than its remaining credit ${memo.RemainingCredit}.`, "Line.Amount");
        applied -= amount;
        credits.push({ memo, amount });
        continue;
      }
      const invoice = linked?.TxnType === "Invoice" ? store.Invoice.get(String(linked.TxnId)) : undefined;
      if (!invoice) return invalidReference("LinkedTxn", linked?.TxnId);
      if (ref(invoice.CustomerRef) !== ref(input.CustomerRef)) return businessError("The invoice belongs to a different customer than the payment.", "Line.LinkedTxn");
      const amount = cents(l.Amount);
      if (amount > cents(invoice.Balance)) return businessError(`The payment amount ${l.Amount} is more than the invoice's open balance ${invoice.Balance}.`, "Line.Amount");
      applied += amount;
      targets.push({ invoice, amount });
    }
    if (applied !== cents(input.TotalAmt)) return businessError("The payment's TotalAmt does not equal the amounts applied to its lines (unapplied payments are not supported by this fake).", "TotalAmt");
    for (const { invoice, amount } of targets) Object.assign(invoice, { Balance: dec(cents(invoice.Balance) - amount), SyncToken: String(Number(invoice.SyncToken) + 1), MetaData: meta(invoice.MetaData as Json) });
    for (const { memo, amount } of credits) Object.assign(memo, { RemainingCredit: dec(cents(memo.RemainingCredit) - amount), SyncToken: String(Number(memo.SyncToken) + 1), MetaData: meta(memo.MetaData as Json) });
    const id = String(nextId++);
    const payment: Json = { ...input, Id: id, SyncToken: "0", domain: "QBO", MetaData: meta(), UnappliedAmt: 0 };
    store.Payment.set(id, payment);
    return json(200, { Payment: payment, time: time(now()) });
  }

  function createCustomer(input: Json): Response {
    if (input.Id !== undefined) return updateCustomer(input);
    const name = typeof input.DisplayName === "string" ? input.DisplayName.trim() : "";
    if (!name) return validationFault("6000", "A business validation error has occurred while processing your request", "Business Validation Error: DisplayName is required.", "DisplayName");
    if ([...store.Customer.values()].some((c) => c.DisplayName === name)) return validationFault("6240", "Duplicate Name Exists Error", "The name supplied already exists. : Another customer is already using this name. Please use a different name.", "DisplayName");
    const id = String(nextId++);
    const customer: Json = { ...input, DisplayName: name, Id: id, SyncToken: "0", Active: true, domain: "QBO", MetaData: meta() };
    store.Customer.set(id, customer);
    return json(200, { Customer: customer, time: time(now()) });
  }

  /** A sparse update of a customer: its current SyncToken, a display name no other customer has. */
  function updateCustomer(input: Json): Response {
    const doc = store.Customer.get(String(input.Id));
    if (!doc) return validationFault("610", "Object Not Found", `Object Not Found : Something you're trying to use has been made inactive. Customer ${String(input.Id)}`, "Id");
    if (String(input.SyncToken) !== doc.SyncToken) return validationFault("5010", "Stale Object Error", "Stale Object Error : You and API API were working on this at the same time. API API finished before you did, so your work was not saved.");
    if (input.sparse !== true) return businessError("Only sparse updates are supported by this fake", "sparse");
    const name = typeof input.DisplayName === "string" ? input.DisplayName.trim() : String(doc.DisplayName);
    if (!name) return validationFault("6000", "A business validation error has occurred while processing your request", "Business Validation Error: DisplayName is required.", "DisplayName");
    if ([...store.Customer.values()].some((c) => c.Id !== doc.Id && c.DisplayName === name)) return validationFault("6240", "Duplicate Name Exists Error", "The name supplied already exists. : Another customer is already using this name. Please use a different name.", "DisplayName");
    const { Id: _id, SyncToken: _st, sparse: _sp, ...changes } = input;
    Object.assign(doc, changes, { DisplayName: name, SyncToken: String(Number(doc.SyncToken) + 1), MetaData: meta(doc.MetaData as Json) });
    return json(200, { Customer: doc, time: time(now()) });
  }

  // ---- Query and CDC --------------------------------------------------------------------

  const catalog = (entity: string): Json[] | null => {
    if (entity in store) return [...store[entity as keyof typeof store].values()].filter((d) => d.status !== "Deleted");
    if (entity === "TaxCode") return QBO_TAX_CODES.map(({ ratePpm: _r, ...c }) => c);
    if (entity === "Item") return QBO_ITEMS;
    if (entity === "Account") return QBO_ACCOUNTS;
    return null;
  };

  /** The subset of QBO's SQL-like query language the connector uses: select * from E [where F = 'v' [and …] | F in ('a','b')]. */
  function query(q: string): Response {
    const m = /^\s*select\s+\*\s+from\s+(\w+)(?:\s+where\s+(.+?))?(?:\s+startposition\s+\d+)?(?:\s+maxresults\s+(\d+))?\s*$/i.exec(q);
    if (!m) return fault("ValidationFault", [{ code: "4000", Message: "Error parsing query", Detail: `QueryParserError: Encountered an unsupported query: ${q.slice(0, 200)}` }]);
    const entity = m[1]!;
    const rows = catalog(entity);
    if (!rows) return fault("ValidationFault", [{ code: "4001", Message: "Invalid query", Detail: `QueryValidationError: Property ${entity} not found` }]);
    const conditions = (m[2] ?? "").split(/\s+and\s+/i).filter(Boolean).map((c) => {
      const eq = /^(\w+)\s*=\s*'((?:[^']|\\')*)'$/i.exec(c.trim());
      if (eq) return (r: Json) => String(r[eq[1]!] ?? (r[eq[1]!] as Json | undefined)?.value) === eq[2]!.replace(/\\'/g, "'");
      const inList = /^(\w+)\s+in\s+\((.*)\)$/i.exec(c.trim());
      if (inList) {
        const values = new Set([...inList[2]!.matchAll(/'((?:[^']|\\')*)'/g)].map((v) => v[1]!.replace(/\\'/g, "'")));
        return (r: Json) => values.has(String(r[inList[1]!]));
      }
      return null;
    });
    if (conditions.some((c) => c === null)) return fault("ValidationFault", [{ code: "4000", Message: "Error parsing query", Detail: `QueryParserError: unsupported condition in ${q.slice(0, 200)}` }]);
    const max = Math.min(1000, Number(m[3] ?? 100));
    const found = rows.filter((r) => conditions.every((c) => c!(r))).slice(0, max);
    return json(200, { QueryResponse: found.length > 0 ? { [entity]: found, startPosition: 1, maxResults: found.length } : {}, time: time(now()) });
  }

  /** Q14: changes since a time (at most 30 days back), deletions as {Id, status: "Deleted"}, 1,000 objects at most. */
  function cdc(url: URL): Response {
    const entities = (url.searchParams.get("entities") ?? "").split(",").filter(Boolean);
    const since = Date.parse(url.searchParams.get("changedSince") ?? "");
    if (entities.length === 0 || !Number.isFinite(since)) return validationFault("2020", "Required param missing, need to supply the required value for the API", "Required parameter entities and changedSince are missing in the request", "entities");
    if (since < now() - 30 * 1440 * minute()) return validationFault("4001", "Invalid query", "QueryValidationError: changedSince cannot be more than 30 days in the past", "changedSince");
    let budget = 1000;
    const responses = entities.map((entity) => {
      const docs = entity in store ? [...store[entity as keyof typeof store].values()] : [];
      const changed = docs.filter((d) => Date.parse(String((d.MetaData as Json).LastUpdatedTime)) >= since).slice(0, Math.max(0, budget));
      budget -= changed.length;
      const shaped = changed.map((d) => (d.status === "Deleted" ? { Id: d.Id, status: "Deleted", domain: "QBO", MetaData: { LastUpdatedTime: (d.MetaData as Json).LastUpdatedTime } } : d));
      return { QueryResponse: [{ [entity]: shaped, startPosition: 1, maxResults: shaped.length }] };
    });
    return json(200, { CDCResponse: responses, time: time(now()) });
  }

  // ---- The API --------------------------------------------------------------------------

  async function api(request: Request, url: URL, realmId: string, text: string): Promise<Response> {
    const rest = url.pathname.slice(`/v3/company/${realmId}`.length);
    const m = request.method;
    if (rest === "/query" && (m === "GET" || m === "POST")) return query(url.searchParams.get("query") ?? text);
    if (rest === "/cdc" && m === "GET") return cdc(url);
    if (rest === `/companyinfo/${realmId}` && m === "GET") return json(200, { CompanyInfo: { Id: "1", CompanyName: FAKE_QBO.companyName, Country: "ES", SyncToken: "0" }, time: time(now()) });
    const one = /^\/(invoice|creditmemo|payment|customer)\/(\d+)$/.exec(rest);
    if (one && m === "GET") {
      const entity = ({ invoice: "Invoice", creditmemo: "CreditMemo", payment: "Payment", customer: "Customer" } as const)[one[1] as "invoice"];
      const doc = store[entity].get(one[2]!);
      return doc && doc.status !== "Deleted" ? json(200, { [entity]: doc, time: time(now()) }) : validationFault("610", "Object Not Found", `Object Not Found : Something you're trying to use has been made inactive. ${entity} ${one[2]}`);
    }
    if (m === "POST") {
      let input: Json;
      try {
        input = JSON.parse(text) as Json;
      } catch {
        return validationFault("2010", "Request has invalid or unsupported property", "Property Name:Can not deserialize instance specified is unsupported or invalid");
      }
      const operation = url.searchParams.get("operation");
      if (rest === "/invoice") return operation === "void" ? voidDocument("Invoice", input) : createDocument("Invoice", input);
      if (rest === "/creditmemo") return operation === "void" ? voidDocument("CreditMemo", input) : createDocument("CreditMemo", input);
      if (rest === "/payment") return createPayment(input);
      if (rest === "/customer") return createCustomer(input);
    }
    return fault("ValidationFault", [{ code: "610", Message: "Object Not Found", Detail: `the fake QBO has no ${m} ${rest}` }], 400);
  }

  async function accounting(request: Request, url: URL, text: string): Promise<Response> {
    const realmId = /^\/v3\/company\/([^/]+)/.exec(url.pathname)?.[1] ?? "";
    const access = accessTokens.get((request.headers.get("authorization") ?? "").replace(/^Bearer /i, ""));
    if (!access) return authenticationFault("Token invalid");
    if (access.expiresAt <= now()) return authenticationFault(`Token expired: ${time(access.expiresAt)}`);
    if (access.realmId !== realmId) return fault("AuthorizationFault", [{ code: "120", Message: "AuthorizationFailure", Detail: "Authorization Failure: The user does not have access to this company (realmId)" }], 403);
    const refused = admit(realmId);
    if (refused) return refused;
    counters.apiCalls++;
    inFlight.set(realmId, (inFlight.get(realmId) ?? 0) + 1);
    try {
      if (config.latencyMs > 0) await new Promise((r) => setTimeout(r, config.latencyMs));
      if (faults.errorRate > 0 && random() < faults.errorRate) {
        counters.injected5xx++;
        return fault("SystemFault", [{ code: "10000", Message: "An application error has occurred while processing your request", Detail: "System Failure Error: An unexpected error occurred while accessing or saving your data. Please wait a few minutes and try again." }], 500);
      }
      const write = request.method === "POST" && !url.pathname.endsWith("/query");
      const requestId = url.searchParams.get("requestid");
      if (requestId !== null && requestId.length > 50) return validationFault("6000", "A business validation error has occurred while processing your request", "Business Validation Error: requestid must be at most 50 characters", "requestid");
      // Not QBO's behaviour: the fake refuses any body element the XSD does not declare (contract check).
      const entity = qboEntityFor(request.method, url.pathname);
      if (entity) {
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(text);
        } catch {}
        const problems = qboContractProblems(entity, parsed);
        if (problems.length > 0) {
          contractViolations.push({ path: url.pathname, problems });
          return json(400, { Fault: { Error: [{ Message: "FakeContractViolation", Detail: problems.join("; "), code: "fake-xsd", element: "" }], type: "ValidationFault" } });
        }
      }
      const cacheKey = write && requestId ? `${realmId}:${requestId}` : null;
      const cached = cacheKey ? requestIds.get(cacheKey) : undefined;
      if (cached && cached.at > now() - config.requestIdMinutes * minute()) {
        // Q11: the same requestid gets the original answer, byte for byte, and creates nothing.
        counters.requestIdReplays++;
        return new Response(cached.body, { status: cached.status, headers: { "content-type": "application/json" } });
      }
      const response = await api(request, url, realmId, text);
      const body = await response.text();
      if (cacheKey && response.status < 500) requestIds.set(cacheKey, { at: now(), status: response.status, body });
      if (write && response.status < 300 && faults.commitThenFail > 0) {
        faults.commitThenFail--;
        return fault("SystemFault", [{ code: "10000", Message: "Service Unavailable", Detail: "The service is temporarily unavailable" }], 503);
      }
      if (write && response.status < 300 && faults.timeouts > 0) {
        faults.timeouts--;
        counters.timeouts++;
        await new Promise((r) => setTimeout(r, faults.timeoutMs));
        return new Response("<html><body><h1>504 Gateway Time-out</h1></body></html>", { status: 504, headers: { "content-type": "text/html" } });
      }
      return new Response(body, { status: response.status, headers: Object.fromEntries(response.headers) });
    } finally {
      inFlight.set(realmId, (inFlight.get(realmId) ?? 1) - 1);
    }
  }

  // ---- Control surface ------------------------------------------------------------------

  const sign = (body: string, key: string = FAKE_QBO.webhookVerifier) => createHmac("sha256", key).update(body).digest("base64");

  /** Both payload formats Intuit sends (NOTES Q15): the legacy eventNotifications and the CloudEvents array. */
  function webhookPayload(format: string, entities: Json[]): string {
    const at = time(now());
    if (format === "cloudevents") {
      return JSON.stringify(entities.map((e) => ({ specversion: "1.0", id: randomUUID(), source: "intuit.quickbooks", type: `qbo.${String(e.name).toLowerCase()}.${PAST[String(e.operation ?? "Update")] ?? "updated"}.v1`, datacontenttype: "application/json", time: at, intuitentityid: String(e.id), intuitaccountid: FAKE_QBO.realmId, data: {} })));
    }
    return JSON.stringify({ eventNotifications: [{ realmId: FAKE_QBO.realmId, dataChangeEvent: { entities: entities.map((e) => ({ name: e.name, id: String(e.id), operation: e.operation ?? "Update", lastUpdated: at })) } }] });
  }

  async function control(request: Request, url: URL): Promise<Response> {
    const body = request.method === "POST" ? ((await request.json().catch(() => ({}))) as Json) : {};
    const touch = (doc: Json, changes: Json) => Object.assign(doc, changes, { SyncToken: String(Number(doc.SyncToken) + 1), MetaData: meta(doc.MetaData as Json) });
    switch (url.pathname) {
      case "/_fake/config":
        if (request.method === "POST") config = { ...config, ...(body as Partial<QboFakeConfig>) };
        return json(200, config);
      case "/_fake/faults":
        if (request.method === "POST") {
          const { expireAccessTokens, ...rest } = body;
          faults = { ...faults, ...(rest as Partial<Faults>) };
          if (body.seed !== undefined) random = seededRandom(Number(body.seed));
          if (expireAccessTokens) for (const t of accessTokens.values()) t.expiresAt = now() - 1;
        }
        return json(200, faults);
      case "/_fake/state":
        return json(200, { counters, contractViolations, invoices: [...store.Invoice.values()], creditMemos: [...store.CreditMemo.values()], payments: [...store.Payment.values()], customers: [...store.Customer.values()] });
      case "/_fake/requests":
        return json(200, { requests: recorded });
      case "/_fake/reset":
        for (const m of [codes, accessTokens, refreshTokens, requestIds, calls, inFlight, ...Object.values(store)]) m.clear();
        recorded.length = 0;
        contractViolations.length = 0;
        for (const k of Object.keys(counters)) counters[k as keyof typeof counters] = 0;
        config = { ...DEFAULT_CONFIG, ...initial };
        faults = { ...NO_FAULTS };
        random = seededRandom(faults.seed);
        return json(200, { reset: true });
      case "/_fake/edit-invoice": {
        // A bookkeeper edits an invoice inside QuickBooks (inbound sync and conflicts).
        const doc = store.Invoice.get(String(body.Id));
        return doc ? json(200, touch(doc, (body.changes as Json) ?? {})) : json(404, { error: "no such invoice" });
      }
      case "/_fake/edit-customer": {
        // A bookkeeper edits a customer inside QuickBooks (comes back through CDC).
        const doc = store.Customer.get(String(body.Id));
        return doc ? json(200, touch(doc, (body.changes as Json) ?? {})) : json(404, { error: "no such customer" });
      }
      case "/_fake/void-invoice": {
        const doc = store.Invoice.get(String(body.Id));
        return doc ? json(200, touch(doc, { TotalAmt: 0, Balance: 0, PrivateNote: "Voided" })) : json(404, { error: "no such invoice" });
      }
      case "/_fake/delete-invoice": {
        const doc = store.Invoice.get(String(body.Id));
        return doc ? json(200, touch(doc, { status: "Deleted" })) : json(404, { error: "no such invoice" });
      }
      case "/_fake/payment": {
        // A payment recorded directly in QuickBooks (comes back through CDC).
        const response = createPayment(body);
        return new Response(await response.text(), { status: response.status, headers: { "content-type": "application/json" } });
      }
      case "/_fake/webhook": {
        // Posts a signed notification to `url` (format "legacy" | "cloudevents"; `duplicate` sends it twice; `badSignature` signs with another key).
        const payload = webhookPayload(String(body.format ?? "legacy"), (body.entities as Json[] | undefined) ?? []);
        const signature = body.badSignature ? sign(payload, "not-the-verifier") : sign(payload);
        const statuses: number[] = [];
        for (let i = 0; i < (body.duplicate ? 2 : 1); i++) {
          const response = await fetch(String(body.url), { method: "POST", headers: { "content-type": "application/json", "intuit-signature": signature }, body: payload });
          await response.arrayBuffer();
          statuses.push(response.status);
        }
        return json(200, { statuses, payload, signature });
      }
      default:
        return json(404, { error: `unknown control ${url.pathname}` });
    }
  }

  return async (request: Request) => {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/_fake/")) return control(request, url);
    if (url.pathname === "/connect/oauth2" && request.method === "GET") return authorize(url);
    if (url.pathname === "/oauth2/v1/tokens/bearer" && request.method === "POST") return token(request);
    if (url.pathname.startsWith("/v3/company/")) {
      const text = request.method === "GET" ? "" : await request.text();
      const response = await accounting(request, url, text);
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {}
      recorded.push({ at: now(), method: request.method, path: url.pathname + url.search, status: response.status, requestId: url.searchParams.get("requestid"), body: parsed });
      if (recorded.length > 50_000) recorded.splice(0, recorded.length - 50_000);
      return response;
    }
    void baseUrl;
    return json(404, { error: `fake QBO has no ${request.method} ${url.pathname}` });
  };
}

export const qboFake: FakeDefinition = {
  name: "qbo",
  standsInFor: "QuickBooks Online Accounting API v3 + Intuit OAuth",
  envVar: "QBO_BASE_URL",
  purpose: "OAuth (realmId), invoices/credit memos/payments/customers with QBO's limits, requestid, XML 429, query, CDC; /_fake/state, /_fake/faults, /_fake/webhook",
  create: (baseUrl) => createQboFake(baseUrl),
};
