// npm run smoke: checks a running Ledgerline (npm start) from the outside, as a partner and a
// staff admin would: the invoice lifecycle, gapless numbering under concurrency, idempotent
// replay, problem+json on bad input, tenant isolation and scopes, every list at its maximum page
// size, the event pipeline draining, secrets never replayed, per-tax-group credit caps, frozen
// buyer snapshots, the edge protections. Like a validating proxy, it checks EVERY response
// against the OpenAPI document the server serves. Reads demo-credentials.json; exits non-zero
// on failure.
import { readFileSync } from "node:fs";
import { contractChecker } from "./contract/openapi-contract.ts";

const creds = JSON.parse(readFileSync("demo-credentials.json", "utf8")) as {
  baseUrl: string; apiKey: string; readOnlyApiKey: string; staffEmail: string; staffPassword: string; others: Array<{ apiKey: string }>;
  staff?: Array<{ role: string; email: string; password: string; branchIds?: string[] }>;
};
let failures = 0;
let validated = 0;
const contract = contractChecker(await (await fetch(`${creds.baseUrl}/openapi.json`)).json());

function check(name: string, ok: boolean, detail = ""): void {
  if (!ok) failures++;
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${ok || !detail ? "" : `: ${detail}`}`);
}

async function api(method: string, path: string, body?: unknown, opts: { key?: string | null; headers?: Record<string, string> } = {}) {
  const key = opts.key === undefined ? creds.apiKey : opts.key;
  const headers: Record<string, string> = { ...opts.headers };
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(creds.baseUrl + path, { method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
  try {
    await contract(method, creds.baseUrl + path, res.clone());
    validated++;
  } catch (error) {
    check(`response matches the OpenAPI document (${method} ${path})`, false, (error as Error).message);
  }
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type") ?? "", headers: res.headers, body: text ? JSON.parse(text) : null };
}

const branch = (await api("GET", "/v1/branches")).body.data[0];
const customer = (await api("POST", "/v1/customers", { name: "Smoke Test Ltd", segment: "smb", language: "en" })).body;
const draftBody = { customerId: customer.id, branchId: branch.id, currency: branch.currency, lines: [{ description: "Smoke service", quantity: 2, unitPrice: 5000 }] };

const draft = (await api("POST", "/v1/invoices", draftBody)).body;
const issued = (await api("POST", `/v1/invoices/${draft.id}/issue`)).body;
check("issue gives a number", issued.status === "issued" && typeof issued.number === "string", JSON.stringify(issued));
const pay = (amount: number) => api("POST", "/v1/payments", { customerId: customer.id, currency: branch.currency, amount, allocations: [{ invoiceId: draft.id, amount }] });
await pay(Math.floor(issued.total / 3));
const credit = await api("POST", "/v1/credit-notes", { invoiceId: draft.id, reason: "smoke", lines: [{ description: "partial credit", quantity: 1, unitPrice: 1000 }] });
check("credit note accepted", credit.status === 201, JSON.stringify(credit.body));
const open = (await api("GET", `/v1/invoices/${draft.id}`)).body.balanceDue;
await pay(open);
const settled = (await api("GET", `/v1/invoices/${draft.id}`)).body;
check("lifecycle ends paid with balance 0", settled.status === "paid" && settled.balanceDue === 0, JSON.stringify(settled));

const drafts = await Promise.all(Array.from({ length: 10 }, async () => (await api("POST", "/v1/invoices", draftBody)).body.id as string));
const numbers = await Promise.all(drafts.map(async (id) => (await api("POST", `/v1/invoices/${id}/issue`)).body.number as string));
const seqs = numbers.map((n) => Number(n.split("-").pop())).sort((a, b) => a - b);
check("concurrent issues are consecutive", seqs.every((s, i) => i === 0 || s === seqs[i - 1]! + 1) && new Set(seqs).size === 10, numbers.join(","));

const key = `smoke-${Date.now()}`;
const first = await api("POST", "/v1/invoices", draftBody, { headers: { "idempotency-key": key } });
const replay = await api("POST", "/v1/invoices", draftBody, { headers: { "idempotency-key": key } });
check("Idempotency-Key replays the same invoice", first.body.id === replay.body.id);
const reused = await api("POST", "/v1/invoices", { ...draftBody, memo: "other" }, { headers: { "idempotency-key": key } });
check("Idempotency-Key with another body is 422", reused.status === 422);

const malformed = await api("POST", "/v1/invoices", "{nope");
check("malformed body is problem+json 400", malformed.status === 400 && malformed.type === "application/problem+json");
const invalid = await api("POST", "/v1/invoices", { ...draftBody, lines: [{ description: "x", quantity: 1, unitPrice: 1.5 }] });
check("invalid field is problem+json naming it", invalid.status === 400 && invalid.body.errors?.[0]?.field === "lines.0.unitPrice", JSON.stringify(invalid.body));

const other = creds.others[0];
if (other) check("another franchise gets 404", (await api("GET", `/v1/invoices/${draft.id}`, undefined, { key: other.apiKey })).status === 404);
check("read-only key gets 403 on a write", (await api("POST", "/v1/customers", { name: "x" }, { key: creds.readOnlyApiKey })).status === 403);
check("no key gets 401", (await api("GET", "/v1/invoices", undefined, { key: null })).status === 401);

// Lists at their documented maximum page size (D1 binds at most 100 parameters per statement).
const login = await api("POST", "/auth/login", { email: creds.staffEmail, password: creds.staffPassword }, { key: null });
const staff = login.body?.token as string;
check("staff admin signs in", login.status === 200 && typeof staff === "string", JSON.stringify(login.body));
for (const list of ["invoices", "invoices?overdue=true&", "customers", "credit-notes", "payments", "branches", "service-types"]) {
  const path = list.includes("?") ? `/v1/${list}limit=200` : `/v1/${list}?limit=200`;
  check(`GET ${path} answers 200`, (await api("GET", path)).status === 200);
}
for (const list of ["api-keys", "ops/dead-letters"]) check(`GET /v1/${list}?limit=200 (staff admin) answers 200`, (await api("GET", `/v1/${list}?limit=200`, undefined, { key: staff })).status === 200);

// 150 writes in quick succession leave no backlog: the request relays its events, the cron sweeps.
const started = Date.now();
await Promise.all(Array.from({ length: 150 }, (_, i) => api("POST", "/v1/customers", { name: `Smoke burst ${i}`, segment: "smb", language: "en" })));
let pipeline = (await api("GET", "/v1/ops/events")).body;
while (pipeline.backlog > 0 && Date.now() - started < 60_000) {
  await new Promise((r) => setTimeout(r, 1000));
  pipeline = (await api("GET", "/v1/ops/events")).body;
}
check(`150 writes drain to backlog 0 within 60 s (${Math.round((Date.now() - started) / 1000)} s)`, pipeline.backlog === 0, JSON.stringify(pipeline));

// A key's secret is shown once: a partner cannot replay a staff admin's creation, nor can the admin.
const idem = { "idempotency-key": `smoke-key-${Date.now()}` };
const created = await api("POST", "/v1/api-keys", { name: "smoke" }, { key: staff, headers: idem });
const partnerReplay = await api("POST", "/v1/api-keys", { name: "smoke" }, { headers: idem });
check("a partner replaying a staff admin's key creation gets no secret", partnerReplay.status === 403 && !JSON.stringify(partnerReplay.body).includes(created.body?.key ?? "llk_"), JSON.stringify(partnerReplay.body));
const adminReplay = await api("POST", "/v1/api-keys", { name: "smoke" }, { key: staff, headers: idem });
check("the admin's own replay shows the key's metadata, not the secret", adminReplay.status === 201 && adminReplay.body.key === null && adminReplay.body.id === created.body.id, JSON.stringify(adminReplay.body));

// Credit notes are capped per (tax category, rate) group; an issued invoice keeps its buyer.
const eurBranch = (await api("GET", "/v1/branches?limit=200")).body.data.find((b: { currency: string }) => b.currency === "EUR");
if (eurBranch) {
  const buyer = (await api("POST", "/v1/customers", { name: "Smoke Tax Groups SL", segment: "smb", language: "es", address: { line1: "Calle Mayor 1", city: "Madrid", postalCode: "28013", countryCode: "ES" } })).body;
  const mixed = (await api("POST", "/v1/invoices", { customerId: buyer.id, branchId: eurBranch.id, currency: "EUR", lines: [{ description: "standard", quantity: 1, unitPrice: 10000, taxCategory: "standard" }, { description: "zero", quantity: 1, unitPrice: 10000, taxCategory: "zero" }] })).body;
  await api("POST", `/v1/invoices/${mixed.id}/issue`);
  const over = await api("POST", "/v1/credit-notes", { invoiceId: mixed.id, reason: "smoke", lines: [{ description: "too much", quantity: 1, unitPrice: 18264, taxCategory: "standard" }] });
  check("a credit note beyond one tax group is a 422 naming the group", over.status === 422 && over.body.code === "credit_exceeds_tax_group", JSON.stringify(over.body));
  const etag = (await api("GET", `/v1/customers/${buyer.id}`)).headers.get("etag") ?? "";
  await api("PATCH", `/v1/customers/${buyer.id}`, { name: "Renamed After Issue SA" }, { headers: { "if-match": etag } });
  const frozen = (await api("GET", `/v1/invoices/${mixed.id}`)).body;
  check("an issued invoice keeps its buyer after the customer is renamed", frozen.buyer?.name === "Smoke Tax Groups SL", JSON.stringify(frozen.buyer));
}

// Roles: a branch manager sees only their branches, and another branch's invoice does not exist for them.
const manager = creds.staff?.find((u) => u.role === "branch_manager");
if (manager?.branchIds) {
  const session = (await api("POST", "/auth/login", { email: manager.email, password: manager.password }, { key: null })).body.token as string;
  const seen = (await api("GET", "/v1/branches?limit=200", undefined, { key: session })).body.data.map((b: { id: string }) => b.id).sort();
  check("a branch manager sees only their branches", JSON.stringify(seen) === JSON.stringify([...manager.branchIds].sort()), seen.join(","));
  const elsewhere = (await api("GET", "/v1/invoices?limit=200")).body.data.find((i: { branchId: string }) => !manager.branchIds!.includes(i.branchId));
  if (elsewhere) check("another branch's invoice is a 404 for a branch manager", (await api("GET", `/v1/invoices/${elsewhere.id}`, undefined, { key: session })).status === 404);
  const viewer = creds.staff?.find((u) => u.role === "viewer");
  if (viewer) {
    const viewerSession = (await api("POST", "/auth/login", { email: viewer.email, password: viewer.password }, { key: null })).body.token as string;
    check("a viewer cannot write", (await api("POST", "/v1/customers", { name: "Viewer Attempt", segment: "smb", language: "en" }, { key: viewerSession })).status === 403);
  }
}

// Edge protections: a 20 MB anonymous body is refused at once; a logged-out session is refused.
const huge = await fetch(`${creds.baseUrl}/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: "a".repeat(20_000_000) });
check("a 20 MB anonymous body is a 413", huge.status === 413);
await api("POST", "/auth/logout", undefined, { key: staff });
check("a logged-out session gets 401", (await api("GET", "/v1/branches", undefined, { key: staff })).status === 401);

console.log(`smoke: ${validated} responses matched the OpenAPI document`);
console.log(failures === 0 ? "smoke: all checks passed" : `smoke: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
