// npm run smoke: checks a running Ledgerline (npm start) from the outside, as a partner would:
// the invoice lifecycle, gapless numbering under concurrency, idempotent replay, problem+json
// on bad input, tenant isolation and scopes. Reads demo-credentials.json; exits non-zero on failure.
import { readFileSync } from "node:fs";

const creds = JSON.parse(readFileSync("demo-credentials.json", "utf8")) as {
  baseUrl: string; apiKey: string; readOnlyApiKey: string; others: Array<{ apiKey: string }>;
};
let failures = 0;

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
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type") ?? "", body: text ? JSON.parse(text) : null };
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

console.log(failures === 0 ? "smoke: all checks passed" : `smoke: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
