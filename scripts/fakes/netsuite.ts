// Fake NetSuite (SuiteTalk REST): OAuth 2.0 client credentials with a JWT assertion (the
// signature checked with the certificate's registered public key, plus kid, iss, aud, exp and
// scope), 60-minute access tokens, the REST Record API for customer, invoice, creditMemo and
// customerPayment with external-ID upsert (PUT …/eid:<id> creates or replaces, never
// duplicates), SuiteQL (Prefer: transient, paging, lastmodifieddate filters), the account's
// concurrency pool shared with the account's other integrations (429 beyond it), and errors in
// NetSuite's `o:errorDetails` shape (NOTES.md §3 and §8, N1–N9).
// Control surface: /_fake/config, /_fake/faults, /_fake/state, /_fake/requests, /_fake/reset,
// /_fake/certificate, /_fake/revoke, /_fake/edit, /_fake/payment.
import { createPublicKey, randomUUID, verify } from "node:crypto";
import type { FakeDefinition, FakeHandler } from "./fake-server.ts";
import { runSuiteQl, SuiteQlError, type Row } from "./netsuite-suiteql.ts";
import { seededRandom } from "../../workers/domain/forecast/stats.ts";
import { FAKE_NETSUITE_CREDENTIALS } from "../../workers/config/local-secrets.ts";

/** The public half of FAKE_NETSUITE_CREDENTIALS.privateKeyPkcs8 (what an admin uploads to NetSuite). */
const FAKE_CERT_PUBLIC_KEY = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEL6mB/ajIraDpdk8T48xaUPlJbOlc\nT4y9Fbs7Oyuxjn2SAqO6UqO/23ylSwNHtcR4253TMeY9cjphtdDy5oMW8w==\n-----END PUBLIC KEY-----\n";
/** Some other certificate's key: mapping it makes every assertion we sign fail (a "wrong key"). */
const OTHER_PUBLIC_KEY = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEuV4lPjaPyIfIPRdPdKxqTB0LjhOE\nol8++2pV1FVXkdTY7WLSKM5hARQRXg/IWOyRkQJVotGxZNxDhqJ7lBlZpw==\n-----END PUBLIC KEY-----\n";

export const FAKE_NETSUITE = { ...FAKE_NETSUITE_CREDENTIALS, companyName: "Demo Company (fake NetSuite)" } as const;

export interface NetSuiteFakeConfig {
  /** Access-token lifetime in seconds (NetSuite: 3,600). */
  tokenSeconds: number;
  /** The account's concurrency limit (shared by every integration of the account). */
  concurrency: number;
  /** Artificial latency per API call, ms (so the pool can fill up). */
  latencyMs: number;
}

const DEFAULT_CONFIG: NetSuiteFakeConfig = { tokenSeconds: 3600, concurrency: 5, latencyMs: 0 };

interface Faults {
  /** Share of API calls answered 500 before doing anything (0..1). */
  errorRate: number;
  /** Next n API calls answer 429 CONCURRENCY_LIMIT_EXCEEDED (a storm from the account's other integrations). */
  concurrencyStorm: number;
  /** Slots of the pool held by the account's other integrations. */
  otherIntegrations: number;
  /** Next n writes are committed, then answered 503 (the uncertain outcome). */
  commitThenFail: number;
  /** Next n API calls hang `hangMs`, then answer 504 (N7, a request that never finishes in time). */
  hang: number;
  hangMs: number;
  /** After this many more API calls every access token expires (a token dying mid-batch); 0 = off. */
  expireTokensAfterCalls: number;
  seed: number;
}

type Json = Record<string, any>;
type RecordType = "customer" | "invoice" | "creditmemo" | "customerpayment";
const RECORD_TYPES: Record<string, RecordType> = { customer: "customer", invoice: "invoice", creditmemo: "creditmemo", customerpayment: "customerpayment" };
const TRANSACTION_TYPE: Record<Exclude<RecordType, "customer">, string> = { invoice: "CustInvc", creditmemo: "CustCred", customerpayment: "CustPymt" };

/** Tax codes (legacy taxes: one rate per code), items and accounts of the fake account, by internal id. */
const TAX_CODES: Record<string, { name: string; ratePpm: number }> = {
  "101": { name: "ES Standard 21%", ratePpm: 210_000 },
  "102": { name: "ES Super-reduced 4%", ratePpm: 40_000 },
  "103": { name: "ES Reduced 10%", ratePpm: 100_000 },
  "110": { name: "UK Standard 20%", ratePpm: 200_000 },
  "120": { name: "US NY 4%", ratePpm: 40_000 },
  "-7": { name: "-Not Taxable-", ratePpm: 0 },
};
const ITEMS: Record<string, string> = { "201": "Cleaning services", "202": "Other services" };
const ACCOUNTS: Record<string, string> = { "1": "Checking", "2": "Undeposited Funds" };
const CURRENCIES = [
  { id: "1", symbol: "USD", name: "US Dollar" },
  { id: "2", symbol: "GBP", name: "British pound" },
  { id: "4", symbol: "EUR", name: "Euro" },
];

const cents = (x: unknown) => Math.round(Number(x ?? 0) * 100);
const dec = (c: number) => c / 100;
/** Half away from zero. */
const roundDiv = (n: bigint, d: bigint) => (n >= 0n ? (2n * n + d) / (2n * d) : -((2n * -n + d) / (2n * d)));
/** NetSuite keeps lastModifiedDate to the second: two changes in one second share it (the poller's overlap problem). */
const second = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
const suiteQlTime = (iso: string) => iso.replace("T", " ").replace("Z", "").slice(0, 19);

function problem(status: number, title: string, details: Array<{ detail: string; code: string; path?: string }>, headers: Record<string, string> = {}): Response {
  const body = {
    type: `https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.${status === 400 ? 1 : status === 401 ? 2 : status === 404 ? 5 : 1}`,
    title,
    status,
    "o:errorDetails": details.map((d) => ({ detail: d.detail, "o:errorCode": d.code, ...(d.path ? { "o:errorPath": d.path } : {}) })),
  };
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/vnd.oracle.resource+json; type=error; charset=UTF-8", ...headers } });
}
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
const userError = (detail: string, path?: string) => problem(400, "Bad Request", [{ detail, code: "USER_ERROR", path }]);
const invalidValue = (detail: string, path: string) => problem(400, "Bad Request", [{ detail, code: "INVALID_VALUE", path }]);

class Refused extends Error {
  readonly response: Response;
  constructor(response: Response) {
    super("refused");
    this.response = response;
  }
}

export function createNetSuiteFake(baseUrl: string, initial: Partial<NetSuiteFakeConfig> = {}): FakeHandler {
  let config: NetSuiteFakeConfig = { ...DEFAULT_CONFIG, ...initial };
  const noFaults = (): Faults => ({ errorRate: 0, concurrencyStorm: 0, otherIntegrations: 0, commitThenFail: 0, hang: 0, hangMs: 1000, expireTokensAfterCalls: 0, seed: 1 });
  let faults = noFaults();
  let random = seededRandom(faults.seed);
  const tokenUrl = `${baseUrl}/services/rest/auth/oauth2/v1/token`;

  let certificates = new Map<string, { clientId: string; publicKeyPem: string }>();
  let accessTokens = new Map<string, { expiresAt: number }>();
  /** Client ids whose integration record an admin disabled in NetSuite (/_fake/revoke). */
  let revokedClients = new Set<string>();
  let records: Record<RecordType, Map<string, Json>>;
  let byExternalId: Record<RecordType, Map<string, string>>;
  let nextId = 1000;
  let inFlight = 0;
  let recorded: Array<{ at: number; method: string; path: string; status: number; body: unknown }> = [];
  let counters = { apiCalls: 0, tokensIssued: 0, assertionsRefused: 0, concurrencyRejected: 0, injected5xx: 0, expiredTokenCalls: 0, maxInFlight: 0, upsertsCreated: 0, upsertsReplaced: 0 };

  function reset() {
    certificates = new Map([[FAKE_NETSUITE.certificateId, { clientId: FAKE_NETSUITE.clientId, publicKeyPem: FAKE_CERT_PUBLIC_KEY }]]);
    accessTokens = new Map();
    revokedClients = new Set();
    records = { customer: new Map(), invoice: new Map(), creditmemo: new Map(), customerpayment: new Map() };
    byExternalId = { customer: new Map(), invoice: new Map(), creditmemo: new Map(), customerpayment: new Map() };
    nextId = 1000;
    inFlight = 0;
    recorded = [];
    counters = { apiCalls: 0, tokensIssued: 0, assertionsRefused: 0, concurrencyRejected: 0, injected5xx: 0, expiredTokenCalls: 0, maxInFlight: 0, upsertsCreated: 0, upsertsReplaced: 0 };
    faults = noFaults();
    random = seededRandom(faults.seed);
  }
  reset();

  // ---- OAuth 2.0 client credentials (M2M) with a JWT assertion ---------------------------

  async function token(request: Request): Promise<Response> {
    const form = new URLSearchParams(await request.text());
    const refuse = (error: string, description: string) => {
      counters.assertionsRefused++;
      return json(400, { error, error_description: description });
    };
    if (form.get("grant_type") !== "client_credentials") return refuse("unsupported_grant_type", "grant_type must be client_credentials");
    if (form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") return refuse("invalid_request", "client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    const parts = (form.get("client_assertion") ?? "").split(".");
    if (parts.length !== 3) return refuse("invalid_request", "client_assertion is not a JWT");
    let header: Json;
    let claims: Json;
    try {
      header = JSON.parse(Buffer.from(parts[0]!, "base64url").toString());
      claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString());
    } catch {
      return refuse("invalid_request", "client_assertion is not a JWT");
    }
    const certificate = certificates.get(String(header.kid ?? ""));
    // N9: an unmapped certificate (or a key that does not match the mapped one) is invalid_grant.
    if (!certificate) return refuse("invalid_grant", "The certificate (kid) is not mapped in OAuth 2.0 Client Credentials Setup");
    if (claims.iss !== certificate.clientId) return refuse("invalid_client", "iss is not the client id the certificate is mapped to");
    // A disabled or deleted integration record: NetSuite answers 401 invalid_client.
    if (revokedClients.has(String(claims.iss))) {
      counters.assertionsRefused++;
      return json(401, { error: "invalid_client", error_description: "The integration record is disabled or no longer exists" });
    }
    const key = createPublicKey(certificate.publicKeyPem);
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
    const signature = Buffer.from(parts[2]!, "base64url");
    let valid = false;
    if (header.alg === "ES256") valid = verify("sha256", signed, { key, dsaEncoding: "ieee-p1363" }, signature);
    else if (header.alg === "PS256") valid = verify("sha256", signed, { key, padding: 6, saltLength: 32 }, signature);
    else return refuse("invalid_grant", `alg ${String(header.alg)} is not accepted (PS256 or ES256)`);
    if (!valid) return refuse("invalid_grant", "The signature of the client assertion does not match the certificate");
    const now = Math.floor(Date.now() / 1000);
    if (claims.aud !== tokenUrl) return refuse("invalid_grant", `aud must be ${tokenUrl}`);
    if (typeof claims.exp !== "number" || claims.exp <= now) return refuse("invalid_grant", "The client assertion has expired");
    if (typeof claims.iat !== "number" || claims.iat > now + 60 || claims.exp - claims.iat > 3600) return refuse("invalid_grant", "iat must be now and exp at most 60 minutes after it");
    const scopes = Array.isArray(claims.scope) ? claims.scope.map(String) : String(claims.scope ?? "").split(/[ ,]/);
    if (!scopes.includes("rest_webservices")) return refuse("invalid_scope", "scope must include rest_webservices");
    const value = `nsat_${randomUUID()}`;
    accessTokens.set(value, { expiresAt: Date.now() + config.tokenSeconds * 1000 });
    counters.tokensIssued++;
    return json(200, { access_token: value, token_type: "bearer", expires_in: config.tokenSeconds });
  }

  // ---- Records ---------------------------------------------------------------------------

  const ref = (value: unknown): string | null => (value && typeof value === "object" && "id" in (value as Json) ? String((value as Json).id) : null);

  function touch(record: Json) {
    record.lastModifiedDate = second(Date.now());
  }

  function priceLines(body: Json, path = "item"): { lines: Json[]; subtotal: number; tax: number } {
    const items = (body.item?.items ?? []) as Json[];
    if (items.length === 0) throw new Refused(userError("You must enter at least one line item for this transaction.", path));
    let subtotal = 0;
    let tax = 0;
    const lines = items.map((l, i) => {
      const itemId = ref(l.item);
      if (!itemId || !ITEMS[itemId]) throw new Refused(invalidValue(`Invalid item reference key ${itemId ?? "(none)"}.`, `${path}.items[${i}].item`));
      const taxCodeId = ref(l.taxCode);
      const code = taxCodeId ? TAX_CODES[taxCodeId] : undefined;
      if (!code) throw new Refused(invalidValue(`Invalid taxCode reference key ${taxCodeId ?? "(none)"}.`, `${path}.items[${i}].taxCode`));
      const amount = l.amount !== undefined ? cents(l.amount) : Math.round(Number(l.quantity ?? 1) * cents(l.rate));
      const computed = Number(roundDiv(BigInt(amount) * BigInt(code.ratePpm), 1_000_000n));
      const lineTax = l.tax1Amt !== undefined ? cents(l.tax1Amt) : computed;
      // NetSuite takes a line's tax amount as given, within rounding of what its code computes.
      if (Math.abs(lineTax - computed) > 1) throw new Refused(invalidValue(`The tax amount ${l.tax1Amt} does not match tax code ${code.name} on ${dec(amount)}.`, `${path}.items[${i}].tax1Amt`));
      subtotal += amount;
      tax += lineTax;
      return { line: i + 1, item: { id: itemId, refName: ITEMS[itemId] }, description: l.description ?? null, quantity: Number(l.quantity ?? 1), rate: Number(l.rate ?? dec(amount)), amount: dec(amount), taxCode: { id: taxCodeId, refName: code.name }, tax1Amt: dec(lineTax) };
    });
    return { lines, subtotal, tax };
  }

  function currencyOf(body: Json): Json {
    const id = ref(body.currency);
    const currency = CURRENCIES.find((c) => c.id === id);
    if (!currency) throw new Refused(invalidValue(`Invalid currency reference key ${id ?? "(none)"}.`, "currency"));
    return { id: currency.id, refName: currency.symbol };
  }

  function customerRef(body: Json, field: string): Json {
    const id = ref(body[field]);
    const customer = id ? records.customer.get(id) : undefined;
    if (!customer) throw new Refused(invalidValue(`Invalid ${field} reference key ${id ?? "(none)"}.`, field));
    return { id: customer.id, refName: customer.companyName };
  }

  /** Builds the stored record from a request body; throws Refused with NetSuite's answer. */
  function materialize(type: RecordType, body: Json, id: string, previous: Json | undefined): Json {
    if (type === "customer") {
      if (!body.companyName && !body.isPerson) throw new Refused(userError("Please enter value(s) for: Company Name", "companyName"));
      return { ...body, id };
    }
    if (type === "customerpayment") {
      const customer = customerRef(body, "customer");
      const currency = currencyOf(body);
      const account = ref(body.account);
      if (!account || !ACCOUNTS[account]) throw new Refused(invalidValue(`Invalid account reference key ${account ?? "(none)"}.`, "account"));
      const apply = ((body.apply?.items ?? []) as Json[]).map((a, i) => {
        const doc = records.invoice.get(ref(a.doc) ?? "");
        if (!doc) throw new Refused(invalidValue(`Invalid doc reference key ${ref(a.doc) ?? "(none)"}.`, `apply.items[${i}].doc`));
        if (doc.voided) throw new Refused(userError("You cannot apply a payment to a voided transaction.", `apply.items[${i}].doc`));
        const already = previous ? ((previous.apply?.items ?? []) as Json[]).filter((p) => p.doc.id === doc.id).reduce((s, p) => s + cents(p.amount), 0) : 0;
        if (cents(a.amount) > cents(doc.amountRemaining) + already) throw new Refused(userError(`The amount applied (${a.amount}) exceeds the amount due on ${doc.tranId} (${dec(cents(doc.amountRemaining) + already)}).`, `apply.items[${i}].amount`));
        return { doc: { id: doc.id, refName: doc.tranId }, apply: true, amount: dec(cents(a.amount)) };
      });
      const applied = apply.reduce((s, a) => s + cents(a.amount), 0);
      if (cents(body.payment) < applied) throw new Refused(userError("The total applied exceeds the payment amount.", "payment"));
      return { ...body, id, customer, currency, account: { id: account, refName: ACCOUNTS[account] }, payment: dec(cents(body.payment)), apply: { items: apply }, tranDate: body.tranDate ?? new Date().toISOString().slice(0, 10) };
    }
    const entity = customerRef(body, "entity");
    const currency = currencyOf(body);
    const { lines, subtotal, tax } = priceLines(body);
    const total = subtotal + tax;
    // N5: NetSuite's answer to a total it cannot accept (e.g. a missing tax mapping made negative).
    if (total < 0) throw new Refused(userError("The total can not be negative"));
    const paid = previous ? cents(previous.amountPaid) : 0;
    const credited = previous ? cents(previous.amountCredited ?? 0) : 0;
    if (previous?.voided) throw new Refused(userError("Error while accessing a resource. You cannot edit a voided transaction."));
    if (previous && paid + credited > total) throw new Refused(userError("The total can not be less than the amount already paid."));
    // [U] A credit memo's `apply` sublist, keyed by doc like customerpayment's: what it settles on each invoice.
    const applied =
      type === "creditmemo"
        ? ((body.apply?.items ?? []) as Json[]).map((a, i) => {
            const doc = records.invoice.get(ref(a.doc) ?? "");
            if (!doc) throw new Refused(invalidValue(`Invalid doc reference key ${ref(a.doc) ?? "(none)"}.`, `apply.items[${i}].doc`));
            if (doc.voided) throw new Refused(userError("You cannot apply a credit to a voided transaction.", `apply.items[${i}].doc`));
            if (ref(doc.entity) !== entity.id) throw new Refused(invalidValue("The credit memo and the invoice must be for the same customer.", `apply.items[${i}].doc`));
            const already = previous ? ((previous.apply?.items ?? []) as Json[]).filter((p) => p.doc.id === doc.id).reduce((sum, p) => sum + cents(p.amount), 0) : 0;
            if (!(cents(a.amount) > 0) || cents(a.amount) > cents(doc.amountRemaining) + already) throw new Refused(userError(`The amount applied (${a.amount}) exceeds the amount due on ${doc.tranId} (${dec(cents(doc.amountRemaining) + already)}).`, `apply.items[${i}].amount`));
            return { doc: { id: doc.id, refName: doc.tranId }, apply: true, amount: dec(cents(a.amount)) };
          })
        : [];
    const appliedTotal = applied.reduce((sum, a) => sum + cents(a.amount), 0);
    if (appliedTotal > total) throw new Refused(userError("The total applied exceeds the amount of the credit memo.", "apply"));
    return {
      ...body,
      id,
      tranId: body.tranId ?? String(id),
      entity,
      currency,
      item: { items: lines },
      subtotal: dec(subtotal),
      taxTotal: dec(tax),
      total: dec(total),
      ...(type === "invoice"
        ? { amountPaid: dec(paid), amountCredited: dec(credited), amountRemaining: dec(total - paid - credited), status: total - paid - credited === 0 && total > 0 ? { id: "B", refName: "Paid In Full" } : { id: "A", refName: "Open" } }
        : { apply: { items: applied }, amountApplied: dec(appliedTotal), amountUnapplied: dec(total - appliedTotal), status: { id: "A", refName: "Open" } }),
      voided: false,
    };
  }

  function applyPayment(payment: Json, sign: 1 | -1, field: "amountPaid" | "amountCredited" = "amountPaid") {
    for (const a of (payment.apply?.items ?? []) as Json[]) {
      const doc = records.invoice.get(a.doc.id);
      if (!doc) continue;
      doc[field] = dec(cents(doc[field] ?? 0) + sign * cents(a.amount));
      const remaining = cents(doc.total) - cents(doc.amountPaid) - cents(doc.amountCredited ?? 0);
      doc.amountRemaining = dec(remaining);
      doc.status = remaining === 0 ? { id: "B", refName: "Paid In Full" } : { id: "A", refName: "Open" };
      touch(doc);
    }
  }

  /** Creates or replaces; returns the internal id. */
  function save(type: RecordType, body: Json, existingId: string | null): string {
    const previous = existingId ? records[type].get(existingId) : undefined;
    const id = existingId ?? String(nextId++);
    const record = materialize(type, body, id, previous);
    if (type === "customerpayment" && previous) applyPayment(previous, -1);
    if (type === "creditmemo" && previous) applyPayment(previous, -1, "amountCredited");
    if (previous) counters.upsertsReplaced++;
    else counters.upsertsCreated++;
    touch(record);
    records[type].set(id, record);
    if (record.externalId) byExternalId[type].set(String(record.externalId), id);
    if (type === "customerpayment") applyPayment(record, 1);
    if (type === "creditmemo") applyPayment(record, 1, "amountCredited");
    return id;
  }

  const located = (type: RecordType, id: string) => json(204, undefined, { location: `${baseUrl}/services/rest/record/v1/${type}/${id}` });

  function findId(type: RecordType, key: string): string | undefined {
    if (key.startsWith("eid:")) return byExternalId[type].get(decodeURIComponent(key.slice(4)));
    return records[type].has(key) ? key : undefined;
  }

  async function recordApi(request: Request, segments: string[]): Promise<Response> {
    const type = RECORD_TYPES[(segments[0] ?? "").toLowerCase()];
    if (!type) return problem(404, "Not Found", [{ detail: `Record type '${segments[0]}' does not exist.`, code: "NONEXISTENT_ID" }]);
    const key = segments[1];
    const text = request.method === "GET" || request.method === "DELETE" ? "" : await request.text();
    let body: Json | null = {};
    try {
      body = text ? (JSON.parse(text) as Json) : {};
    } catch {
      body = null;
    }
    if (body === null) return problem(400, "Bad Request", [{ detail: "Invalid content in the request body.", code: "INVALID_CONTENT" }]);
    if (request.method === "GET" && key) {
      const id = findId(type, key);
      const record = id ? records[type].get(id) : undefined;
      return record ? json(200, { links: [], ...record }) : problem(404, "Not Found", [{ detail: `The record instance does not exist. Provide a valid record instance ID.`, code: "NONEXISTENT_ID" }]);
    }
    if (request.method === "POST" && !key) {
      if (body.externalId && byExternalId[type].has(String(body.externalId))) return userError(`A record with the external ID ${body.externalId} already exists.`, "externalId");
      return located(type, save(type, body, null));
    }
    if (request.method === "PUT" && key?.startsWith("eid:")) {
      // Upsert (N8): the external id in the path is the record's; a second PUT replaces, never duplicates.
      const externalId = decodeURIComponent(key.slice(4));
      if (body.externalId !== undefined && String(body.externalId) !== externalId) return invalidValue("externalId in the body does not match the one in the URL.", "externalId");
      return located(type, save(type, { ...body, externalId }, byExternalId[type].get(externalId) ?? null));
    }
    if (request.method === "PATCH" && key) {
      const id = findId(type, key);
      const record = id ? records[type].get(id) : undefined;
      if (!record || !id) return problem(404, "Not Found", [{ detail: "The record instance does not exist. Provide a valid record instance ID.", code: "NONEXISTENT_ID" }]);
      return located(type, save(type, { ...record, ...body }, id));
    }
    if (request.method === "POST" && key && segments[2] === "@void" && (type === "invoice" || type === "creditmemo")) {
      // [U] REST exposes no documented void; this stands in for N/transaction.void (a direct void:
      // the transaction stays, its lines and total become zero, its status Voided).
      const id = findId(type, key);
      const record = id ? records[type].get(id) : undefined;
      if (!record || !id) return problem(404, "Not Found", [{ detail: "The record instance does not exist. Provide a valid record instance ID.", code: "NONEXISTENT_ID" }]);
      if (record.voided) return located(type, id);
      if (cents(record.amountPaid) > 0) return userError("You cannot void this transaction because payments have been applied to it.");
      record.voided = true;
      record.voidedTotal = record.total;
      record.total = 0;
      record.amountRemaining = 0;
      record.status = { id: "V", refName: "Voided" };
      touch(record);
      return located(type, id);
    }
    return problem(405, "Method Not Allowed", [{ detail: `${request.method} is not supported here.`, code: "METHOD_NOT_ALLOWED" }]);
  }

  // ---- SuiteQL ---------------------------------------------------------------------------

  function tables(): Record<string, Row[]> {
    const transaction: Row[] = [];
    for (const type of ["invoice", "creditmemo", "customerpayment"] as const) {
      for (const r of records[type].values()) {
        const total = type === "customerpayment" ? Number(r.payment) : Number(r.total);
        transaction.push({
          id: r.id,
          tranid: r.tranId ?? r.id,
          externalid: r.externalId ?? null,
          type: TRANSACTION_TYPE[type],
          status: r.status?.id ?? "A",
          voided: r.voided ? "T" : "F",
          entity: type === "customerpayment" ? r.customer.id : r.entity.id,
          currency: r.currency.id,
          foreigntotal: total,
          foreignamountpaid: type === "invoice" ? Number(r.amountPaid) : null,
          foreignamountunpaid: type === "invoice" ? Number(r.amountRemaining) : null,
          appliedto: type === "customerpayment" ? ((r.apply?.items ?? []) as Json[]).map((a) => a.doc.id).join(",") : null,
          trandate: r.tranDate ?? null,
          lastmodifieddate: suiteQlTime(r.lastModifiedDate),
        });
      }
    }
    return { transaction, currency: CURRENCIES.map((c) => ({ ...c })), customer: [...records.customer.values()].map((c) => ({ id: c.id, externalid: c.externalId ?? null, companyname: c.companyName ?? null, email: c.email ?? null, vatregnumber: c.vatRegNumber ?? null, lastmodifieddate: suiteQlTime(c.lastModifiedDate) })) };
  }

  async function suiteQl(request: Request, url: URL): Promise<Response> {
    if (!/transient/i.test(request.headers.get("prefer") ?? "")) return problem(400, "Bad Request", [{ detail: "The request header 'Prefer: transient' is required for SuiteQL.", code: "INVALID_HEADER" }]);
    const limit = Number(url.searchParams.get("limit") ?? 1000);
    const offset = Number(url.searchParams.get("offset") ?? 0);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return problem(400, "Bad Request", [{ detail: "The limit must be between 1 and 1000.", code: "INVALID_PARAMETER" }]);
    if (!Number.isInteger(offset) || offset < 0 || offset % limit !== 0) return problem(400, "Bad Request", [{ detail: "The offset must be a multiple of the limit.", code: "INVALID_PARAMETER" }]);
    const body = (await request.json().catch(() => null)) as { q?: string } | null;
    if (!body?.q) return problem(400, "Bad Request", [{ detail: "The request body must contain the query in the 'q' property.", code: "INVALID_CONTENT" }]);
    let rows: Row[];
    try {
      rows = runSuiteQl(body.q, tables());
    } catch (error) {
      if (error instanceof SuiteQlError) return problem(400, "Bad Request", [{ detail: error.message, code: "INVALID_PARAMETER" }]);
      throw error;
    }
    const items = rows.slice(offset, offset + limit).map((r) => ({ links: [], ...r }));
    return json(200, { links: [], count: items.length, hasMore: offset + limit < rows.length, items, offset, totalResults: rows.length });
  }

  // ---- The API, behind the concurrency pool ----------------------------------------------

  async function api(request: Request, url: URL): Promise<Response> {
    counters.apiCalls++;
    if (faults.expireTokensAfterCalls > 0 && --faults.expireTokensAfterCalls === 0) for (const t of accessTokens.values()) t.expiresAt = 0;
    const auth = request.headers.get("authorization") ?? "";
    const token = accessTokens.get(auth.replace(/^Bearer /i, ""));
    if (!token || token.expiresAt <= Date.now()) {
      counters.expiredTokenCalls++;
      // NetSuite answers an expired or unknown token like a failed login (N2's shape).
      return problem(401, "Unauthorized", [{ detail: "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.", code: "INVALID_LOGIN" }]);
    }
    if (faults.concurrencyStorm > 0 || inFlight + faults.otherIntegrations >= config.concurrency) {
      if (faults.concurrencyStorm > 0) faults.concurrencyStorm--;
      counters.concurrencyRejected++;
      return problem(429, "Too Many Requests", [{ detail: "Concurrent request limit exceeded. Request blocked.", code: "CONCURRENCY_LIMIT_EXCEEDED" }]);
    }
    inFlight++;
    counters.maxInFlight = Math.max(counters.maxInFlight, inFlight + faults.otherIntegrations);
    try {
      if (config.latencyMs > 0) await new Promise((r) => setTimeout(r, config.latencyMs));
      if (faults.hang > 0) {
        faults.hang--;
        await new Promise((r) => setTimeout(r, faults.hangMs));
        return problem(504, "Gateway Timeout", [{ detail: "The request timed out.", code: "TIMEOUT" }]);
      }
      if (faults.errorRate > 0 && random() < faults.errorRate) {
        counters.injected5xx++;
        return problem(500, "Internal Server Error", [{ detail: "An unexpected error occurred. Error ID: fake", code: "UNEXPECTED_ERROR" }]);
      }
      const path = url.pathname.replace(/^\/services\/rest/, "");
      let response: Response;
      try {
        if (path === "/query/v1/suiteql" && request.method === "POST") response = await suiteQl(request, url);
        else if (path.startsWith("/record/v1/")) response = await recordApi(request, path.slice("/record/v1/".length).split("/"));
        else response = problem(404, "Not Found", [{ detail: `${path} is not a REST web services resource.`, code: "NONEXISTENT_ID" }]);
      } catch (error) {
        if (error instanceof Refused) response = error.response;
        else throw error;
      }
      const write = request.method !== "GET" && !path.startsWith("/query/");
      if (write && response.status < 300 && faults.commitThenFail > 0) {
        faults.commitThenFail--;
        counters.injected5xx++;
        return problem(503, "Service Unavailable", [{ detail: "The service is temporarily unavailable.", code: "UNEXPECTED_ERROR" }]);
      }
      return response;
    } finally {
      inFlight--;
    }
  }

  // ---- Control surface -------------------------------------------------------------------

  async function control(request: Request, url: URL): Promise<Response> {
    const body = request.method === "POST" ? ((await request.json().catch(() => ({}))) as Json) : {};
    switch (url.pathname) {
      case "/_fake/config":
        config = { ...config, ...body };
        return json(200, config);
      case "/_fake/faults":
        faults = { ...faults, ...body };
        if (body.seed !== undefined) random = seededRandom(Number(body.seed));
        if (body.expireAccessTokens) for (const t of accessTokens.values()) t.expiresAt = 0;
        return json(200, faults);
      case "/_fake/certificate":
        // Maps the certificate id to the fake key (default) or to another key ("wrong key").
        certificates.set(String(body.certificateId ?? FAKE_NETSUITE.certificateId), { clientId: String(body.clientId ?? FAKE_NETSUITE.clientId), publicKeyPem: body.mismatched ? OTHER_PUBLIC_KEY : String(body.publicKeyPem ?? FAKE_CERT_PUBLIC_KEY) });
        revokedClients.delete(String(body.clientId ?? FAKE_NETSUITE.clientId));
        return json(200, { certificates: [...certificates.keys()] });
      case "/_fake/revoke":
        // An admin disables the integration record in NetSuite: its tokens stop working at once
        // and new assertions are refused with 401 invalid_client, until /_fake/certificate maps it again.
        revokedClients.add(String(body.clientId ?? FAKE_NETSUITE.clientId));
        accessTokens = new Map();
        return json(200, { revoked: [...revokedClients] });
      case "/_fake/state":
        return json(200, { customers: [...records.customer.values()], invoices: [...records.invoice.values()], creditMemos: [...records.creditmemo.values()], payments: [...records.customerpayment.values()], counters, inFlight, config });
      case "/_fake/requests":
        return json(200, recorded);
      case "/_fake/reset":
        reset();
        if (body.config) config = { ...DEFAULT_CONFIG, ...body.config };
        return json(200, { ok: true });
      case "/_fake/edit": {
        // A change made by someone in NetSuite (a new total, a memo): lastModifiedDate moves.
        const type = RECORD_TYPES[String(body.type ?? "invoice").toLowerCase()] ?? "invoice";
        const record = records[type].get(String(body.id));
        if (!record) return json(404, { error: "no such record" });
        if (body.void) {
          record.voided = true;
          record.voidedTotal = record.total;
          record.total = 0;
          record.amountRemaining = 0;
          record.status = { id: "V", refName: "Voided" };
        }
        Object.assign(record, body.changes ?? {});
        touch(record);
        return json(200, record);
      }
      case "/_fake/payment": {
        // A payment recorded in NetSuite by someone else (no external id of ours).
        const invoice = records.invoice.get(String(body.invoiceId));
        if (!invoice) return json(404, { error: "no such invoice" });
        try {
          const id = save("customerpayment", { customer: { id: invoice.entity.id }, currency: { id: invoice.currency.id }, account: { id: "1" }, payment: body.amount, tranDate: body.tranDate, apply: { items: [{ doc: { id: invoice.id }, apply: true, amount: body.amount }] } }, null);
          return json(200, records.customerpayment.get(id));
        } catch (error) {
          if (error instanceof Refused) return error.response;
          throw error;
        }
      }
      default:
        return json(404, { error: `unknown control ${url.pathname}` });
    }
  }

  return async (request) => {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/_fake/")) return control(request, url);
    let response: Response;
    if (url.pathname === "/services/rest/auth/oauth2/v1/token" && request.method === "POST") response = await token(request.clone());
    else if (url.pathname.startsWith("/services/rest/")) response = await api(request.clone(), url);
    else response = problem(404, "Not Found", [{ detail: "Not a SuiteTalk REST path.", code: "NONEXISTENT_ID" }]);
    let recordedBody: unknown = null;
    if (request.method !== "GET" && !url.pathname.endsWith("/token")) recordedBody = await request.json().catch(() => null);
    recorded.push({ at: Date.now(), method: request.method, path: url.pathname + url.search, status: response.status, body: recordedBody });
    if (recorded.length > 5000) recorded.splice(0, recorded.length - 5000);
    return response;
  };
}

export const netsuiteFake: FakeDefinition = {
  name: "netsuite",
  standsInFor: "NetSuite SuiteTalk REST (M2M OAuth, Record API, SuiteQL)",
  envVar: "NETSUITE_BASE_URL",
  purpose: "JWT client credentials, eid upserts, SuiteQL, the account's concurrency pool; /_fake/state, /_fake/faults, /_fake/edit, /_fake/payment",
  create: (baseUrl) => createNetSuiteFake(baseUrl),
};
