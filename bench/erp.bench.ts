// ERP sync throughput (issue 8): N invoices issued through the real path (billing runs of ad-hoc
// items → outbox → domain-events → erp-sync subscriber → erp-sync queue → Xero connector) and
// synced to the fake Xero under its real limits (5 in flight, 60 calls per minute, 5,000 per day).
// The fake's "minute" may be scaled (--minute-ms); the Worker's rate budget is told the same, so
// every limit scales with it.
//
//   npm run bench -- erp [--invoices 10000] [--customers 50] [--minute-ms 60000] [--hold-seconds 900] [--erp-only] [--branch LON1] [--port 8797]
//
// ceilingRatio = achieved invoices/s over what the limits allow over the same window:
//   allowed invoices = 50 per call × min(perMinute × window / minute, perDay (a budget: the window is
//   shorter than a day), concurrent × window / mean invoice POST time)
// The window runs from the first call the connector makes to the fake (contacts included) to the
// last invoice synced. p95LagSeconds: issue (the event's occurredAt) to synced, real seconds.
// duplicates: invoice numbers the fake holds more than once; centsMismatched: invoices whose
// Xero total differs from Ledgerline's by any amount (both read after the run).
// --erp-only marks the other invoice.issued subscribers (archive, VERI*FACTU, audit, analytics) as already
// done for the bench's events, to isolate the ERP path; the default is the whole pipeline.
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { rmSync } from "node:fs";
import { serveFake, type FakeDefinition } from "../scripts/fakes/fake-server.ts";
import { createMultiTenantXeroFake } from "../scripts/fakes/xero.ts";
import { DEMO_MAPPINGS } from "../scripts/demo-erp.ts";
import { MAX_RUN_ITEMS } from "../workers/billing/runs/submit.ts";
import { XERO_BATCH_SIZE } from "../workers/integrations/erp/xero-sync.ts";
import { XERO_LIMITS } from "../workers/domain/erp/rate-budget.ts";
import { percentile, startLocalWorker } from "./local-worker.ts";
import { fireCron } from "../scripts/local-crons.ts";

type Json = any;

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

/** The subscribers of invoice events other than the ERP's (workers/events/subscribers.ts registrations). */
const OTHER_SUBSCRIBERS = ["einvoice-archive", "einvoice-verifactu", "audit-log", "dunning", "analytics-rollup"];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const wrangler = "node_modules/.bin/wrangler";

function d1(persistDir: string, sql: string): Json[] {
  const r = spawnSync(wrangler, ["d1", "execute", "DB", "--local", "--persist-to", persistDir, "--json", "--command", sql], { encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`d1 query failed: ${r.stderr}\n${r.stdout.slice(0, 500)}`);
  return (JSON.parse(r.stdout) as Array<{ results: Json[] }>)[0]!.results;
}

export async function run(args: string[]) {
  const invoices = arg(args, "invoices", 10_000);
  const customerCount = arg(args, "customers", 50);
  const minuteMs = arg(args, "minute-ms", XERO_LIMITS.minuteMs);
  const holdSeconds = arg(args, "hold-seconds", 900);
  const erpOnly = args.includes("--erp-only");
  // LON1 (GB) by default: a Spanish branch (MAD1) adds the VERI*FACTU chain and AEAT submissions per invoice.
  const branchCode = args.includes("--branch") ? String(args[args.indexOf("--branch") + 1]) : "LON1";
  const load = { start: loadavg().map((x) => Math.round(x * 100) / 100) };

  // The fake Xero in this process, its calls timed (for the concurrency term of the ceiling).
  const calls: Array<{ at: number; ms: number; method: string; path: string; status: number; problem?: string }> = [];
  let created = 0;
  // When each invoice number first reached the fake (the "POST sent" stage of the breakdown).
  const postedAt = new Map<string, number>();
  const timed: FakeDefinition = {
    name: "xero",
    standsInFor: "Xero",
    envVar: "XERO_BASE_URL",
    purpose: "bench",
    create(baseUrl) {
      const inner = createMultiTenantXeroFake(baseUrl, { minuteMs });
      return async (request) => {
        const t0 = performance.now();
        const path = new URL(request.url).pathname;
        if (request.method === "POST" && path.endsWith("/Invoices")) {
          const at = Date.now();
          const sent = (await request.clone().json().catch(() => ({}))) as { Invoices?: Array<{ InvoiceNumber?: string }> };
          for (const inv of sent.Invoices ?? []) if (inv.InvoiceNumber && !postedAt.has(inv.InvoiceNumber)) postedAt.set(inv.InvoiceNumber, at);
        }
        const response = await inner(request);
        if (path.startsWith("/api.xro/")) calls.push({ at: Date.now(), ms: performance.now() - t0, method: request.method, path, status: response.status, ...(response.status === 429 ? { problem: response.headers.get("x-rate-limit-problem") ?? "?" } : {}) });
        // Progress is counted here, outside the Worker: polling its status endpoint would load
        // the same single local runtime that does the syncing.
        if (request.method === "POST" && path.endsWith("/Invoices") && response.status === 200) {
          const body = (await response.clone().json()) as { Invoices?: Array<{ HasErrors?: boolean }> };
          created += (body.Invoices ?? []).filter((i) => !i.HasErrors).length;
        }
        return response;
      };
    },
  };
  const fake = await serveFake(timed);
  const worker = await startLocalWorker({
    port: arg(args, "port", 8797),
    customers: `${customerCount + 10},5`,
    vars: { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn", XERO_BASE_URL: fake.url, XERO_MINUTE_MS: String(minuteMs) },
    readyTimeoutMs: 120_000,
    logFile: process.env.BENCH_LOG_FILE,
    // --erp-only: every event is born already handled by the other subscribers (this throw-away
    // database only), so the domain-events consumer runs the ERP subscriber alone.
    setupSql: async () =>
      erpOnly
        ? `CREATE TRIGGER bench_erp_only AFTER INSERT ON outbox_events BEGIN
             INSERT OR IGNORE INTO processed_events (subscriber, event_id, franchise_id, status, attempts, last_error, updated_at)
             SELECT s.name, NEW.id, NEW.franchise_id, 'done', 1, NULL, NEW.occurred_at FROM (${OTHER_SUBSCRIBERS.map((n) => `SELECT '${n}' AS name`).join(" UNION ALL ")}) s;
           END;`
        : "SELECT 1;",
  });
  // wrangler dev runs no cron by itself: fire the per-minute one (the outbox relay's sweep picks up
  // what the write path's own relay left, as in production). The other crons are not fired.
  const sweep = setInterval(() => void fireCron(worker.baseUrl, "* * * * *", new Date()).catch(() => {}), 60_000);
  try {
    const cred = worker.credentials as Json;
    const login = await fetch(`${worker.baseUrl}/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: cred.staffEmail, password: cred.staffPassword }) });
    if (!login.ok) throw new Error(`staff login answered ${login.status}`);
    const staff = { authorization: `Bearer ${((await login.json()) as { token: string }).token}`, "content-type": "application/json" };
    const keyed = { authorization: `Bearer ${cred.apiKey}`, "content-type": "application/json" };
    const must = async (method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Json> => {
      for (let attempt = 0; ; attempt++) {
        const res = await fetch(`${worker.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
        const text = await res.text();
        if ((res.status === 429 || res.status === 503) && attempt < 10) {
          await sleep(500 * (attempt + 1));
          continue;
        }
        if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
        return text ? JSON.parse(text) : null;
      }
    };

    // ---- Connect through consent and callback, as an admin would ----------------------------
    const started = await must("POST", "/v1/integrations", staff, { provider: "xero" });
    const connectionId: string = started.integration.id;
    const consent = await fetch(started.authorizeUrl as string, { redirect: "manual" });
    const callback = await fetch(consent.headers.get("location")!, { redirect: "manual" });
    if (callback.status !== 302) throw new Error(`OAuth callback answered ${callback.status}`);
    await must("PUT", `/v1/integrations/${connectionId}/mappings`, staff, { mappings: DEMO_MAPPINGS });

    const branch = ((await must("GET", "/v1/branches?limit=50", keyed)).data as Array<{ id: string; code: string }>).find((b) => b.code === branchCode);
    if (!branch) throw new Error(`the seed has no ${branchCode} branch`);
    const customerIds = ((await must("GET", `/v1/customers?limit=${customerCount}`, keyed)).data as Array<{ id: string }>).map((c) => c.id);
    if (customerIds.length < customerCount) throw new Error(`the seed has ${customerIds.length} customers, not ${customerCount}`);

    if (erpOnly) process.stderr.write("--erp-only: the other invoice.issued subscribers are skipped for this run's events\n");
    // ---- Issue: billing runs of ad-hoc items (one per period, MAX_RUN_ITEMS each) -------------
    // Amounts vary (odd quantities, unit prices and discounts) so Xero's per-line rounding is exercised.
    const t0 = Date.now();
    const runs: string[] = [];
    for (let r = 0, issuedSoFar = 0; issuedSoFar < invoices; r++) {
      const n = Math.min(MAX_RUN_ITEMS, invoices - issuedSoFar);
      const items = Array.from({ length: n }, (_, k) => {
        const i = issuedSoFar + k;
        return {
          customerId: customerIds[i % customerIds.length]!,
          lines: [
            { description: `Bench service ${i}`, quantity: 1 + (i % 3) * 0.5, unitPrice: 1001 + ((i * 37) % 8999), taxCategory: "standard" },
            ...(i % 2 === 0 ? [{ description: "Materials", quantity: 3, unitPrice: 333 + (i % 7), discountPercent: 7.5, taxCategory: "standard" }] : []),
          ],
        };
      });
      const period = new Date(Date.UTC(2025, 11 - r, 1)).toISOString().slice(0, 7);
      const submitted = await must("POST", "/v1/billing-runs", { ...keyed, "idempotency-key": `erp-bench-${t0}-${r}` }, { branchId: branch.id, period, source: "items", items });
      runs.push(submitted.id);
      issuedSoFar += n;
    }

    // ---- Wait for the runs and the sync --------------------------------------------------
    let issued = 0;
    let issuedAt = 0;
    let status: Json = null;
    let polls = 0;
    const deadline = Date.now() + holdSeconds * 1000;
    for (;;) {
      await sleep(2000);
      if (issuedAt === 0) {
        const states = await Promise.all(runs.map((id) => must("GET", `/v1/billing-runs/${id}`, keyed)));
        issued = states.reduce((s, x) => s + Number(x.issued ?? 0), 0);
        const failed = states.reduce((s, x) => s + Number(x.failed ?? 0), 0);
        if (failed > 0) throw new Error(`billing runs failed ${failed} items: ${JSON.stringify(states.map((x) => x.failures ?? x)).slice(0, 500)}`);
        if (states.every((x) => x.status === "done")) issuedAt = Date.now();
      }
      process.stderr.write(`\rissued ${issued}/${invoices}  in Xero ${created}  calls ${calls.length}   `);
      // The Worker's own view only now and then (and once Xero holds them all): it costs the runtime being measured.
      if (issuedAt > 0 && (created >= invoices || ++polls % 15 === 0)) {
        status = await must("GET", `/v1/integrations/${connectionId}/status`, staff);
        const s = status.states as Record<string, number>;
        const settled = (s.synced ?? 0) + (s.failed ?? 0) + (s.conflict ?? 0);
        process.stderr.write(`\n  worker: synced ${s.synced ?? 0}  failed ${s.failed ?? 0}  conflict ${s.conflict ?? 0}  backlog ${status.backlog}\n`);
        // The states count the contacts' records too: settled also needs an empty backlog, or a
        // run could end with its last invoices still syncing (50 did once, with 50 contacts).
        if (settled >= invoices && status.backlog === 0) break;
      }
      if (Date.now() > deadline) {
        process.stderr.write("\n");
        throw new Error(`not settled within --hold-seconds ${holdSeconds}: ${JSON.stringify(status.states)}; last errors ${JSON.stringify(status.lastErrors?.slice(0, 3))}`);
      }
    }
    process.stderr.write("\n");
    const load1AtEnd = loadavg().map((x) => Math.round(x * 100) / 100);

    // ---- What Xero holds -------------------------------------------------------------------
    const state = (await (await fetch(`${fake.url}/_fake/state`)).json()) as { invoices: Array<{ InvoiceNumber: string; Total: number; Status: string }>; counters: Json; contractViolations: unknown[] };
    const byNumber = new Map<string, number[]>();
    for (const inv of state.invoices) byNumber.set(inv.InvoiceNumber, [...(byNumber.get(inv.InvoiceNumber) ?? []), Math.round(inv.Total * 100)]);
    const duplicates = [...byNumber.values()].reduce((s, totals) => s + totals.length - 1, 0);

    await worker.stop({ keepState: true });
    const ours = d1(
      worker.persistDir,
      `SELECT i.number AS number, i.total AS total, r.state AS state, r.source_at AS sourceAt, r.synced_at AS syncedAt, r.attempts AS attempts, r.created_at AS recordedAt, o.published_at AS publishedAt
       FROM erp_sync_records r JOIN invoices i ON i.id = r.entity_id AND i.franchise_id = r.franchise_id
       LEFT JOIN outbox_events o ON o.franchise_id = r.franchise_id AND o.aggregate_id = r.entity_id AND o.type = 'invoice.issued'
       WHERE r.entity_type = 'invoice' AND r.operation = 'create'`,
    );
    const attemptOutcomes = d1(worker.persistDir, "SELECT outcome, COUNT(*) AS n FROM erp_sync_attempts GROUP BY outcome");
    let centsMismatched = 0;
    let missing = 0;
    for (const row of ours) {
      const theirs = byNumber.get(String(row.number));
      if (!theirs) missing++;
      else if (theirs[0] !== Number(row.total)) centsMismatched++;
    }
    const synced = ours.filter((r) => r.state === "synced" && r.syncedAt);
    const lags = synced.map((r) => (Date.parse(r.syncedAt) - Date.parse(r.sourceAt)) / 1000).sort((a, b) => a - b);

    // ---- The ceiling over the run's window ----------------------------------------------------
    const api = calls.filter((c) => c.status !== 429);
    const invoicePosts = api.filter((c) => c.method === "POST" && c.path.endsWith("/Invoices") && c.status === 200);
    const windowStart = api[0]?.at ?? t0;
    const windowEnd = Math.max(...synced.map((r) => Date.parse(r.syncedAt)));
    const windowSeconds = (windowEnd - windowStart) / 1000;
    const meanCallMs = invoicePosts.reduce((s, c) => s + c.ms, 0) / Math.max(1, invoicePosts.length);
    // Calls each limit allows over the window: the minute's as a rate; the day's as a budget (5,000
    // in any day, so over a run shorter than a day it allows 5,000 calls, not 5,000/86,400 per second).
    const windowMs = windowSeconds * 1000;
    const allowedCalls = {
      minute: (XERO_LIMITS.perMinute * windowMs) / minuteMs,
      day: XERO_LIMITS.perDay * Math.max(1, windowMs / (1440 * minuteMs)),
      concurrency: (XERO_LIMITS.concurrent * windowMs) / Math.max(1, meanCallMs),
    };
    const perSecond = Object.fromEntries(Object.entries(allowedCalls).map(([k, calls]) => [k, (calls * XERO_BATCH_SIZE) / windowSeconds])) as Record<keyof typeof allowedCalls, number>;
    const allowedPerSecond = Math.min(perSecond.minute, perSecond.day, perSecond.concurrency);
    const achievedPerSecond = synced.length / windowSeconds;
    const ceilingRatio = Math.round((achievedPerSecond / allowedPerSecond) * 1000) / 1000;
    // Where the lag goes, per invoice: issued (event occurredAt) → relay published → ERP
    // subscriber recorded it (domain-events) → its POST reached Xero (erp-sync queue, claim and
    // permit waits) → synced (Xero's answer and the D1 write of the outcome).
    const stage = (from: (r: Json) => number, to: (r: Json) => number) => {
      const v = synced.map((r) => (to(r) - from(r)) / 1000).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
      return { p50: Math.round(percentile(v, 50) * 10) / 10, p95: Math.round(percentile(v, 95) * 10) / 10, max: Math.round((v.at(-1) ?? 0) * 10) / 10 };
    };
    const at = (k: string) => (r: Json) => Date.parse(String(r[k]));
    const posted = (r: Json) => postedAt.get(String(r.number)) ?? Number.NaN;
    const stages = {
      relay: stage(at("sourceAt"), at("publishedAt")),
      domainEvents: stage(at("publishedAt"), at("recordedAt")),
      erpSyncToPost: stage(at("recordedAt"), posted),
      postToSynced: stage(posted, at("syncedAt")),
      // Spread of each milestone over the run (seconds after the first issue), to see which stage is the feed.
      lastIssuedAt: Math.round((Math.max(...synced.map(at("sourceAt"))) - t0) / 100) / 10,
      lastPublishedAt: Math.round((Math.max(...synced.map(at("publishedAt"))) - t0) / 100) / 10,
      lastRecordedAt: Math.round((Math.max(...synced.map(at("recordedAt"))) - t0) / 100) / 10,
      lastPostedAt: Math.round((Math.max(...[...postedAt.values()]) - t0) / 100) / 10,
      lastSyncedAt: Math.round((windowEnd - t0) / 100) / 10,
      firstCallAt: Math.round((windowStart - t0) / 100) / 10,
    };
    // The same ceiling with the minute as Xero enforces it, a rolling window: over a window W it
    // allows perMinute calls in each of floor(W / minute) + 1 minutes (a full minute's burst at
    // the start), so a run shorter than a few minutes can beat the rate-based ceiling above
    // (ratio > 1). Reported beside it, for reading short runs honestly.
    const rollingCalls = XERO_LIMITS.perMinute * (Math.floor(windowMs / minuteMs) + 1);
    const rollingAllowed = Math.min(rollingCalls, allowedCalls.day, allowedCalls.concurrency) * XERO_BATCH_SIZE;
    const ceilingRatioRollingMinute = Math.round((synced.length / rollingAllowed) * 1000) / 1000;
    const byKind = (pred: (c: (typeof calls)[number]) => boolean) => calls.filter(pred).length;

    rmSync(worker.persistDir, { recursive: true, force: true });
    return {
      detail: {
        minuteMs,
        customers: customerCount,
        erpOnly,
        branch: branchCode,
        issueSeconds: Math.round(((issuedAt || Date.now()) - t0) / 100) / 10,
        windowSeconds: Math.round(windowSeconds * 10) / 10,
        achievedPerSecond: Math.round(achievedPerSecond * 10) / 10,
        allowedPerSecond: Math.round(allowedPerSecond * 10) / 10,
        ceilingRatioRollingMinute,
        limitsPerSecond: Object.fromEntries(Object.entries(perSecond).map(([k, v]) => [k, Math.round(v * 10) / 10])),
        meanInvoicePostMs: Math.round(meanCallMs),
        calls: { total: calls.length, invoicePosts: invoicePosts.length, lookups: byKind((c) => c.method === "GET" && c.path.endsWith("/Invoices")), contacts: byKind((c) => c.path.endsWith("/Contacts")), other: byKind((c) => !c.path.endsWith("/Invoices") && !c.path.endsWith("/Contacts")), rateLimited429: byKind((c) => c.status === 429), rateLimitedBy: Object.fromEntries(["minute", "concurrent", "day"].map((p) => [p, byKind((c) => c.problem === p)])) },
        p50LagSeconds: Math.round(percentile(lags, 50) * 10) / 10,
        maxLagSeconds: Math.round((lags.at(-1) ?? 0) * 10) / 10,
        states: status?.states,
        lastErrors: (status?.lastErrors as unknown[] | undefined)?.slice(0, 3),
        stages,
        attemptOutcomes: Object.fromEntries(attemptOutcomes.map((o) => [String(o.outcome), Number(o.n)])),
        missingInXero: missing,
        retriedRecords: ours.filter((r) => Number(r.attempts) > 1).length,
        contractViolations: state.contractViolations.length,
        fakeCounters: state.counters,
        loadavg: { start: load.start, end: load1AtEnd },
      },
      invoices: synced.length,
      duplicates,
      ceilingRatio,
      p95LagSeconds: Math.round(percentile(lags, 95) * 10) / 10,
      centsMismatched,
    };
  } finally {
    clearInterval(sweep);
    await worker.stop();
    await fake.close();
  }
}
