// Xero batching (issue 8): invoices go to Xero 50 per POST with summarizeErrors=false, so one bad
// invoice fails alone, with Xero's own ValidationException text, while the 49 others sync; a
// delivery of 100 records makes two such POSTs; a redelivered batch (first answer lost after
// Xero committed it, then the same messages again) creates no duplicate.
// Runs against its own organisation of the multi-tenant fake Xero (slot 3).
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../workers/index.ts";
import { withoutErpQueue, xeroFake } from "./erp-test-env.ts";
import { envelopeOf, type OutboxRow } from "../../workers/events/envelope.ts";
import { A, callJson, createCustomer, createDraft, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

const SLOT = 3;
const fake = xeroFake(env, SLOT);

let admin: string;
let connectionId: string;
let customerId: string;

/** One queue delivery of up to 100 messages (the erp-sync consumer's max_batch_size). */
async function deliver(queue: string, bodies: unknown[], deliveryEnv: Env = env) {
  for (let i = 0; i < bodies.length; i += 100) {
    const batch = createMessageBatch(
      queue,
      bodies.slice(i, i + 100).map((body, j) => ({ id: `${queue}-${Date.now()}-${i + j}-${Math.random()}`, attempts: 1, timestamp: new Date(), body })),
    );
    const ctx = createExecutionContext();
    await worker.queue(batch, deliveryEnv, ctx);
    await waitOnExecutionContext(ctx);
  }
}

const records = async () => (await env.DB.prepare("SELECT * FROM erp_sync_records WHERE franchise_id = ? AND entity_type = 'invoice' ORDER BY id").bind(A.franchiseId).all<any>()).results;
const messagesOf = (rows: Array<{ id: string }>) => rows.map((r) => ({ franchiseId: A.franchiseId, connectionId, recordId: r.id }));

/** Issues n invoices and turns their events into sync records (the relay's job, done here). */
async function issue(n: number, tag: string, badIndex = -1) {
  const before = new Set((await records()).map((r: any) => r.id));
  const issued: Array<{ id: string; number: string; total: number }> = [];
  for (let i = 0; i < n; i++) {
    // The bad one carries a line whose tax code this Xero organisation does not have.
    const lines = [{ description: `${tag} visit ${i}`, quantity: 1 + (i % 3) * 0.5, unitPrice: 1999 + i * 7, serviceTypeId: i === badIndex ? A.books : A.cleaning }];
    const draft = await createDraft(customerId, { lines });
    const res = await callJson("POST", `/v1/invoices/${draft.id}/issue`);
    expect(res.status).toBe(200);
    issued.push(res.body);
  }
  const rows = await env.DB.prepare("SELECT * FROM outbox_events WHERE franchise_id = ? AND type = 'invoice.issued' ORDER BY seq").bind(A.franchiseId).all<OutboxRow>();
  // The tests drive erp-sync themselves: the subscriber's messages must not also reach the real
  // queue, whose background consumer raced them (CI: the refusal test found Xero already asked).
  await deliver("domain-events", rows.results.map(envelopeOf), withoutErpQueue(env));
  const fresh = (await records()).filter((r: any) => !before.has(r.id));
  expect(fresh).toHaveLength(n);
  return { issued, fresh };
}

const invoicePosts = async (since: number) =>
  ((await fake("/_fake/requests")).requests as Array<{ at: number; method: string; path: string; status: number; body: any }>).filter(
    (r) => r.at >= since && r.method === "POST" && r.path.startsWith("/api.xro/2.0/Invoices"),
  );

beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  admin = await login(STAFF.aAdmin.email);
  await fake("/_fake/config", { minuteMs: 1000 });
  customerId = await createCustomer({ name: "Lote Norte SL" });
  const started = await callJson("POST", "/v1/integrations", { key: admin, body: { provider: "xero" } });
  connectionId = started.body.integration.id;
  const consent = await fetch(`${started.body.authorizeUrl}&fake_tenant=${SLOT}`, { redirect: "manual" });
  const back = new URL(consent.headers.get("location")!);
  const ctx = createExecutionContext();
  expect((await worker.fetch(new Request(`http://ledgerline.test${back.pathname}${back.search}`), env, ctx)).status).toBe(302);
  await waitOnExecutionContext(ctx);
  const put = await callJson("PUT", `/v1/integrations/${connectionId}/mappings`, {
    key: admin,
    body: {
      mappings: [
        { kind: "tax", localKey: "ES:standard:210000", remoteCode: "OUTPUT_ES21" },
        // Mapped to a code the organisation does not have: Xero refuses that document, not the batch.
        { kind: "tax", localKey: "ES:super_reduced:40000", remoteCode: "OUTPUT_ES_GONE" },
        { kind: "account", localKey: "default", remoteCode: "200" },
        { kind: "account", localKey: "payments", remoteCode: "090" },
      ],
    },
  });
  expect(put.status).toBe(200);
});

describe("Xero batches of 50 with per-item errors", () => {
  it("syncs the 49 good invoices of a batch and fails the invalid one with Xero's ValidationException text", async () => {
    const since = Date.now();
    const { issued, fresh } = await issue(50, "first", 17);
    // Any delivery the local queue made meanwhile is part of the same story; then ours.
    await deliver("erp-sync", messagesOf(fresh));
    const posts = await invoicePosts(since);
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((p) => p.path.includes("summarizeErrors=false") && p.body.Invoices.length <= 50)).toBe(true);
    const after = new Map((await records()).map((r: any) => [r.entity_id, r]));
    const bad = after.get(issued[17]!.id);
    // Xero's ValidationErrors for that document, as Xero worded them, and what to do.
    expect(bad).toMatchObject({ state: "failed", last_error_class: "data_fix_required", last_fix: "Xero has no tax code OUTPUT_ES_GONE: correct the tax mapping under Integrations → Tax, then replay." });
    expect(bad.last_error.split("; ")[0]).toBe("Tax type 'OUTPUT_ES_GONE' is not valid.");
    const good = issued.filter((_, i) => i !== 17);
    expect(good.map((inv) => after.get(inv.id)?.state)).toEqual(good.map(() => "synced"));
    const xero = await fake("/_fake/state");
    expect(xero.contractViolations).toEqual([]);
    for (const inv of good) {
      const remote = xero.invoices.filter((x: any) => x.InvoiceNumber === inv.number);
      expect(remote).toHaveLength(1);
      expect(Math.round(remote[0].Total * 100)).toBe(inv.total);
    }
    expect(xero.invoices.some((x: any) => x.InvoiceNumber === issued[17]!.number)).toBe(false);
  }, 180_000);

  it("sends a delivery of 100 records as two POSTs of 50", async () => {
    const since = Date.now();
    const { fresh } = await issue(100, "pair");
    await deliver("erp-sync", messagesOf(fresh));
    const sizes = (await invoicePosts(since)).filter((p) => p.status === 200).map((p) => p.body.Invoices.length);
    expect(sizes.reduce((s, n) => s + n, 0)).toBe(100);
    expect(sizes.every((n) => n <= 50)).toBe(true);
    expect((await records()).filter((r: any) => fresh.some((f: any) => f.id === r.id)).every((r: any) => r.state === "synced")).toBe(true);
  }, 180_000);

  it("creates no duplicate when a committed batch's answer is lost and the batch is delivered again (twice)", async () => {
    // The first invoice POST is committed by Xero, then answered 503.
    await fake("/_fake/faults", { commitThenFail: 1 });
    const { issued, fresh } = await issue(50, "redelivered");
    const ours = async () => (await records()).filter((r: any) => fresh.some((f: any) => f.id === r.id));
    await deliver("erp-sync", messagesOf(fresh));
    // Redelivered, and redelivered again, until every record settled (a retry the queue delays is re-driven here).
    await vi.waitFor(
      async () => {
        await deliver("erp-sync", messagesOf(fresh));
        expect((await ours()).every((r: any) => r.state === "synced")).toBe(true);
      },
      { timeout: 40_000, interval: 200 },
    );
    expect((await fake("/_fake/faults")).commitThenFail).toBe(0);
    const xero = await fake("/_fake/state");
    for (const inv of issued) expect(xero.invoices.filter((x: any) => x.InvoiceNumber === inv.number)).toHaveLength(1);
    const attempts = await env.DB.prepare("SELECT record_id, outcome FROM erp_sync_attempts WHERE franchise_id = ? ORDER BY record_id, attempt").bind(A.franchiseId).all<{ record_id: string; outcome: string }>();
    const historyOf = (id: string) => attempts.results.filter((a) => a.record_id === id).map((a) => a.outcome);
    // The records of the lost answer: a transient failure, then found in Xero by number and linked.
    const lost = fresh.filter((f: any) => historyOf(f.id).join() === "transient,linked");
    expect(lost.length).toBeGreaterThan(0);
    // And no record was ever created twice.
    for (const f of fresh) expect(historyOf(f.id).filter((o) => o === "synced" || o === "linked")).toHaveLength(1);
  }, 180_000);
});

describe("Xero refusing the connection", () => {
  it("flips the connection to reconnect_required when the refresh token is refused (invalid_grant), asking Xero once", async () => {
    const { fresh } = await issue(3, "revoked");
    await fake("/_fake/revoke", {});
    const before = (await fake("/_fake/state")).counters;
    await deliver("erp-sync", messagesOf(fresh));
    const after = (await fake("/_fake/state")).counters;
    // One call (401 TokenExpired), one refused refresh; the rest of the pass asks nobody.
    expect(after.rejectedRefreshes - before.rejectedRefreshes).toBe(1);
    expect(after.apiCalls - before.apiCalls).toBeLessThanOrEqual(1);
    const connection = await callJson("GET", `/v1/integrations/${connectionId}`);
    expect(connection.body.status).toBe("reconnect_required");
    const rows = (await records()).filter((r: any) => fresh.some((f: any) => f.id === r.id));
    expect(rows.every((r: any) => r.last_error_class === "reconnect_required" && /reconnect Xero under Integrations/i.test(r.last_fix ?? r.last_error))).toBe(true);
    // Redelivered while the connection waits for a person: nothing is sent.
    await deliver("erp-sync", messagesOf(fresh));
    expect((await fake("/_fake/state")).counters.apiCalls).toBe(after.apiCalls);
    // An admin reconnects (same connection, consent again): the records that waited go again by
    // themselves (the real erp-sync queue and consumer), and reach Xero.
    const again = await callJson("POST", "/v1/integrations", { key: admin, body: { provider: "xero" } });
    expect(again.body.integration.id).toBe(connectionId);
    const consent = await fetch(`${again.body.authorizeUrl}&fake_tenant=${SLOT}`, { redirect: "manual" });
    const back = new URL(consent.headers.get("location")!);
    const ctx = createExecutionContext();
    expect((await worker.fetch(new Request(`http://ledgerline.test${back.pathname}${back.search}`), env, ctx)).status).toBe(302);
    await waitOnExecutionContext(ctx);
    expect((await callJson("GET", `/v1/integrations/${connectionId}`)).body.status).toBe("connected");
    await vi.waitUntil(async () => (await records()).filter((r: any) => fresh.some((f: any) => f.id === r.id)).every((r: any) => r.state === "synced"), { timeout: 60_000, interval: 500 });
  }, 180_000);
});

describe("the connection's rate budget", () => {
  it("logs a granted call a little later than the grant (1/20 of the minute, at most 250 ms), so its slot frees after Xero's does", async () => {
    const stub = env.ERP_CONNECTION.get(env.ERP_CONNECTION.idFromName("erc_budget_send_skew"));
    // Untyped on purpose: inferring the RPC stub's full type here is too deep for tsc.
    const inside = runInDurableObject as unknown as (stub: unknown, run: (instance: any) => Promise<{ before: number; after: number; logged: number }>) => Promise<{ before: number; after: number; logged: number }>;
    const { before, after, logged } = await inside(stub, async (instance: any) => {
      const before = Date.now();
      const permit = await instance.acquire();
      const after = Date.now();
      expect(permit.granted).toBe(true);
      return { before, after, logged: instance.budget.log.at(-1) as number };
    });
    // XERO_MINUTE_MS is 1,000 in tests: the margin is 50 ms.
    expect(logged - before).toBeGreaterThanOrEqual(50);
    expect(logged - after).toBeLessThanOrEqual(50);
  });

  it("moves a call's logged time to when it was really sent (plus the margin) when it left later than its grant", async () => {
    const stub = env.ERP_CONNECTION.get(env.ERP_CONNECTION.idFromName("erc_budget_sent_late"));
    const inside = runInDurableObject as unknown as (stub: unknown, run: (instance: any) => Promise<{ first: number; late: number[]; onTime: number[] }>) => Promise<{ first: number; late: number[]; onTime: number[] }>;
    const { first, late, onTime } = await inside(stub, async (instance: any) => {
      const a = await instance.acquire();
      const b = await instance.acquire();
      const first = instance.budget.log[0] as number;
      // a left 400 ms after its grant; b on time (sent before its logged time: left as logged).
      await instance.release(a.lease, { status: 200, sentAt: first + 400 });
      const late = [...instance.budget.log] as number[];
      await instance.release(b.lease, { status: 200, sentAt: first - 100 });
      return { first, late, onTime: [...instance.budget.log] as number[] };
    });
    // Oldest first still (the budget reads log[0] as the oldest): b's entry, then a's moved one.
    expect(late).toHaveLength(2);
    expect(late[1]).toBe(first + 400 + 50);
    expect(late[0]).toBeLessThan(late[1]!);
    expect(onTime).toEqual(late);
  });

  it("remembers the last minute's calls across an eviction, so the next burst does not exceed Xero's minute", async () => {
    const stub = env.ERP_CONNECTION.get(env.ERP_CONNECTION.idFromName("erc_budget_evicted"));
    const inside = runInDurableObject as unknown as (stub: unknown, run: (instance: any) => Promise<{ before: number[]; after: number[] }>) => Promise<{ before: number[]; after: number[] }>;
    const { before, after } = await inside(stub, async (instance: any) => {
      await instance.acquire();
      await instance.acquire();
      const before = [...instance.budget.log] as number[];
      // What a new instance of the object starts from: nothing in memory.
      instance.budget = { log: [], leases: [], pausedUntil: 0 };
      instance.loadedPause = false;
      await instance.acquire();
      return { before, after: [...instance.budget.log] as number[] };
    });
    expect(before).toHaveLength(2);
    expect(after).toHaveLength(3);
    expect(after.slice(0, 2)).toEqual(before);
  });
});
