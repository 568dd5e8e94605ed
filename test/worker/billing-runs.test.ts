// Billing runs (issue 13) end to end in workerd: the real route, the real Workflow, the branch's
// real InvoiceSequence DO and local D1. What matters: a run of 100 customers ends done with every
// invoice issued and numbered gaplessly in run order, exactly like API-issued invoices; nothing
// is ever billed twice (redelivered chunk, retried step, concurrent chunk, re-submitted run);
// a customer that cannot be billed is reported without stopping the run; and a block of numbers
// that is not used leaves no gap.
import { env } from "cloudflare:workers";
import { introspectWorkflow } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { A, B, callJson, createCustomer, createDraft, seedFixtures } from "./fixtures.ts";
import { billChunk, RUN_CHUNK_SIZE } from "../../workers/billing/runs/chunk.ts";
import { restartStalledRuns } from "../../workers/billing/runs/sweep.ts";
import { createLogger } from "../../workers/observability/logger.ts";
import { database } from "../../workers/db/client.ts";

const db = () => database(env.DB);
const seqOf = (number: string) => Number(number.split("-").pop());

/** n active customers of franchise A, written straight into D1 (ids sort in creation order). */
async function seedCustomers(n: number, tag: string): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `cus_${tag.padEnd(10, "0")}${String(i).padStart(16, "0")}`);
  const rows = ids.map((id, i) => env.DB.prepare("INSERT INTO customers (id, franchise_id, name, email, segment, language, timezone, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'smb', 'en', 'America/New_York', 'active', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')").bind(id, A.franchiseId, `Customer ${tag} ${i}`, `c${i}@${tag}.example`));
  await env.DB.batch(rows);
  return ids;
}

const threeLines = (i: number) => [
  { description: `Lawn care ${i}`, quantity: 1, unitPrice: 10_000 + i },
  { description: "Hedge trimming", quantity: 2.5, unitPrice: 1999 },
  { description: "Leaf removal", quantity: 1, unitPrice: 500, discountPercent: 10 },
];

async function waitForRun(id: string, until: (run: any) => boolean = (r) => r.status === "done" || r.status === "failed") {
  return vi.waitUntil(async () => {
    const r = await callJson("GET", `/v1/billing-runs/${id}`);
    return until(r.body) ? r.body : false;
  }, { timeout: 30_000, interval: 50 });
}

beforeAll(async () => {
  await seedFixtures();
});

describe("POST /v1/billing-runs (items)", () => {
  it("bills 100 customers: 202 at once, then done, all issued, numbers gapless in run order, indistinguishable from API-issued invoices; a customer without a tax rate is reported and skipped", async () => {
    // One API-issued invoice first: the run must continue its series, not restart it.
    const manual = await createDraft(await createCustomer({ timezone: "America/New_York", language: "en" }), { branchId: A.newYork, currency: "USD", lines: [{ description: "One-off", quantity: 1, unitPrice: 100 }] });
    const issuedManually = await callJson("POST", `/v1/invoices/${manual.id}/issue`);
    expect(issuedManually.status).toBe(200);
    const customers = await seedCustomers(101, "hundred");
    const items = customers.map((customerId, i) => ({ customerId, lines: i === 37 ? [{ description: "Reduced-rate item", quantity: 1, unitPrice: 100, taxCategory: "reduced" }] : threeLines(i) }));
    const workflows = await introspectWorkflow(env.BILLING_RUN);
    try {
      const submitted = await callJson("POST", "/v1/billing-runs", { body: { branchId: A.newYork, period: "2026-03", source: "items", items } });
      expect(submitted.status).toBe(202);
      expect(submitted.body).toMatchObject({ status: "queued", planned: 101, created: 0, issued: 0, failed: 0, errors: [] });
      expect(submitted.headers.get("location")).toBe(`/v1/billing-runs/${submitted.body.id}`);
      // The workflow is started by the invoice-batches consumer, a moment after the 202.
      const instance = await vi.waitUntil(async () => (await workflows.get())[0], { timeout: 10_000, interval: 50 });
      await instance.waitForStatus("complete");
      const run = await waitForRun(submitted.body.id);
      expect(run).toMatchObject({ status: "done", planned: 101, created: 100, issued: 100, failed: 1 });
      expect(run.errors).toEqual([{ position: 37, customerId: customers[37], code: "no_tax_rate_in_force", message: expect.stringContaining("no reduced tax rate is in force in US-NY") }]);
      expect(run.finishedAt).not.toBeNull();

      const rows = await env.DB.prepare("SELECT i.id, i.seq, i.number, i.status, i.version, i.seller, i.buyer, i.total, r.position FROM invoices i JOIN billing_run_items r ON r.invoice_id = i.id WHERE r.run_id = ? ORDER BY r.position").bind(run.id).all<any>();
      expect(rows.results).toHaveLength(100);
      const first = seqOf(issuedManually.body.number) + 1;
      // Gapless, continuing the series, and in the order of the run's items.
      expect(rows.results.map((r) => r.seq)).toEqual(Array.from({ length: 100 }, (_, i) => first + i));
      expect(rows.results.every((r) => r.status === "issued" && r.version === 2 && r.seller && r.buyer)).toBe(true);
      const lines = await env.DB.prepare("SELECT COUNT(*) AS n FROM invoice_lines WHERE invoice_id IN (SELECT invoice_id FROM billing_run_items WHERE run_id = ?)").bind(run.id).first<{ n: number }>();
      expect(lines?.n).toBe(300);

      // The API shows a run invoice exactly like an issued one, totals computed the same way.
      const one = await callJson("GET", `/v1/invoices/${rows.results[0].id}`);
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ status: "issued", number: `NYC1-${String(first).padStart(6, "0")}`, issueDate: run.issueDate, customerId: customers[0], subtotal: 10_000 + 4998 + 450, version: 2 });
      expect(one.body.buyer.name).toBe("Customer hundred 0");
      // ... and e-invoicing, analytics, audit and ERP get the same events: drafted v1 then issued v2.
      const events = await env.DB.prepare("SELECT type, aggregate_version, actor, payload FROM outbox_events WHERE aggregate_id = ? ORDER BY seq").bind(one.body.id).all<any>();
      expect(events.results.map((e) => [e.type, e.aggregate_version])).toEqual([["invoice.drafted", 1], ["invoice.issued", 2]]);
      expect(JSON.parse(events.results[1].payload).invoice).toMatchObject({ number: one.body.number, total: one.body.total, status: "issued" });
      const seqs = await env.DB.prepare("SELECT COUNT(*) AS n, COUNT(DISTINCT seq) AS d, MAX(seq) - MIN(seq) + 1 AS span FROM outbox_events WHERE franchise_id = ?").bind(A.franchiseId).first<any>();
      expect(seqs.n).toBe(seqs.d);
      expect(seqs.span).toBe(seqs.n);

      // Redelivering any chunk (a retried step, a restarted instance) creates nothing.
      for (const chunk of [0, 1]) expect(await billChunk(env, db(), A.franchiseId, run.id, chunk, new Date(), "system:test")).toEqual({ issued: 0, failed: 0 });
      const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM invoices WHERE branch_id = ?").bind(A.newYork).first<{ n: number }>();
      expect(count?.n).toBe(101);

      // A re-submitted run for the same branch and month is refused, naming the existing run.
      const again = await callJson("POST", "/v1/billing-runs", { body: { branchId: A.newYork, period: "2026-03", source: "items", items: items.slice(0, 2) } });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe("billing_run_exists");
      expect(again.body.detail).toContain(run.id);

      const listed = await callJson("GET", "/v1/billing-runs?limit=1");
      expect(listed.status).toBe(200);
      expect(listed.body.data[0]).toMatchObject({ id: run.id, status: "done" });
    } finally {
      await workflows.dispose();
    }
  });

  it("two concurrent submits for the same branch and month: one 202, one 409, one run", async () => {
    const customers = await seedCustomers(3, "concur");
    const body = { branchId: A.newYork, period: "2026-04", source: "items", items: customers.map((customerId, i) => ({ customerId, lines: threeLines(i) })) };
    const results = await Promise.all([callJson("POST", "/v1/billing-runs", { body }), callJson("POST", "/v1/billing-runs", { body })]);
    expect(results.map((r) => r.status).sort()).toEqual([202, 409]);
    const winner = results.find((r) => r.status === 202)!;
    const run = await waitForRun(winner.body.id);
    expect(run).toMatchObject({ status: "done", issued: 3 });
    const runs = await env.DB.prepare("SELECT COUNT(*) AS n FROM billing_runs WHERE branch_id = ? AND period = '2026-04'").bind(A.newYork).first<{ n: number }>();
    expect(runs?.n).toBe(1);
  });

  it("the same chunk executed twice at once (a step retried while the first attempt still runs) bills every customer once, numbers still gapless", async () => {
    const customers = await seedCustomers(40, "race");
    const runId = "brun_0000000000000000000000race";
    const now = new Date().toISOString();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO billing_runs (id, franchise_id, branch_id, period, source, issue_date, status, requested_by, created_at, updated_at) VALUES (?, ?, ?, '2026-05', 'items', ?, 'running', 'system:test', ?, ?)").bind(runId, A.franchiseId, A.newYork, now.slice(0, 10), now, now),
      ...customers.map((c, i) => env.DB.prepare("INSERT INTO billing_run_items (run_id, position, franchise_id, customer_id, billing_keys, lines) VALUES (?, ?, ?, ?, ?, ?)").bind(runId, i, A.franchiseId, c, JSON.stringify([`run:${runId}:${i}`]), JSON.stringify(threeLines(i)))),
    ]);
    const before = await env.INVOICE_SEQUENCE.getByName(A.newYork).head("invoice", A.franchiseId, A.newYork);
    const outcomes = await Promise.allSettled([0, 0, 0].map((chunk) => billChunk(env, db(), A.franchiseId, runId, chunk, new Date(), "system:test")));
    // The losers fail on the billing key (and would be retried by the workflow); a retry finds nothing left.
    expect(outcomes.filter((o) => o.status === "fulfilled" && o.value.issued === 40)).toHaveLength(1);
    expect(await billChunk(env, db(), A.franchiseId, runId, 0, new Date(), "system:test")).toEqual({ issued: 0, failed: 0 });
    const rows = await env.DB.prepare("SELECT i.seq FROM invoices i JOIN billing_run_invoices k ON k.invoice_id = i.id WHERE k.run_id = ? ORDER BY i.seq").bind(runId).all<{ seq: number }>();
    expect(rows.results.map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => before.lastSeq + 1 + i));
    const after = await env.INVOICE_SEQUENCE.getByName(A.newYork).head("invoice", A.franchiseId, A.newYork);
    expect(after.lastSeq).toBe(before.lastSeq + 40);
  });

  it("a run whose instance died (a restarted dev server) is restarted by the sweeper and finishes without billing anyone twice", async () => {
    const customers = await seedCustomers(RUN_CHUNK_SIZE + 50, "restart");
    const runId = "brun_0000000000000000000restart";
    const old = "2026-01-01T00:00:00.000Z";
    const today = new Date().toISOString().slice(0, 10);
    await env.DB.batch([
      env.DB.prepare("INSERT INTO billing_runs (id, franchise_id, branch_id, period, source, issue_date, status, requested_by, created_at, updated_at) VALUES (?, ?, ?, '2026-07', 'items', ?, 'running', 'system:test', ?, ?)").bind(runId, A.franchiseId, A.newYork, today, old, old),
      ...customers.map((c, i) => env.DB.prepare("INSERT INTO billing_run_items (run_id, position, franchise_id, customer_id, billing_keys, lines) VALUES (?, ?, ?, ?, ?, ?)").bind(runId, i, A.franchiseId, c, JSON.stringify([`run:${runId}:${i}`]), JSON.stringify(threeLines(i)))),
    ]);
    // The dead instance had finished its first chunk before it stopped.
    expect(await billChunk(env, db(), A.franchiseId, runId, 0, new Date(), "system:test")).toEqual({ issued: RUN_CHUNK_SIZE, failed: 0 });
    await env.DB.prepare("UPDATE billing_runs SET updated_at = ? WHERE id = ?").bind(old, runId).run();
    const logger = createLogger("silent");
    expect(await restartStalledRuns(env, logger)).toBe(1);
    const run = await waitForRun(runId);
    expect(run).toMatchObject({ status: "done", planned: RUN_CHUNK_SIZE + 50, issued: RUN_CHUNK_SIZE + 50, failed: 0 });
    const invoices = await env.DB.prepare("SELECT COUNT(*) AS n, COUNT(DISTINCT customer_id) AS c FROM invoices WHERE id IN (SELECT invoice_id FROM billing_run_invoices WHERE run_id = ?)").bind(runId).first<any>();
    expect(invoices).toEqual({ n: RUN_CHUNK_SIZE + 50, c: RUN_CHUNK_SIZE + 50 });
    // Nothing stalled is left: a second sweep restarts nothing.
    expect(await restartStalledRuns(env, logger)).toBe(0);
  });

  it("a block whose write is refused takes no numbers: the next block starts right after the last used one", async () => {
    const [customer] = await seedCustomers(1, "refused");
    const stub = env.INVOICE_SEQUENCE.getByName(A.newYork);
    const head = await stub.head("invoice", A.franchiseId, A.newYork);
    const block = (key: string, id: string) => ({
      franchiseId: A.franchiseId, branchId: A.newYork, runId: "brun_blocktest", currency: "USD", issueDate: head.lastIssueDate ?? new Date().toISOString().slice(0, 10), now: new Date().toISOString(), actor: "system:test",
      invoices: [{ invoiceId: id, customerId: customer!, billingKeys: [key], position: 0, dueDate: "2099-01-01", memo: null, lines: [], totals: { lineNetAmounts: [], taxBreakdown: [], subtotal: 0, taxTotal: 0, total: 0 }, parties: { seller: { legalName: "x", taxId: null, address: null, contact: { email: null, phone: null } }, buyer: { name: "y", taxId: null, address: null, email: null } } }],
    });
    // A key another run already invoiced (from the first test) aborts the whole block.
    const taken = await env.DB.prepare("SELECT billing_key FROM billing_run_invoices LIMIT 1").first<{ billing_key: string }>();
    // (Settled into a plain value at once: an RPC promise handed to expect() spawns pipelined promises that reject unhandled.)
    const refused = await stub.issueBlock("NYC1", block(taken!.billing_key, "inv_0000000000000000000000blk1") as any).then(() => null, (e: Error) => e);
    expect(refused?.message).toMatch(/UNIQUE constraint failed/);
    expect(await stub.head("invoice", A.franchiseId, A.newYork)).toEqual(head);
    const ok = await stub.issueBlock("NYC1", block("test:fresh-key", "inv_0000000000000000000000blk2") as any);
    expect(ok).toEqual({ ok: true, value: { firstSeq: head.lastSeq + 1, lastSeq: head.lastSeq + 1 } });
  });

  it("validates the request: 400 for a bad period, 422 naming the field for an unknown branch or missing items", async () => {
    const badPeriod = await callJson("POST", "/v1/billing-runs", { body: { branchId: A.newYork, period: "2026-13", source: "agreements" } });
    expect(badPeriod.status).toBe(400);
    expect(badPeriod.body.errors[0].field).toBe("period");
    const unknown = await callJson("POST", "/v1/billing-runs", { body: { branchId: "br_00000000000000000000000000", period: "2026-06", source: "agreements" } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].field).toBe("branchId");
    const noItems = await callJson("POST", "/v1/billing-runs", { body: { branchId: A.newYork, period: "2026-06", source: "items" } });
    expect(noItems.status).toBe(422);
    expect(noItems.body.errors[0].field).toBe("items");
    // Another franchise's branch does not exist for this key.
    const foreign = await callJson("POST", "/v1/billing-runs", { body: { branchId: B.london, period: "2026-06", source: "agreements" } });
    expect(foreign.status).toBe(422);
    const runs = await env.DB.prepare("SELECT COUNT(*) AS n FROM billing_runs WHERE period = '2026-06'").first<{ n: number }>();
    expect(runs?.n).toBe(0);
  });

  it("another franchise cannot read a run", async () => {
    const listed = await callJson("GET", "/v1/billing-runs", { key: B.key });
    expect(listed.body.data).toEqual([]);
    const run = await env.DB.prepare("SELECT id FROM billing_runs LIMIT 1").first<{ id: string }>();
    const foreign = await callJson("GET", `/v1/billing-runs/${run!.id}`, { key: B.key });
    expect(foreign.status).toBe(404);
  });
});
