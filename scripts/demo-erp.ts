// The demo Xero connection (issue 8), made after the Worker answers: one demo franchise connected
// to the fake Xero so the Integrations page has something true to show. Everything goes through
// the product's own API and the fake's consent screen, exactly as an admin would do it: the
// authorization-code flow (consent, callback; the tokens land sealed in the ErpConnection DO),
// the mappings, invoices issued through /v1/invoices. The page then shows
//   - a live connection;
//   - a backlog draining: a few hundred invoices issued now, synced by the queue under the fake's
//     real limits (5 in flight, 60 calls a minute);
//   - one mapping error with its fix text: the reduced Spanish VAT rate is left unmapped and one
//     invoice uses it ("… map it under Integrations → Tax, then retry.");
//   - one conflict waiting for review, made the real way: a synced invoice is part-paid in
//     Ledgerline, voided by a "bookkeeper" inside the fake Xero (/_fake/edit-invoice), and Xero's
//     signed webhook tells the Worker, which re-reads the invoice and finds both sides changed it.
// Idempotent: a stamp file names the demo connection. When the fake still knows it (the step ran
// twice against the same fake), nothing is done; when the fake is new (npm start restarted it
// with no memory), the stale connection is disconnected and the demo made again on a fresh one.
import { readFileSync, writeFileSync, existsSync } from "node:fs";

export interface DemoErpOptions {
  baseUrl: string;
  credentials: { staffEmail: string; staffPassword: string };
  /** Where the demo connection is remembered between runs (null: not remembered). */
  stampFile: string | null;
  /** How many backlog invoices to issue (default 300). */
  invoices?: number;
  /** The fake Xero's base URL when known (npm start knows it): lets a re-run see whether the fake still holds the demo. */
  xeroBaseUrl?: string;
  /** Which organisation of the multi-tenant fake to consent as (default 0, the fake's demo org). */
  fakeTenant?: number;
  log?: (line: string) => void;
}

export interface DemoErpResult {
  connectionId: string;
  /** The fake Xero's base URL (taken from the consent URL the API answered). */
  xeroBaseUrl: string;
  reused: boolean;
  issued: number;
  mappingErrorInvoiceId: string | null;
  conflictInvoiceId: string | null;
}

interface Stamp {
  connectionId: string;
  conflictRemoteId: string | null;
}

/** Every tax rate the demo issues under, except the one left unmapped on purpose (ES reduced 10 %). */
export const DEMO_MAPPINGS = [
  { kind: "tax", localKey: "ES:standard:210000", remoteCode: "OUTPUT_ES21" },
  { kind: "tax", localKey: "GB:standard:200000", remoteCode: "OUTPUT2" },
  { kind: "tax", localKey: "US-NY:standard:40000", remoteCode: "OUTPUT_NY4" },
  { kind: "account", localKey: "default", remoteCode: "200" },
  { kind: "account", localKey: "payments", remoteCode: "090" },
] as const;
export const UNMAPPED_TAX_KEY = "ES:reduced:100000";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Json = any;

export async function connectDemoErp(options: DemoErpOptions): Promise<DemoErpResult> {
  const { baseUrl } = options;
  const log = options.log ?? (() => {});
  const count = options.invoices ?? 300;

  const login = await fetch(`${baseUrl}/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: options.credentials.staffEmail, password: options.credentials.staffPassword }) });
  if (!login.ok) throw new Error(`demo ERP: staff login answered ${login.status}`);
  const token = ((await login.json()) as { token: string }).token;

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      // A busy local Worker can answer 429/503 to a burst: wait and send the same request again.
      if ((response.status === 429 || response.status === 503) && attempt < 8) {
        await sleep(500 * (attempt + 1));
        continue;
      }
      return { status: response.status, body: text ? JSON.parse(text) : null };
    }
  }
  async function must(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Json> {
    const r = await call(method, path, body, headers);
    if (r.status >= 300) throw new Error(`demo ERP: ${method} ${path} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
    return r.body;
  }
  async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined>, timeoutMs = 120_000): Promise<T> {
    const started = Date.now();
    for (;;) {
      const found = await probe();
      if (found) return found;
      if (Date.now() - started > timeoutMs) throw new Error(`demo ERP: ${what} did not happen within ${timeoutMs / 1000} s`);
      await sleep(1000);
    }
  }

  // ---- An earlier demo connection --------------------------------------------------------
  const stamp: Stamp | null = options.stampFile && existsSync(options.stampFile) ? (JSON.parse(readFileSync(options.stampFile, "utf8")) as Stamp) : null;
  const existing = ((await must("GET", "/v1/integrations")).data as Array<{ id: string; provider: string; status: string }>).filter((i) => i.status !== "disconnected");
  const previous = stamp ? existing.find((i) => i.id === stamp.connectionId) : undefined;
  if (previous && stamp) {
    const fakeBase = options.xeroBaseUrl ?? null;
    if (fakeBase && stamp.conflictRemoteId && (await fakeHas(fakeBase, stamp.conflictRemoteId))) {
      log(`demo Xero connection ${previous.id} already set up`);
      return { connectionId: previous.id, xeroBaseUrl: fakeBase, reused: true, issued: 0, mappingErrorInvoiceId: null, conflictInvoiceId: null };
    }
    // The fake that held its tokens and documents is gone (npm start restarts it empty).
    log(`demo Xero connection ${previous.id} belonged to an earlier fake Xero: disconnecting it`);
  }
  // Only one live connection per provider: an earlier Xero one (the demo's, or one a browser run left) goes.
  for (const i of existing.filter((x) => x.provider === "xero")) await must("POST", `/v1/integrations/${i.id}/disconnect`, {});

  // ---- Connect through consent and callback ----------------------------------------------
  const started = await must("POST", "/v1/integrations", { provider: "xero" });
  const connectionId: string = started.integration.id;
  const authorize = new URL(started.authorizeUrl as string);
  if (options.fakeTenant) authorize.searchParams.set("fake_tenant", String(options.fakeTenant));
  const xeroBaseUrl = `${authorize.origin}${authorize.pathname.replace(/\/identity\/connect\/authorize$/, "")}`;
  // The fake consents at once (a person would click "Allow access") and sends us to the callback.
  const consent = await fetch(authorize, { redirect: "manual" });
  const callbackUrl = consent.headers.get("location");
  if (consent.status !== 302 || !callbackUrl) throw new Error(`demo ERP: the fake Xero consent answered ${consent.status}`);
  const callback = await fetch(callbackUrl, { redirect: "manual" });
  if (callback.status !== 302) throw new Error(`demo ERP: the OAuth callback answered ${callback.status}: ${(await callback.text()).slice(0, 300)}`);
  const connected = await must("GET", `/v1/integrations/${connectionId}`);
  if (connected.status !== "connected") throw new Error(`demo ERP: the connection is ${connected.status} after the callback`);
  log(`demo franchise connected to the fake Xero (${connectionId}, ${connected.organisation})`);

  await must("PUT", `/v1/integrations/${connectionId}/mappings`, { mappings: DEMO_MAPPINGS });

  // ---- What to invoice --------------------------------------------------------------------
  const branchList = (await must("GET", "/v1/branches?limit=50")).data as Array<{ id: string; code: string; currency: string }>;
  const byCode = (code: string) => {
    const b = branchList.find((x) => x.code === code);
    if (!b) throw new Error(`demo ERP: the demo franchise has no branch ${code}`);
    return b;
  };
  const branches = [byCode("MAD1"), byCode("LON1"), byCode("NYC1")];
  const customerIds = ((await must("GET", "/v1/customers?limit=24")).data as Array<{ id: string }>).map((c) => c.id);
  if (customerIds.length === 0) throw new Error("demo ERP: the demo franchise has no customers");

  const issue = async (key: string, customerId: string, branch: { id: string; currency: string }, line: Record<string, unknown>) => {
    const draft = await must("POST", "/v1/invoices", { customerId, branchId: branch.id, currency: branch.currency, memo: "Demo invoice for the Xero sync", lines: [line] }, { "idempotency-key": `${key}-draft` });
    const issued = await must("POST", `/v1/invoices/${draft.id}/issue`, undefined, { "idempotency-key": `${key}-issue` });
    return issued as { id: string; number: string; total: number; currency: string; customerId: string };
  };
  const recordOf = async (entityType: string, entityId: string) => {
    const page = await must("GET", `/v1/integrations/${connectionId}/records?limit=200`);
    return (page.data as Array<{ entityType: string; entityId: string; state: string; remoteId: string | null }>).find((r) => r.entityType === entityType && r.entityId === entityId);
  };
  const tag = connectionId.slice(-10);

  // ---- One conflict, the real way ---------------------------------------------------------
  const mad = branches[0]!;
  const disputed = await issue(`demo-erp-${tag}-conflict`, customerIds[0]!, mad, { description: "Deep clean, 4 rooms", quantity: 4, unitPrice: 4500 });
  const disputedRecord = await waitFor("the conflict invoice reaching Xero", async () => {
    const r = await recordOf("invoice", disputed.id);
    return r?.state === "synced" && r.remoteId ? r : null;
  });
  // Ledgerline records part of the money…
  const payment = await must("POST", "/v1/payments", { customerId: disputed.customerId, currency: disputed.currency, amount: 5000, reference: "demo: paid at the door", allocations: [{ invoiceId: disputed.id, amount: 5000 }] }, { "idempotency-key": `demo-erp-${tag}-payment` });
  await waitFor("the demo payment reaching Xero", async () => {
    const page = await must("GET", `/v1/integrations/${connectionId}/records?limit=200`);
    return (page.data as Array<{ entityType: string; entityId: string; state: string }>).find((r) => r.entityType === "payment" && r.entityId.startsWith(`${payment.id}:`) && r.state === "synced");
  });
  // …while a bookkeeper voids the same invoice inside Xero, and Xero's webhook says so.
  await fakeControl(xeroBaseUrl, "/_fake/edit-invoice", { InvoiceID: disputedRecord.remoteId, changes: { Status: "VOIDED" } }, options.fakeTenant);
  await fakeControl(xeroBaseUrl, "/_fake/webhook", { url: `${baseUrl}/webhooks/xero`, events: [{ resourceUrl: `${xeroBaseUrl}/api.xro/2.0/Invoices/${disputedRecord.remoteId}`, resourceId: disputedRecord.remoteId, eventCategory: "INVOICE", eventType: "UPDATE" }] }, options.fakeTenant);
  await waitFor("the conflict to reach the review queue", async () => {
    const open = await must("GET", `/v1/integrations/${connectionId}/conflicts?status=open`);
    return (open.data as unknown[]).length > 0 ? open : null;
  });
  log(`one conflict waiting for review (invoice ${disputed.number}: part-paid here, voided in Xero)`);

  // ---- One mapping error ------------------------------------------------------------------
  const unmapped = await issue(`demo-erp-${tag}-unmapped`, customerIds[1 % customerIds.length]!, mad, { description: "Boiler repair (reduced VAT)", quantity: 2, unitPrice: 6000, taxCategory: "reduced" });

  // Remembered now: a restart from here on finds the demo (the backlog is only more of the same).
  if (options.stampFile) writeFileSync(options.stampFile, `${JSON.stringify({ connectionId, conflictRemoteId: disputedRecord.remoteId } satisfies Stamp, null, 2)}\n`);

  // ---- The backlog ------------------------------------------------------------------------
  let next = 0;
  let issued = 0;
  const lines = [
    { description: "Regular home cleaning", quantity: 3, unitPrice: 2200 },
    { description: "Deep clean, 3 rooms", quantity: 1, unitPrice: 13500 },
    { description: "Window cleaning", quantity: 2, unitPrice: 1850 },
  ];
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      await issue(`demo-erp-${tag}-${i}`, customerIds[i % customerIds.length]!, branches[i % branches.length]!, lines[i % lines.length]!);
      issued++;
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  log(`${issued} demo invoices issued: the backlog drains to the fake Xero under its limits (60 calls/min); invoice ${unmapped.number} waits for a tax mapping`);
  return { connectionId, xeroBaseUrl, reused: false, issued, mappingErrorInvoiceId: unmapped.id, conflictInvoiceId: disputed.id };

}

async function fakeControl(base: string, path: string, body: unknown, tenant?: number): Promise<Json> {
  const response = await fetch(`${base}${path}${tenant ? `?tenant=${tenant}` : ""}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`demo ERP: fake Xero ${path} answered ${response.status}`);
  return response.json();
}

async function fakeHas(base: string, invoiceId: string): Promise<boolean> {
  try {
    const state = (await (await fetch(`${base}/_fake/state`)).json()) as { invoices: Array<{ InvoiceID: string }> };
    return state.invoices.some((i) => i.InvoiceID === invoiceId);
  } catch {
    return false;
  }
}

// Run alone against a running `npm start` (the step npm start runs by itself):
//   node scripts/demo-erp.ts [--invoices N] [--xero <fake Xero URL, to detect an existing demo>]
if (process.argv[1]?.endsWith("demo-erp.ts")) {
  const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
  const credentials = JSON.parse(readFileSync("demo-credentials.json", "utf8")) as { baseUrl: string; staffEmail: string; staffPassword: string };
  const result = await connectDemoErp({ baseUrl: credentials.baseUrl, credentials, stampFile: ".wrangler/state/ledgerline-demo-erp.json", xeroBaseUrl: arg("--xero"), invoices: arg("--invoices") ? Number(arg("--invoices")) : undefined, log: (line) => console.error(`[demo-erp] ${line}`) });
  console.log(JSON.stringify(result));
}
