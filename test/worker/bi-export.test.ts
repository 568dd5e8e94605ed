// The BI feed: POST /v1/bi/exports queues a day's export on the real bi-export queue; its
// consumer writes Parquet (explicit schema: INT64 money, DATE days) and CSV to R2 with a
// manifest written last; GET /v1/bi/manifest signs each file's URL and /bi/files checks the
// signature and expiry. The Parquet is read back (hyparquet) and matches the analytics API.
import { biSigningKey } from "../../workers/config/local-secrets.ts";
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";
import { signDownload } from "../../workers/bi/signed-urls.ts";
import { envelopeOf, type OutboxRow } from "../../workers/events/envelope.ts";
import { A, call, callJson, createCustomer, createDraft, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

/** The day exported: the invoices' issue date (the branch's local date, which may differ from UTC's). */
let today = new Date().toISOString().slice(0, 10);
let admin: string;
let manager: string;

async function deliverEvents() {
  const { results } = await env.DB.prepare("SELECT * FROM outbox_events WHERE franchise_id = ? ORDER BY seq").bind(A.franchiseId).all<OutboxRow>();
  const batch = createMessageBatch("domain-events", results.map((r) => ({ id: `m-${r.seq}`, timestamp: new Date(), attempts: 1, body: { ...envelopeOf(r), payload: JSON.parse(r.payload) } })));
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  expect((await getQueueResult(batch, ctx)).retryMessages).toEqual([]);
}

async function waitForExport(id: string) {
  for (let i = 0; i < 200; i++) {
    const r = await callJson("GET", `/v1/bi/exports/${id}`, { key: admin });
    if (r.body.status === "done" || r.body.status === "failed") return r.body;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`export ${id} did not finish`);
}

/** Runs the queued message through the Worker's queue handler (the same consumer the queue invokes). */
async function consume(exportId: string, date: string) {
  const batch = createMessageBatch("bi-export", [{ id: `bix-${exportId}`, timestamp: new Date(), attempts: 1, body: { exportId, franchiseId: A.franchiseId, date } }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  admin = await login(STAFF.aAdmin.email);
  manager = await login(STAFF.aManager.email);
  const customer = await createCustomer();
  const a = await createDraft(customer, { lines: [{ description: "Big job", quantity: 1, unitPrice: 9_007_199_254_740, serviceTypeId: A.cleaning }] });
  const b = await createDraft(customer, { branchId: A.newYork, currency: "USD", lines: [{ description: "NY", quantity: 3, unitPrice: 3333, serviceTypeId: A.cleaning }] });
  for (const d of [a, b]) expect((await call("POST", `/v1/invoices/${d.id}/issue`)).status).toBe(200);
  today = (await callJson("GET", `/v1/invoices/${a.id}`)).body.issueDate;
  expect((await call("POST", "/v1/payments", { body: { customerId: customer, currency: "EUR", amount: 12_345, method: "card", allocations: [{ invoiceId: a.id, amount: 12_345 }] } })).status).toBe(201);
  expect((await call("POST", "/v1/payments", { body: { customerId: customer, currency: "EUR", amount: 655, method: "bank_transfer", allocations: [{ invoiceId: a.id, amount: 655 }] } })).status).toBe(201);
  expect((await call("POST", "/v1/payments", { body: { customerId: customer, currency: "USD", amount: 999, method: "cash", allocations: [{ invoiceId: b.id, amount: 999 }] } })).status).toBe(201);
  expect((await call("POST", `/v1/invoices/${b.id}/disputes`, { body: { reason: "One visit missed" } })).status).toBe(201);
  await deliverEvents();
}, 120_000); // PBKDF2 logins and several writes: slow on a loaded machine

describe("BI export", () => {
  it("queues with 202 and progress, writes Parquet + CSV + manifest, and the Parquet matches the API to the cent", async () => {
    const queued = await callJson("POST", "/v1/bi/exports", { key: admin, body: { date: today } });
    expect(queued.status).toBe(202);
    expect(queued.headers.get("location")).toBe(`/v1/bi/exports/${queued.body.id}`);
    expect(queued.body).toMatchObject({ date: today, progress: { tablesDone: 0, tablesTotal: 9 } });
    const result = await consume(queued.body.id, today);
    expect(result.explicitAcks).toEqual([`bix-${queued.body.id}`]);
    const done = await waitForExport(queued.body.id);
    expect(done).toMatchObject({ status: "done", progress: { tablesDone: 9, tablesTotal: 9 } });

    const manifest = await callJson("GET", "/v1/bi/manifest");
    expect(manifest.status).toBe(200);
    const daily = manifest.body.tables.find((t: any) => t.table === "revenue_daily");
    const part = daily.partitions.find((p: any) => p.dt === today);
    const file = part.files.find((f: any) => f.format === "parquet");
    expect(file.key).toBe(`bi/${A.franchiseId}/revenue_daily/dt=${today}/part-0.parquet`);
    const url = new URL(file.url);
    const res = await call("GET", `${url.pathname}${url.search}`, { key: null });
    expect(res.status).toBe(200);
    const buf = await res.arrayBuffer();
    expect(buf.byteLength).toBe(file.bytes);
    const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", buf))].map((x) => x.toString(16).padStart(2, "0")).join("");
    expect(digest).toBe(file.sha256);

    // Physical types: INT64 money and DATE days, whatever the values look like.
    const schema = parquetMetadata(buf).schema;
    expect(schema.find((s) => s.name === "billed_gross")?.type).toBe("INT64");
    expect(schema.find((s) => s.name === "day")).toMatchObject({ type: "INT32", converted_type: "DATE" });
    const rows = (await parquetReadObjects({ file: buf })) as any[];
    expect(rows.length).toBe(part.rows);
    const overview = (await callJson("GET", `/v1/analytics/overview?from=${today}&to=${today}`)).body.data;
    for (const o of overview) {
      const mine = rows.filter((r) => r.currency === o.currency);
      const sum = (f: string) => mine.reduce((s, r) => s + BigInt(r[f]), 0n);
      expect(sum("billed_gross")).toBe(BigInt(o.billed));
      expect(sum("collected")).toBe(BigInt(o.collected));
      expect(sum("recognized")).toBe(BigInt(o.recognized));
    }
    // The big EUR invoice passes 2^32 minor units: only INT64 keeps it exact.
    expect(overview.find((o: any) => o.currency === "EUR").billed).toBeGreaterThan(2 ** 32);

    // Re-running the day replaces its partition: still one entry for the day.
    const again = await callJson("POST", "/v1/bi/exports", { key: admin, body: { date: today } });
    await consume(again.body.id, today);
    await waitForExport(again.body.id);
    const m2 = await callJson("GET", "/v1/bi/manifest");
    expect(m2.body.tables.find((t: any) => t.table === "revenue_daily").partitions.filter((p: any) => p.dt === today)).toHaveLength(1);
    const csv = m2.body.tables.find((t: any) => t.table === "revenue_monthly").partitions[0].files.find((f: any) => f.format === "csv");
    const csvRes = await call("GET", new URL(csv.url).pathname + new URL(csv.url).search, { key: null });
    expect((await csvRes.text()).split(/\r?\n/)[0]).toBe("month,branch_id,currency,billed,credited,recognized,deferred_end");
  });

  it("ar_aging, collections and branch_kpis match the receivables and analytics APIs to the cent", async () => {
    const queued = await callJson("POST", "/v1/bi/exports", { key: admin, body: { date: today } });
    await consume(queued.body.id, today);
    expect(await waitForExport(queued.body.id)).toMatchObject({ status: "done" });
    const manifest = (await callJson("GET", "/v1/bi/manifest")).body;
    const read = async (table: string) => {
      const t = manifest.tables.find((x: any) => x.table === table);
      const file = t.partitions.find((p: any) => p.dt === today).files.find((f: any) => f.format === "parquet");
      const url = new URL(file.url);
      const buf = await (await call("GET", `${url.pathname}${url.search}`, { key: null })).arrayBuffer();
      const schema = parquetMetadata(buf).schema;
      return { t, schema, rows: (await parquetReadObjects({ file: buf })) as any[] };
    };

    // Collections: cash only, by branch × currency × method; the day's total is the overview's collected.
    const col = await read("collections");
    expect(col.schema.find((s) => s.name === "amount")?.type).toBe("INT64");
    expect(col.schema.find((s) => s.name === "day")).toMatchObject({ type: "INT32", converted_type: "DATE" });
    expect(col.rows.map((r) => [r.branch_id, r.currency, r.method, Number(r.amount)])).toEqual([
      [A.madrid, "EUR", "bank_transfer", 655],
      [A.madrid, "EUR", "card", 12_345],
      [A.newYork, "USD", "cash", 999],
    ]);
    const overview = (await callJson("GET", `/v1/analytics/overview?from=${today}&to=${today}`)).body.data;
    for (const o of overview) expect(col.rows.filter((r) => r.currency === o.currency).reduce((s, r) => s + BigInt(r.amount), 0n)).toBe(BigInt(o.collected));

    // AR aging as of the day: the receivables API's buckets, per branch here.
    const aging = await read("ar_aging");
    const api = (await callJson("GET", `/v1/receivables/aging?asOf=${today}`)).body;
    for (const c of api.currencies) {
      for (const b of c.buckets) {
        const mine = aging.rows.filter((r) => r.currency === c.currency && r.bucket === b.bucket);
        expect(mine.reduce((s, r) => s + BigInt(r.amount), 0n), `${c.currency} ${b.bucket}`).toBe(BigInt(b.amount));
        expect(mine.reduce((s, r) => s + Number(r.invoices), 0)).toBe(b.count);
      }
    }
    // Per branch: each branch's rows are that branch's aging report; the big invoice keeps every cent (INT64).
    for (const branchId of [A.madrid, A.newYork]) {
      const one = (await callJson("GET", `/v1/receivables/aging?asOf=${today}&branchId=${branchId}`)).body.currencies;
      expect(aging.rows.filter((r) => r.branch_id === branchId).reduce((s, r) => s + BigInt(r.amount), 0n)).toBe(BigInt(one.reduce((s: number, c: any) => s + c.total.amount, 0)));
    }
    expect(aging.rows.find((r) => r.branch_id === A.madrid).amount).toBeGreaterThan(BigInt(2 ** 40));

    // Branch KPIs for the month: billed and collected as the analytics API has them, the dispute rate of the branch comparison.
    const kpis = await read("branch_kpis");
    const month = today.slice(0, 7);
    const branches = (await callJson("GET", `/v1/analytics/branches?from=${month}-01&to=${today}`)).body.data;
    const monthOverview = (await callJson("GET", `/v1/analytics/overview?from=${month}-01&to=${today}&branchId=${A.newYork}`)).body.data[0];
    const ny = kpis.rows.find((r) => r.branch_id === A.newYork && r.month === month);
    expect(ny).toMatchObject({ currency: "USD", billed: BigInt(monthOverview.billed), collected: 999n, invoices_issued: 1n, invoices_disputed: 1n, dispute_rate: 100 });
    expect(ny.dso).toBe(monthOverview.dso);
    expect(branches.find((b: any) => b.branchId === A.newYork)).toMatchObject({ disputeRate: 100, invoicesDisputed: 1 });
    expect(kpis.rows.find((r) => r.branch_id === A.madrid && r.month === month)).toMatchObject({ invoices_issued: 1n, invoices_disputed: 0n, dispute_rate: 0 });
  });

  it("pull API: GET /v1/bi/<table>?since= pages through the exported rows with a cursor, the same rows as the files", async () => {
    const all = await callJson("GET", `/v1/bi/revenue_daily?since=${today}&limit=200`);
    expect(all.status).toBe(200);
    expect(all.body.schema.map((c: any) => c.name)).toContain("billed_gross");
    expect(all.body.data.length).toBeGreaterThan(2);
    const overview = (await callJson("GET", `/v1/analytics/overview?from=${today}&to=${today}`)).body.data;
    for (const o of overview) expect(all.body.data.filter((r: any) => r.currency === o.currency && r.dt === today).reduce((s: number, r: any) => s + r.billed_gross, 0)).toBe(o.billed);
    expect(all.body.data.every((r: any) => r.day === today && r.dt === today)).toBe(true);
    // One row a page: the cursor walks every row exactly once, then says there is no more.
    const seen: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await callJson("GET", `/v1/bi/revenue_daily?since=${today}&limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.data);
      cursor = page.body.nextCursor;
    } while (cursor && seen.length < 100);
    expect(seen).toEqual(all.body.data);
    // Nothing since tomorrow; an unknown table, a bad date or a forged cursor are 4xx naming the field.
    const later = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect((await callJson("GET", `/v1/bi/collections?since=${later}`)).body).toMatchObject({ data: [], nextCursor: null });
    expect((await call("GET", "/v1/bi/invoices")).status).toBe(400);
    const bad = await callJson("GET", "/v1/bi/ar_aging?since=2026-02-30");
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.field)).toContain("since");
    const forged = await callJson("GET", "/v1/bi/ar_aging?cursor=bm9wZQ");
    expect(forged.status).toBe(400);
    expect(forged.body.code).toBe("invalid_cursor");
    expect((await call("GET", "/v1/bi/ar_aging", { key: manager })).status).toBe(403);
  });

  it("download URLs are refused when tampered with or expired", async () => {
    const key = `bi/${A.franchiseId}/revenue_daily/dt=${today}/part-0.parquet`;
    const good = new URL((await signDownload(biSigningKey(env), "http://x", key, new Date())).url);
    const other = good.searchParams.get("key")!.replace("revenue_daily", "branch_kpis");
    const tampered = `${good.pathname}?key=${encodeURIComponent(other)}&expires=${good.searchParams.get("expires")}&sig=${good.searchParams.get("sig")}`;
    expect((await callJson("GET", tampered, { key: null })).body.code).toBe("bad_signature");
    const old = new URL((await signDownload(biSigningKey(env), "http://x", key, new Date(Date.now() - 2 * 3600_000))).url);
    const expired = await callJson("GET", `${old.pathname}${old.search}`, { key: null });
    expect(expired.status).toBe(403);
    expect(expired.body.code).toBe("url_expired");
  });

  it("only staff admins export; branch managers cannot read the network-wide files; bad dates are 400", async () => {
    expect((await call("POST", "/v1/bi/exports", { body: { date: today } })).status).toBe(403);
    expect((await call("POST", "/v1/bi/exports", { key: manager, body: { date: today } })).status).toBe(403);
    expect((await call("GET", "/v1/bi/manifest", { key: manager })).status).toBe(403);
    const bad = await callJson("POST", "/v1/bi/exports", { key: admin, body: { date: "2026-02-30" } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.field)).toContain("date");
  });
});
