// Fake Xero: identity (OAuth 2.0 authorization code + PKCE, 30-minute access tokens, refresh
// tokens that rotate on every use), the Accounting API endpoints the connector uses, and Xero's
// real limits per tenant (5 in flight, 60 per minute, 5,000 per day) with 429 + Retry-After +
// X-Rate-Limit-Problem. Time can be scaled (`minuteMs`) so a "minute" lasts 1 s in benches; every
// limit and lifetime scales with it. Shapes follow shared/reference/erp/NOTES.md §8 (X1–X14).
// Control surface: /_fake/config, /_fake/faults, /_fake/state, /_fake/requests, /_fake/webhook,
// /_fake/intent-to-receive, /_fake/edit-invoice, /_fake/edit-contact, /_fake/payment, /_fake/revoke, /_fake/reset, /_fake/hooks/<name>.
import { createHash, createHmac, randomUUID } from "node:crypto";
import type { FakeDefinition, FakeHandler } from "./fake-server.ts";
import { componentFor, contractProblems } from "./xero-contract.ts";
import { seededRandom } from "../../workers/domain/forecast/stats.ts";
import { FAKE_XERO_CREDENTIALS } from "../../workers/config/local-secrets.ts";

export const FAKE_XERO = {
  ...FAKE_XERO_CREDENTIALS,
  tenantId: "7a1e1f0e-0000-4000-8000-00000000f001",
  tenantName: "Demo Org (fake Xero)",
} as const;

export interface XeroFakeConfig {
  /** Length of a rate-limit "minute" in real ms (60,000 = real time). A day is 1,440 of them. */
  minuteMs: number;
  perMinute: number;
  perDay: number;
  concurrent: number;
  /** Access-token lifetime in "minutes" (Xero: 30). */
  accessTokenMinutes: number;
  /** How long a rotated refresh token stays usable, in "minutes" (Xero documents 30; 0 = strictly single use). */
  refreshGraceMinutes: number;
  /** Artificial latency per API call, real ms (so the concurrency limit can be hit). */
  latencyMs: number;
}

const DEFAULT_CONFIG: XeroFakeConfig = {
  minuteMs: 60_000,
  perMinute: 60,
  perDay: 5_000,
  concurrent: 5,
  accessTokenMinutes: 30,
  refreshGraceMinutes: 0,
  latencyMs: 0,
};

interface Faults {
  /** Share of API calls answered 500 before doing anything (0..1). */
  errorRate: number;
  /** Next n API calls answer 429 (minute). */
  rateLimitStorm: number;
  /** Next n API calls answer 429 (day): the daily budget is spent, Retry-After hours away. */
  dayLimitStorm: number;
  /** Next n writes are committed, then answered 503 (the "uncertain outcome"). */
  commitThenFail: number;
  /** Seed of the fake's own random numbers (deterministic fault patterns). */
  seed: number;
}

type Json = Record<string, unknown>;
interface Token {
  value: string;
  expiresAt: number;
  tenantId: string;
}
interface RefreshToken {
  value: string;
  usedAt: number | null;
  successor: string | null;
  tenantId: string;
}

const TAX_RATES = [
  { Name: "Standard 21% (ES)", TaxType: "OUTPUT_ES21", EffectiveRate: 21, Status: "ACTIVE" },
  { Name: "Super-reduced 4% (ES)", TaxType: "OUTPUT_ES4", EffectiveRate: 4, Status: "ACTIVE" },
  { Name: "Reduced 10% (ES)", TaxType: "OUTPUT_ES10", EffectiveRate: 10, Status: "ACTIVE" },
  { Name: "20% (VAT on Income)", TaxType: "OUTPUT2", EffectiveRate: 20, Status: "ACTIVE" },
  { Name: "Sales Tax NY 4%", TaxType: "OUTPUT_NY4", EffectiveRate: 4, Status: "ACTIVE" },
  { Name: "No VAT", TaxType: "NONE", EffectiveRate: 0, Status: "ACTIVE" },
];
const ACCOUNTS = [
  { AccountID: "a0000000-0000-4000-8000-000000000200", Code: "200", Name: "Sales", Type: "REVENUE", Status: "ACTIVE" },
  { AccountID: "a0000000-0000-4000-8000-000000000260", Code: "260", Name: "Other Revenue", Type: "REVENUE", Status: "ACTIVE" },
  {
    AccountID: "a0000000-0000-4000-8000-000000000090",
    Code: "090",
    Name: "Business Bank Account",
    Type: "BANK",
    Status: "ACTIVE",
    EnablePaymentsToAccount: true,
  },
];
const CURRENCIES = ["EUR", "GBP", "USD"];

/** Half away from zero, like Xero's 2-dp rounding. */
const roundDiv = (n: bigint, d: bigint) => (n >= 0n ? (2n * n + d) / (2n * d) : -((2n * -n + d) / (2n * d)));
const cents = (x: unknown) => Math.round(Number(x ?? 0) * 100);
const dec = (c: number) => c / 100;

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}
const validation = (elements: Json[], message = "A validation exception occurred") =>
  json(400, { ErrorNumber: 10, Type: "ValidationException", Message: message, Elements: elements });

/** One organisation of the fake; `slot` prefixes its codes and tokens so the router finds it. */
export interface FakeTenant {
  slot: number;
  id: string;
  name: string;
}

export const tenantOfSlot = (slot: number): FakeTenant =>
  slot === 0
    ? { slot, id: FAKE_XERO.tenantId, name: FAKE_XERO.tenantName }
    : { slot, id: `7a1e1f0e-0000-4000-8000-${(0xf001 + slot).toString(16).padStart(12, "0")}`, name: `Tenant ${slot} (fake Xero)` };

export function createXeroFake(baseUrl: string, initial: Partial<XeroFakeConfig> = {}, tenant: FakeTenant = tenantOfSlot(0)): FakeHandler {
  let config: XeroFakeConfig = { ...DEFAULT_CONFIG, ...initial };
  let faults: Faults = { errorRate: 0, rateLimitStorm: 0, dayLimitStorm: 0, commitThenFail: 0, seed: 1 };
  let random = seededRandom(faults.seed);
  const now = () => Date.now();
  const minute = () => config.minuteMs;

  // Identity state.
  const codes = new Map<string, { redirectUri: string; challenge: string | null; tenantId: string; expiresAt: number }>();
  const accessTokens = new Map<string, Token>();
  const refreshTokens = new Map<string, RefreshToken>();
  // Accounting state, per tenant (one tenant here, keyed anyway).
  const contacts = new Map<string, Json>();
  const invoices = new Map<string, Json>();
  const creditNotes = new Map<string, Json>();
  const payments = new Map<string, Json>();
  // The live document holding each number (statuses change in place, so a voided/deleted one shows as such).
  const invoicesByNumber = new Map<string, Json>();
  const creditNotesByNumber = new Map<string, Json>();
  const idempotent = new Map<string, { status: number; body: string; fingerprint: string }>();
  // Rate-limit state per tenant.
  const calls = new Map<string, number[]>();
  const inFlight = new Map<string, number>();
  const recorded: Array<{ at: number; method: string; path: string; status: number; idempotencyKey: string | null; body: unknown }> = [];
  const contractViolations: Array<{ path: string; problems: string[] }> = [];
  const counters = { apiCalls: 0, rateLimited: 0, injected5xx: 0, refreshes: 0, rejectedRefreshes: 0 };

  function issueTokens(tenantId: string) {
    const access: Token = { value: `xat_${tenant.slot}_${randomUUID()}`, expiresAt: now() + config.accessTokenMinutes * minute(), tenantId };
    const refresh: RefreshToken = { value: `xrt_${tenant.slot}_${randomUUID()}`, usedAt: null, successor: null, tenantId };
    accessTokens.set(access.value, access);
    refreshTokens.set(refresh.value, refresh);
    return {
      access_token: access.value,
      refresh_token: refresh.value,
      expires_in: Math.round((config.accessTokenMinutes * minute()) / 1000),
      token_type: "Bearer",
      scope: "openid offline_access accounting.transactions accounting.contacts accounting.settings.read",
    };
  }

  function clientOk(request: Request, form: URLSearchParams): boolean {
    const basic = request.headers.get("authorization");
    if (basic?.startsWith("Basic ")) {
      const [id, secret] = Buffer.from(basic.slice(6), "base64").toString().split(":");
      return id === FAKE_XERO.clientId && secret === FAKE_XERO.clientSecret;
    }
    return form.get("client_id") === FAKE_XERO.clientId && form.get("client_secret") === FAKE_XERO.clientSecret;
  }

  async function token(request: Request): Promise<Response> {
    const form = new URLSearchParams(await request.text());
    const invalidGrant = () => {
      counters.rejectedRefreshes++;
      return json(400, { error: "invalid_grant", error_description: "Token has been expired or revoked." });
    };
    if (!clientOk(request, form)) return json(401, { error: "invalid_client" });
    if (form.get("grant_type") === "authorization_code") {
      const grant = codes.get(form.get("code") ?? "");
      codes.delete(form.get("code") ?? "");
      if (!grant || grant.expiresAt < now() || grant.redirectUri !== form.get("redirect_uri")) return json(400, { error: "invalid_grant" });
      if (grant.challenge) {
        const verifier = form.get("code_verifier") ?? "";
        if (createHash("sha256").update(verifier).digest("base64url") !== grant.challenge)
          return json(400, { error: "invalid_grant", error_description: "PKCE verification failed" });
      }
      return json(200, issueTokens(grant.tenantId));
    }
    if (form.get("grant_type") === "refresh_token") {
      const old = refreshTokens.get(form.get("refresh_token") ?? "");
      if (!old) return invalidGrant();
      // Grace 0 is strictly single use, also within the same millisecond (a `>` alone let a
      // second use in the same tick through).
      if (old.usedAt !== null && (config.refreshGraceMinutes === 0 || now() - old.usedAt > config.refreshGraceMinutes * minute())) return invalidGrant();
      counters.refreshes++;
      old.usedAt ??= now();
      const issued = issueTokens(old.tenantId);
      // A rotated token's earlier successor dies: only the newest pair stays valid.
      if (old.successor) refreshTokens.delete(old.successor);
      old.successor = issued.refresh_token;
      return json(200, issued);
    }
    return json(400, { error: "unsupported_grant_type" });
  }

  function authorize(url: URL): Response {
    const redirectUri = url.searchParams.get("redirect_uri");
    if (url.searchParams.get("client_id") !== FAKE_XERO.clientId || !redirectUri) return json(400, { error: "invalid_request" });
    const code = `xcode_${tenant.slot}_${randomUUID()}`;
    const challenge = url.searchParams.get("code_challenge_method") === "S256" ? url.searchParams.get("code_challenge") : null;
    codes.set(code, { redirectUri, challenge, tenantId: tenant.id, expiresAt: now() + 5 * minute() });
    const back = new URL(redirectUri);
    back.searchParams.set("code", code);
    const state = url.searchParams.get("state");
    if (state !== null) back.searchParams.set("state", state);
    // The fake consents at once: a real user would click "Allow access" here.
    return new Response(null, { status: 302, headers: { location: back.toString() } });
  }

  function limitHeaders(tenantId: string): Record<string, string> {
    const log = calls.get(tenantId) ?? [];
    const t = now();
    const inMinute = log.filter((x) => x > t - minute()).length;
    return {
      "X-MinLimit-Remaining": String(Math.max(0, config.perMinute - inMinute)),
      "X-DayLimit-Remaining": String(Math.max(0, config.perDay - log.length)),
      "X-AppMinLimit-Remaining": "9999",
    };
  }

  /** Admits a call under the tenant's limits, or answers the 429 Xero would. */
  function admit(tenantId: string): Response | null {
    const t = now();
    const log = (calls.get(tenantId) ?? []).filter((x) => x > t - 1440 * minute());
    calls.set(tenantId, log);
    const tooMany = (problem: string, waitMs: number, extra: Record<string, string> = {}) => {
      counters.rateLimited++;
      return new Response(`Rate limit exceeded: ${problem}`, {
        status: 429,
        headers: {
          "content-type": "text/plain",
          "Retry-After": String(Math.max(1, Math.ceil(waitMs / 1000))),
          "X-Rate-Limit-Problem": problem,
          ...limitHeaders(tenantId),
          ...extra,
        },
      });
    };
    if (faults.dayLimitStorm > 0) {
      faults.dayLimitStorm--;
      return tooMany("day", 360 * minute(), { "X-DayLimit-Remaining": "0" });
    }
    if (faults.rateLimitStorm > 0) {
      faults.rateLimitStorm--;
      return tooMany("minute", minute() / 2, { "X-MinLimit-Remaining": "0" });
    }
    if ((inFlight.get(tenantId) ?? 0) >= config.concurrent) return tooMany("concurrent", 1000);
    if (log.length >= config.perDay) return tooMany("day", log[0]! + 1440 * minute() - t, { "X-DayLimit-Remaining": "0" });
    const inMinute = log.filter((x) => x > t - minute());
    if (inMinute.length >= config.perMinute) return tooMany("minute", inMinute[0]! + minute() - t, { "X-MinLimit-Remaining": "0" });
    log.push(t);
    return null;
  }

  // ---- Accounting API -------------------------------------------------------------------

  function findContact(ref: unknown): Json | undefined {
    const id = (ref as Json | undefined)?.ContactID;
    return typeof id === "string" ? contacts.get(id) : undefined;
  }

  /** Xero's arithmetic: each line rounded to 2 dp, tax per line rounded to 2 dp, then summed. */
  function priceLines(lines: Json[], errors: Json[]): { lines: Json[]; sub: number; tax: number } {
    let sub = 0;
    let tax = 0;
    const out = lines.map((l) => {
      const q4 = BigInt(Math.round(Number(l.Quantity ?? 1) * 10_000));
      const u4 = BigInt(Math.round(Number(l.UnitAmount ?? 0) * 10_000));
      const gross = Number(roundDiv(q4 * u4, 1_000_000n));
      const discount =
        l.DiscountRate !== undefined ? Number(roundDiv(BigInt(gross) * BigInt(Math.round(Number(l.DiscountRate) * 100)), 10_000n)) : cents(l.DiscountAmount);
      const lineAmount = gross - discount;
      if (l.LineAmount !== undefined && cents(l.LineAmount) !== lineAmount)
        errors.push({ Message: `Line amount ${l.LineAmount} does not equal quantity × unit amount less discount (${dec(lineAmount)}).` });
      const rate = TAX_RATES.find((r) => r.TaxType === l.TaxType);
      if (!rate) errors.push({ Message: `Tax type '${String(l.TaxType)}' is not valid.` });
      if (!ACCOUNTS.some((a) => a.Code === l.AccountCode && a.Type === "REVENUE"))
        errors.push({ Message: `Account code '${String(l.AccountCode)}' is not a valid code for this document.` });
      const computedTax = Number(roundDiv(BigInt(lineAmount) * BigInt(Math.round((rate?.EffectiveRate ?? 0) * 10_000)), 1_000_000n));
      // Xero accepts a line's TaxAmount when it is within a rounding adjustment of its own.
      let lineTax = computedTax;
      if (l.TaxAmount !== undefined) {
        if (Math.abs(cents(l.TaxAmount) - computedTax) > 1)
          errors.push({ Message: `The tax amount ${l.TaxAmount} is not within rounding of ${dec(computedTax)}.` });
        else lineTax = cents(l.TaxAmount);
      }
      sub += lineAmount;
      tax += lineTax;
      return { ...l, LineItemID: randomUUID(), LineAmount: dec(lineAmount), TaxAmount: dec(lineTax) };
    });
    return { lines: out, sub, tax };
  }

  function upsertInvoice(input: Json, kind: "invoice" | "credit"): Json {
    const store = kind === "invoice" ? invoices : creditNotes;
    const idField = kind === "invoice" ? "InvoiceID" : "CreditNoteID";
    const numberField = kind === "invoice" ? "InvoiceNumber" : "CreditNoteNumber";
    const errors: Json[] = [];
    const existingById = typeof input[idField] === "string" ? store.get(input[idField] as string) : undefined;
    if (existingById) {
      // Only status transitions are supported on an existing document here.
      if (input.Status === "VOIDED" || input.Status === "DELETED") {
        if (Number(existingById.AmountPaid ?? 0) > 0 || existingById.Status === "PAID")
          return { ...existingById, HasErrors: true, ValidationErrors: [{ Message: "Invoice not of valid status for modification" }] };
        Object.assign(existingById, { Status: input.Status, UpdatedDateUTC: xeroDate(now()) });
        return { ...existingById, HasErrors: false };
      }
      return { ...existingById, HasErrors: false };
    }
    if (typeof input[idField] === "string") errors.push({ Message: `${idField} ${input[idField]} was not found` });
    if (input.Type !== (kind === "invoice" ? "ACCREC" : "ACCRECCREDIT")) errors.push({ Message: "Type must be ACCREC for a sales document" });
    if (!findContact(input.Contact)) errors.push({ Message: "A Contact must be specified with this type of transaction" });
    if (typeof input.CurrencyCode === "string" && !CURRENCIES.includes(input.CurrencyCode))
      errors.push({ Message: `The currency ${input.CurrencyCode} is not enabled for this organisation.` });
    const number = input[numberField];
    const byNumber = kind === "invoice" ? invoicesByNumber : creditNotesByNumber;
    // Indexed by number: a scan of every document per created one made the fake's cost grow with the run.
    if (typeof number === "string" && (byNumber.get(number)?.Status ?? "DELETED") !== "DELETED")
      errors.push({ Message: `${kind === "invoice" ? "Invoice" : "Credit note"} # must be unique.` });
    const lines = Array.isArray(input.LineItems) ? (input.LineItems as Json[]) : [];
    if (lines.length === 0) errors.push({ Message: "At least one line item is required" });
    const priced = priceLines(lines, errors);
    const total = priced.sub + priced.tax;
    if (input.Total !== undefined && cents(input.Total) !== total) errors.push({ Message: "The invoice total does not equal the sum of the lines." });
    if (errors.length > 0) return { ...input, HasErrors: true, ValidationErrors: errors };
    const id = randomUUID();
    const doc: Json = {
      ...input,
      [idField]: id,
      LineItems: priced.lines,
      SubTotal: dec(priced.sub),
      TotalTax: dec(priced.tax),
      Total: dec(total),
      AmountDue: dec(total),
      AmountPaid: 0,
      Status: input.Status ?? "DRAFT",
      UpdatedDateUTC: xeroDate(now()),
    };
    store.set(id, doc);
    if (typeof number === "string") byNumber.set(number, doc);
    return { ...doc, HasErrors: false };
  }

  function createPayment(input: Json): Json {
    const invoice = invoices.get(String((input.Invoice as Json | undefined)?.InvoiceID ?? ""));
    const errors: Json[] = [];
    if (!invoice) errors.push({ Message: "Invoice could not be found" });
    else if (invoice.Status !== "AUTHORISED") errors.push({ Message: "Payment can only be applied to an authorised invoice" });
    if (!ACCOUNTS.some((a) => a.Code === (input.Account as Json | undefined)?.Code && a.Type === "BANK"))
      errors.push({ Message: "Account code must be a bank account or have payments enabled" });
    const amount = cents(input.Amount);
    if (invoice && amount > cents(invoice.AmountDue)) errors.push({ Message: "Payment amount exceeds the amount outstanding on this document" });
    if (errors.length > 0 || !invoice) return { ...input, HasErrors: true, ValidationErrors: errors };
    const id = randomUUID();
    // Xero answers (and lists) a payment with a summary of its invoice.
    const payment: Json = {
      ...input,
      Invoice: { InvoiceID: invoice.InvoiceID, InvoiceNumber: invoice.InvoiceNumber, CurrencyCode: invoice.CurrencyCode },
      PaymentID: id,
      Status: "AUTHORISED",
      UpdatedDateUTC: xeroDate(now()),
    };
    payments.set(id, payment);
    const paid = cents(invoice.AmountPaid) + amount;
    const due = cents(invoice.Total) - paid - cents(invoice.AmountCredited ?? 0);
    Object.assign(invoice, {
      AmountPaid: dec(paid),
      AmountDue: dec(due),
      Status: due <= 0 ? "PAID" : "AUTHORISED",
      UpdatedDateUTC: xeroDate(now()),
    });
    return { ...payment, HasErrors: false };
  }

  /** A credit note applied to an invoice: at most what the note has left and what the invoice still owes. */
  function allocate(creditNoteId: string, input: Json): Json {
    const note = creditNotes.get(creditNoteId);
    const invoice = invoices.get(String((input.Invoice as Json | undefined)?.InvoiceID ?? ""));
    const errors: Json[] = [];
    if (!note) errors.push({ Message: "Credit note could not be found" });
    else if (note.Status !== "AUTHORISED") errors.push({ Message: "Credit note must be authorised before it can be allocated" });
    if (!invoice) errors.push({ Message: "Invoice could not be found" });
    else if (invoice.Status !== "AUTHORISED") errors.push({ Message: "Invoice must be authorised and not fully paid to be allocated" });
    if (note && invoice && note.CurrencyCode !== invoice.CurrencyCode) errors.push({ Message: "The currency of the credit note and the invoice must match" });
    if (note && invoice && (note.Contact as Json | undefined)?.ContactID !== (invoice.Contact as Json | undefined)?.ContactID)
      errors.push({ Message: "The credit note and the invoice must be for the same contact" });
    const amount = cents(input.Amount);
    if (!(amount > 0)) errors.push({ Message: "Amount must be greater than zero" });
    if (note && amount > cents(note.RemainingCredit ?? note.Total)) errors.push({ Message: "The amount allocated exceeds the remaining credit on the credit note" });
    if (invoice && amount > cents(invoice.AmountDue)) errors.push({ Message: "The amount allocated exceeds the amount due on the invoice" });
    if (errors.length > 0 || !note || !invoice) return { ...input, HasErrors: true, ValidationErrors: errors };
    const allocation: Json = { AllocationID: randomUUID(), Amount: dec(amount), Date: input.Date, Invoice: { InvoiceID: invoice.InvoiceID, InvoiceNumber: invoice.InvoiceNumber } };
    const remaining = cents(note.RemainingCredit ?? note.Total) - amount;
    Object.assign(note, { RemainingCredit: dec(remaining), Status: remaining === 0 ? "PAID" : note.Status, Allocations: [...((note.Allocations as Json[] | undefined) ?? []), allocation], UpdatedDateUTC: xeroDate(now()) });
    const credited = cents(invoice.AmountCredited ?? 0) + amount;
    const due = cents(invoice.Total) - cents(invoice.AmountPaid ?? 0) - credited;
    Object.assign(invoice, { AmountCredited: dec(credited), AmountDue: dec(due), Status: due <= 0 ? "PAID" : invoice.Status, UpdatedDateUTC: xeroDate(now()) });
    return { ...allocation, CreditNote: { CreditNoteID: note.CreditNoteID }, HasErrors: false };
  }

  function upsertContact(input: Json): Json {
    if (typeof input.ContactID === "string" && contacts.has(input.ContactID)) {
      // With its ContactID, Xero updates the contact in place: the fields sent replace the old ones.
      const existing = contacts.get(input.ContactID)!;
      if ("Name" in input && (typeof input.Name !== "string" || input.Name.trim() === ""))
        return { ...input, HasErrors: true, ValidationErrors: [{ Message: "The contact name must be specified." }] };
      const taken = typeof input.Name === "string" && [...contacts.values()].some((c) => c.ContactID !== input.ContactID && c.Name === input.Name);
      if (taken) return { ...input, HasErrors: true, ValidationErrors: [{ Message: "The contact name is already assigned to another contact. The contact name must be unique across all active contacts." }] };
      Object.assign(existing, input, { UpdatedDateUTC: xeroDate(now()) });
      return { ...existing, HasErrors: false };
    }
    if (typeof input.Name !== "string" || input.Name.trim() === "")
      return { ...input, HasErrors: true, ValidationErrors: [{ Message: "The contact name must be specified." }] };
    const clash = [...contacts.values()].find((c) => c.Name === input.Name);
    if (clash && clash.ContactNumber !== input.ContactNumber)
      return {
        ...input,
        HasErrors: true,
        ValidationErrors: [{ Message: "The contact name is already assigned to another contact. The contact name must be unique across all active contacts." }],
      };
    if (clash) return { ...clash, HasErrors: false };
    const id = randomUUID();
    const contact = { ...input, ContactID: id, ContactStatus: "ACTIVE", UpdatedDateUTC: xeroDate(now()) };
    contacts.set(id, contact);
    return { ...contact, HasErrors: false };
  }

  function modifiedSince(request: Request, docs: Iterable<Json>): Json[] {
    const since = request.headers.get("if-modified-since");
    const floor = since ? Date.parse(since) : Number.NEGATIVE_INFINITY;
    return [...docs].filter((d) => parseXeroDate(d.UpdatedDateUTC) > floor);
  }

  /**
   * A list answer as Xero gives it: with `page`, oldest change first, `pageSize` (default 100,
   * at most 1000) per page; with If-Modified-Since and nothing changed since, 304 and no body.
   */
  function listed(request: Request, url: URL, key: string, docs: Json[]): Response {
    if (request.headers.has("if-modified-since") && docs.length === 0) return new Response(null, { status: 304 });
    const page = Number(url.searchParams.get("page") ?? 0);
    if (!Number.isInteger(page) || page < 1) return json(200, { [key]: docs });
    const size = Math.min(1000, Math.max(1, Number(url.searchParams.get("pageSize") ?? 100) || 100));
    const sorted = [...docs].sort((a, b) => parseXeroDate(a.UpdatedDateUTC) - parseXeroDate(b.UpdatedDateUTC));
    return json(200, {
      pagination: { page, pageSize: size, pageCount: Math.ceil(sorted.length / size), itemCount: sorted.length },
      [key]: sorted.slice((page - 1) * size, page * size),
    });
  }

  function filterByNumbers(url: URL, field: string, docs: Json[]): Json[] {
    const wanted = url.searchParams.get(`${field}s`);
    if (!wanted) return docs;
    const set = new Set(wanted.split(","));
    return docs.filter((d) => set.has(String(d[field])));
  }

  async function batch(request: Request, url: URL, key: string, each: (item: Json) => Json): Promise<Response> {
    const body = (await request.json().catch(() => null)) as Json | null;
    const items = body && Array.isArray(body[key]) ? (body[key] as Json[]) : body && !Array.isArray(body) ? [body] : [];
    const results = items.map(each);
    const summarize = url.searchParams.get("summarizeErrors") !== "false";
    if (summarize && results.some((r) => r.HasErrors)) {
      return validation(results.filter((r) => r.HasErrors).map((r) => ({ ...r })));
    }
    return json(200, { Id: randomUUID(), Status: "OK", ProviderName: "Ledgerline", DateTimeUTC: xeroDate(now()), [key]: results });
  }

  async function api(request: Request, url: URL, tenantId: string): Promise<Response> {
    const path = url.pathname.replace(/^\/api\.xro\/2\.0/, "");
    const m = request.method;
    if (path === "/TaxRates" && m === "GET") return json(200, { TaxRates: TAX_RATES });
    if (path === "/Accounts" && m === "GET") return json(200, { Accounts: ACCOUNTS });
    if (path === "/Currencies" && m === "GET") return json(200, { Currencies: CURRENCIES.map((Code) => ({ Code })) });
    if (path === "/Contacts" && m === "GET")
      return listed(request, url, "Contacts", filterByNumbers(url, "ContactNumber", modifiedSince(request, contacts.values())));
    if (path === "/Contacts" && (m === "POST" || m === "PUT")) return batch(request, url, "Contacts", upsertContact);
    if (path === "/Invoices" && m === "GET")
      return listed(request, url, "Invoices", filterByNumbers(url, "InvoiceNumber", modifiedSince(request, invoices.values())));
    if (path === "/Invoices" && (m === "POST" || m === "PUT")) return batch(request, url, "Invoices", (i) => upsertInvoice(i, "invoice"));
    const contact = /^\/Contacts\/([0-9a-f-]{36})$/.exec(path);
    if (contact && m === "GET") return contacts.has(contact[1]!) ? json(200, { Contacts: [contacts.get(contact[1]!)] }) : json(404, { Title: "Not Found", Status: 404 });
    const one = /^\/Invoices\/([0-9a-f-]{36})$/.exec(path);
    if (one && m === "GET") return invoices.has(one[1]!) ? json(200, { Invoices: [invoices.get(one[1]!)] }) : json(404, { Title: "Not Found", Status: 404 });
    if (one && m === "POST") {
      const body = (await request.json().catch(() => ({}))) as Json;
      const input = Array.isArray(body.Invoices) ? (body.Invoices as Json[])[0]! : body;
      const result = upsertInvoice({ ...input, InvoiceID: one[1] }, "invoice");
      return result.HasErrors ? validation([result]) : json(200, { Invoices: [result] });
    }
    if (path === "/CreditNotes" && m === "GET")
      return listed(request, url, "CreditNotes", filterByNumbers(url, "CreditNoteNumber", modifiedSince(request, creditNotes.values())));
    if (path === "/CreditNotes" && (m === "POST" || m === "PUT")) return batch(request, url, "CreditNotes", (i) => upsertInvoice(i, "credit"));
    const note = /^\/CreditNotes\/([0-9a-f-]{36})(\/Allocations)?$/.exec(path);
    if (note && !note[2] && m === "GET")
      return creditNotes.has(note[1]!) ? json(200, { CreditNotes: [creditNotes.get(note[1]!)] }) : json(404, { Title: "Not Found", Status: 404 });
    if (note && note[2] && (m === "PUT" || m === "POST")) {
      const body = (await request.json().catch(() => ({}))) as Json;
      const results = ((body.Allocations as Json[] | undefined) ?? []).map((a) => allocate(note[1]!, a));
      return results.some((r) => r.HasErrors) ? validation(results.filter((r) => r.HasErrors)) : json(200, { Id: randomUUID(), Status: "OK", ProviderName: "Ledgerline", DateTimeUTC: xeroDate(now()), Allocations: results });
    }
    if (path === "/Payments" && m === "GET") return listed(request, url, "Payments", modifiedSince(request, payments.values()));
    if (path === "/Payments" && (m === "POST" || m === "PUT")) return batch(request, url, "Payments", createPayment);
    void tenantId;
    return json(404, { Title: "Not Found", Status: 404, Detail: `no such resource ${m} ${path}` });
  }

  async function accounting(request: Request, url: URL): Promise<Response> {
    const auth = request.headers.get("authorization") ?? "";
    const access = accessTokens.get(auth.replace(/^Bearer /, ""));
    if (!access)
      return json(401, { Type: null, Title: "Unauthorized", Status: 401, Detail: "AuthenticationUnsuccessful", Instance: randomUUID(), Extensions: {} });
    if (access.expiresAt <= now())
      return json(401, {
        Type: null,
        Title: "Unauthorized",
        Status: 401,
        Detail: `TokenExpired: token expired at ${new Date(access.expiresAt).toISOString()}`,
        Instance: randomUUID(),
        Extensions: {},
      });
    const tenantId = request.headers.get("xero-tenant-id") ?? "";
    if (tenantId !== access.tenantId)
      return json(403, { Type: null, Title: "Forbidden", Status: 403, Detail: "AuthenticationUnsuccessful", Instance: randomUUID(), Extensions: {} });
    const refused = admit(tenantId);
    if (refused) return refused;
    counters.apiCalls++;
    inFlight.set(tenantId, (inFlight.get(tenantId) ?? 0) + 1);
    try {
      if (config.latencyMs > 0) await new Promise((r) => setTimeout(r, config.latencyMs));
      if (faults.errorRate > 0 && random() < faults.errorRate) {
        counters.injected5xx++;
        return json(500, {
          Title: "An error occurred",
          Status: 500,
          Detail: "An error occurred in Xero. Check the API Status page for current service status.",
        });
      }
      const write = request.method === "POST" || request.method === "PUT";
      const key = write ? request.headers.get("idempotency-key") : null;
      const text = write ? await request.clone().text() : "";
      if (key !== null && key.length > 128) return validation([], "Idempotency-Key must be at most 128 characters");
      // Not Xero's behaviour: the fake refuses any body outside Xero's published schema, so a
      // connector bug shows up as a failing test instead of a field Xero silently ignores.
      const component = componentFor(request.method, url.pathname);
      if (component) {
        const problems = contractProblems(component, text ? JSON.parse(text) : null);
        if (problems.length > 0) {
          contractViolations.push({ path: url.pathname, problems });
          return json(400, { Type: "FakeContractViolation", Message: "request body does not match xero_accounting.yaml", problems });
        }
      }
      const fingerprint = createHash("sha256").update(`${request.method} ${url.pathname}${url.search} ${text}`).digest("hex");
      const cacheKey = key ? `${tenantId}:${key}` : null;
      const replay = cacheKey ? idempotent.get(cacheKey) : undefined;
      if (replay) {
        if (replay.fingerprint !== fingerprint) return validation([], "Idempotency-Key has already been used with a different request");
        return new Response(replay.body, { status: replay.status, headers: { "content-type": "application/json", ...limitHeaders(tenantId) } });
      }
      const response = await api(request, url, tenantId);
      const body = await response.text();
      if (cacheKey && response.status < 500) idempotent.set(cacheKey, { status: response.status, body, fingerprint });
      if (write && faults.commitThenFail > 0 && response.status < 300) {
        faults.commitThenFail--;
        return json(503, { Title: "Service Unavailable", Status: 503, Detail: "The service is temporarily unavailable" });
      }
      return new Response(response.status === 304 ? null : body, {
        status: response.status,
        headers: { ...Object.fromEntries(response.headers), ...limitHeaders(tenantId) },
      });
    } finally {
      inFlight.set(tenantId, (inFlight.get(tenantId) ?? 1) - 1);
    }
  }

  // ---- Control surface ------------------------------------------------------------------

  function signature(body: string, key: string = FAKE_XERO.webhookKey): string {
    return createHmac("sha256", key).update(body).digest("base64");
  }

  async function postWebhook(target: string, body: string, sig: string): Promise<number> {
    const response = await fetch(target, { method: "POST", headers: { "content-type": "application/json", "x-xero-signature": sig }, body });
    await response.arrayBuffer();
    return response.status;
  }

  // A stand-in for a franchise's own webhook receiver (sync alerts): POST records, GET lists.
  const hooks = new Map<string, Array<{ headers: Record<string, string>; body: string }>>();

  async function control(request: Request, url: URL): Promise<Response> {
    const hook = /^\/_fake\/hooks\/([\w-]+)$/.exec(url.pathname);
    if (hook) {
      if (request.method === "POST") hooks.set(hook[1]!, [...(hooks.get(hook[1]!) ?? []), { headers: Object.fromEntries(request.headers), body: await request.text() }]);
      return json(200, { received: hooks.get(hook[1]!) ?? [] });
    }
    const body = request.method === "POST" ? ((await request.json().catch(() => ({}))) as Json) : {};
    switch (url.pathname) {
      case "/_fake/config":
        if (request.method === "POST") config = { ...config, ...(body as Partial<XeroFakeConfig>) };
        return json(200, config);
      case "/_fake/faults":
        if (request.method === "POST") {
          faults = { ...faults, ...(body as Partial<Faults>) };
          if (body.seed !== undefined) random = seededRandom(Number(body.seed));
        }
        if (body.expireAccessTokens) for (const t of accessTokens.values()) t.expiresAt = now() - 1;
        return json(200, faults);
      case "/_fake/state":
        return json(200, {
          counters,
          contractViolations,
          invoices: [...invoices.values()],
          creditNotes: [...creditNotes.values()],
          payments: [...payments.values()],
          contacts: [...contacts.values()],
        });
      case "/_fake/requests":
        return json(200, { requests: recorded });
      case "/_fake/revoke":
        // The organisation disconnects the app inside Xero: every refresh token dies (refreshing
        // answers invalid_grant) and the access tokens expire (the next call answers TokenExpired).
        refreshTokens.clear();
        for (const t of accessTokens.values()) t.expiresAt = now() - 1;
        return json(200, { revoked: true });
      case "/_fake/reset":
        for (const m of [codes, accessTokens, refreshTokens, contacts, invoices, creditNotes, invoicesByNumber, creditNotesByNumber, payments, idempotent, calls, inFlight]) m.clear();
        recorded.length = 0;
        contractViolations.length = 0;
        Object.assign(counters, { apiCalls: 0, rateLimited: 0, injected5xx: 0, refreshes: 0, rejectedRefreshes: 0 });
        config = { ...DEFAULT_CONFIG, ...initial };
        faults = { errorRate: 0, rateLimitStorm: 0, dayLimitStorm: 0, commitThenFail: 0, seed: 1 };
        return json(200, { reset: true });
      case "/_fake/edit-invoice": {
        // A bookkeeper edits or voids an invoice inside Xero (inbound sync and conflicts).
        const invoice = invoices.get(String(body.InvoiceID));
        if (!invoice) return json(404, { error: "no such invoice" });
        Object.assign(invoice, body.changes as Json, { UpdatedDateUTC: xeroDate(now()) });
        return json(200, invoice);
      }
      case "/_fake/edit-contact": {
        // A bookkeeper edits a contact inside Xero (contact edits flow back by webhook).
        const contact = contacts.get(String(body.ContactID));
        if (!contact) return json(404, { error: "no such contact" });
        Object.assign(contact, body.changes as Json, { UpdatedDateUTC: xeroDate(now()) });
        return json(200, contact);
      }
      case "/_fake/payment":
        // A payment recorded directly in Xero (polled back with If-Modified-Since).
        return json(200, createPayment(body));
      case "/_fake/webhook": {
        // Sends a signed event batch to `url` (`duplicate: true` sends it twice; `badSignature` signs with another key).
        const events = (body.events as Json[] | undefined) ?? [];
        const payload = JSON.stringify({
          events: events.map((e) => ({ tenantId: tenant.id, tenantType: "ORGANISATION", eventDateUtc: new Date(now()).toISOString(), ...e })),
          firstEventSequence: 1,
          lastEventSequence: events.length,
          entropy: randomUUID(),
        });
        const sig = body.badSignature ? signature(payload, "wrong-key") : signature(payload);
        const statuses = [await postWebhook(String(body.url), payload, sig)];
        if (body.duplicate) statuses.push(await postWebhook(String(body.url), payload, sig));
        return json(200, { statuses });
      }
      case "/_fake/intent-to-receive": {
        // Xero's check before enabling a webhook: a correctly signed empty batch must get 200, a badly signed one 401.
        const payload = JSON.stringify({ events: [], firstEventSequence: 0, lastEventSequence: 0, entropy: randomUUID() });
        const good = await postWebhook(String(body.url), payload, signature(payload));
        const bad = await postWebhook(String(body.url), payload, signature(payload, "not-the-key"));
        return json(200, { good, bad, passed: good === 200 && bad === 401 });
      }
      default:
        return json(404, { error: `unknown control ${url.pathname}` });
    }
  }

  return async (request: Request) => {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/_fake/")) return control(request, url);
    if (url.pathname === "/identity/connect/authorize") return authorize(url);
    if (url.pathname === "/identity/connect/token" && request.method === "POST") return token(request);
    let response: Response;
    if (url.pathname === "/connections" && request.method === "GET") {
      const access = accessTokens.get((request.headers.get("authorization") ?? "").replace(/^Bearer /, ""));
      response =
        access && access.expiresAt > now()
          ? json(200, [{ id: randomUUID(), tenantId: access.tenantId, tenantType: "ORGANISATION", tenantName: tenant.name }])
          : json(401, { Title: "Unauthorized", Status: 401 });
    } else if (url.pathname.startsWith("/api.xro/2.0/")) {
      const bodyText = request.method === "GET" ? "" : await request.clone().text();
      response = await accounting(request, url);
      recorded.push({
        at: now(),
        method: request.method,
        path: url.pathname + url.search,
        status: response.status,
        idempotencyKey: request.headers.get("idempotency-key"),
        body: bodyText ? JSON.parse(bodyText) : null,
      });
      if (recorded.length > 50_000) recorded.splice(0, recorded.length - 50_000);
    } else {
      response = json(404, { error: `fake Xero has no ${request.method} ${url.pathname}` });
    }
    void baseUrl;
    return response;
  };
}

/** Xero's JSON dates: "/Date(1700000000000+0000)/". */
export function xeroDate(ms: number): string {
  return `/Date(${ms}+0000)/`;
}
function parseXeroDate(value: unknown): number {
  const m = /\/Date\((\d+)/.exec(String(value));
  return m ? Number(m[1]) : 0;
}

/**
 * Several organisations behind one fake, each with its own state, limits, faults and counters,
 * so test files running in parallel never see each other's documents. Slot 0 is the default
 * tenant; another one is chosen by `fake_tenant=<slot>` on the consent URL (a test appends it),
 * after which its codes and tokens carry the slot. Control paths take `?tenant=<slot>`.
 */
export function createMultiTenantXeroFake(baseUrl: string, initial: Partial<XeroFakeConfig> = {}): FakeHandler {
  const cores = new Map<number, FakeHandler>();
  const core = (slot: number) => {
    const safe = Number.isInteger(slot) && slot >= 0 && slot < 1000 ? slot : 0;
    let handler = cores.get(safe);
    if (!handler) {
      handler = createXeroFake(baseUrl, initial, tenantOfSlot(safe));
      cores.set(safe, handler);
    }
    return handler;
  };
  const slotOf = (value: string | null | undefined) => Number(/^x(?:at|rt|code)_(\d+)_/.exec(value ?? "")?.[1] ?? 0);
  return async (request: Request) => {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/_fake/")) return core(Number(url.searchParams.get("tenant") ?? 0))(request);
    if (url.pathname === "/identity/connect/authorize") return core(Number(url.searchParams.get("fake_tenant") ?? 0))(request);
    if (url.pathname === "/identity/connect/token") {
      const form = new URLSearchParams(await request.clone().text());
      return core(slotOf(form.get("code") ?? form.get("refresh_token")))(request);
    }
    return core(slotOf((request.headers.get("authorization") ?? "").replace(/^Bearer /, "")))(request);
  };
}

export const xeroFake: FakeDefinition = {
  name: "xero",
  standsInFor: "Xero Accounting API + identity",
  envVar: "XERO_BASE_URL",
  purpose: "OAuth, invoices/credit notes/payments/contacts with Xero's limits, one org per ?tenant= slot; /_fake/state, /_fake/faults, /_fake/webhook",
  create: (baseUrl) => createMultiTenantXeroFake(baseUrl),
};
