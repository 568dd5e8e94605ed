// Billing runs at scale (issue 13) in workerd: an agreements run of a few thousand customers
// through the real route, the invoice-batches queue, the Workflow (two chunks in flight) and the
// branch's InvoiceSequence DO. What matters: the run ends done with every invoice issued, the
// numbers gapless and in run order across chunk boundaries, one invoice per agreement and period,
// counters (counted per block, not recounted) equal to what is in D1; a redelivered chunk creates
// nothing; and a full chunk's statements stay within D1's bound-parameter and value-size limits.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { A, callJson, seedFixtures } from "./fixtures.ts";
import { billChunk, RUN_CHUNK_SIZE } from "../../workers/billing/runs/chunk.ts";
import { D1_MAX_BOUND_PARAMS } from "../../workers/db/chunks.ts";
import { database } from "../../workers/db/client.ts";
import { blockIssueStatements, JSON_SLICE_BYTES, type BlockInvoice } from "../../workers/db/invoice-blocks.ts";

const CUSTOMERS = 5 * RUN_CHUNK_SIZE + 123; // five full chunks and a partial one
const AGREEMENTS_PER_CUSTOMER = 3;
const PERIOD = "2026-03";
const at = "2026-01-01T00:00:00.000Z";

/** CUSTOMERS active customers of A's New York branch, each with 3 monthly agreements. */
async function seedAgreements(): Promise<void> {
  await env.DB.batch([
    env.DB.prepare(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
      INSERT INTO customers (id, franchise_id, home_branch_id, name, email, segment, language, timezone, status, version, created_at, updated_at)
      SELECT 'cus_scale' || printf('%021d', i), ?, ?, 'Scale customer ' || i, 'scale' || i || '@example.com', 'smb', 'en', 'America/New_York', 'active', 1, ?, ? FROM n`).bind(CUSTOMERS - 1, A.franchiseId, A.newYork, at, at),
    env.DB.prepare(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
      INSERT INTO agreements (id, franchise_id, branch_id, customer_id, service_type_id, description, quantity_milli, unit_price, cadence, start_date, end_date, version, created_at, updated_at)
      SELECT 'agr_scale' || printf('%021d', i), ?, ?, 'cus_scale' || printf('%021d', i / ${AGREEMENTS_PER_CUSTOMER}), ?, 'Cleaning ' || (i % ${AGREEMENTS_PER_CUSTOMER}), 1000 + 500 * (i % 3), 2500 + i % 977, 'monthly', '2026-01-01', NULL, 1, ?, ? FROM n`).bind(CUSTOMERS * AGREEMENTS_PER_CUSTOMER - 1, A.franchiseId, A.newYork, A.cleaning, at, at),
  ]);
}

beforeAll(async () => {
  await seedFixtures();
  await seedAgreements();
});

describe("billing run at scale", () => {
  it(`bills ${CUSTOMERS} customers x ${AGREEMENTS_PER_CUSTOMER} agreements: done, all issued, gapless in run order, once per agreement and period; a redelivered chunk creates nothing`, async () => {
    const submitted = await callJson("POST", "/v1/billing-runs", { body: { branchId: A.newYork, period: PERIOD, source: "agreements" } });
    expect(submitted.status).toBe(202);
    expect(submitted.body.status).toBe("queued");
    const run = await vi.waitUntil(async () => {
      const r = await callJson("GET", `/v1/billing-runs/${submitted.body.id}`);
      return r.body.status === "done" || r.body.status === "failed" ? r.body : false;
    }, { timeout: 120_000, interval: 200 });
    expect(run).toMatchObject({ status: "done", planned: CUSTOMERS, created: CUSTOMERS, issued: CUSTOMERS, failed: 0, errors: [] });

    // Every item issued, its invoice numbered in item order with no gap across chunk boundaries.
    const rows = await env.DB.prepare("SELECT r.position, r.status, i.seq, i.status AS invoiceStatus, i.customer_id FROM billing_run_items r JOIN invoices i ON i.id = r.invoice_id WHERE r.run_id = ? ORDER BY r.position").bind(run.id).all<any>();
    expect(rows.results).toHaveLength(CUSTOMERS);
    const firstSeq = rows.results[0].seq;
    expect(rows.results.map((r) => r.seq)).toEqual(Array.from({ length: CUSTOMERS }, (_, i) => firstSeq + i));
    expect(rows.results.every((r) => r.status === "issued" && r.invoiceStatus === "issued")).toBe(true);
    expect(new Set(rows.results.map((r) => r.customer_id)).size).toBe(CUSTOMERS);
    const series = await env.DB.prepare("SELECT COUNT(*) AS n, MIN(seq) AS lo, MAX(seq) AS hi FROM invoices WHERE branch_id = ?").bind(A.newYork).first<any>();
    expect(series).toEqual({ n: CUSTOMERS, lo: 1, hi: CUSTOMERS });

    // One invoice per agreement and period: every agreement billed exactly once, 3 lines each invoice.
    const keys = await env.DB.prepare("SELECT COUNT(*) AS n, COUNT(DISTINCT billing_key) AS d, COUNT(DISTINCT invoice_id) AS inv FROM billing_run_invoices WHERE run_id = ?").bind(run.id).first<any>();
    expect(keys).toEqual({ n: CUSTOMERS * AGREEMENTS_PER_CUSTOMER, d: CUSTOMERS * AGREEMENTS_PER_CUSTOMER, inv: CUSTOMERS });
    const expectedKeys = await env.DB.prepare("SELECT COUNT(*) AS n FROM agreements a WHERE a.branch_id = ? AND NOT EXISTS (SELECT 1 FROM billing_run_invoices k WHERE k.billing_key = 'agr:' || a.id || ':' || ?)").bind(A.newYork, PERIOD).first<{ n: number }>();
    expect(expectedKeys?.n).toBe(0);
    const lines = await env.DB.prepare("SELECT COUNT(*) AS n FROM invoice_lines WHERE invoice_id IN (SELECT invoice_id FROM billing_run_items WHERE run_id = ?)").bind(run.id).first<{ n: number }>();
    expect(lines?.n).toBe(CUSTOMERS * AGREEMENTS_PER_CUSTOMER);
    // Outbox positions stay gapless across the sliced event inserts.
    const events = await env.DB.prepare("SELECT COUNT(*) AS n, COUNT(DISTINCT seq) AS d, MAX(seq) - MIN(seq) + 1 AS span FROM outbox_events WHERE franchise_id = ?").bind(A.franchiseId).first<any>();
    expect(events).toEqual({ n: 2 * CUSTOMERS, d: 2 * CUSTOMERS, span: 2 * CUSTOMERS });

    // A redelivered chunk (first, middle, the partial last one) creates nothing and moves no counter.
    for (const chunk of [0, 2, 5]) expect(await billChunk(env, database(env.DB), A.franchiseId, run.id, chunk, new Date(), "system:test")).toEqual({ issued: 0, failed: 0 });
    const after = await callJson("GET", `/v1/billing-runs/${run.id}`);
    expect(after.body).toMatchObject({ status: "done", created: CUSTOMERS, issued: CUSTOMERS, failed: 0 });
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM invoices WHERE branch_id = ?").bind(A.newYork).first<{ n: number }>();
    expect(count?.n).toBe(CUSTOMERS);

    // A re-submitted run for the same branch and month is refused.
    const again = await callJson("POST", "/v1/billing-runs", { body: { branchId: A.newYork, period: PERIOD, source: "agreements" } });
    expect(again.status).toBe(409);
  });

  it("a full chunk's statements each bind at most 100 parameters and carry no JSON value over the slice budget", () => {
    const parties = { seller: { legalName: "Seller ".repeat(20), taxId: "B12345674", address: { line1: "x".repeat(200), city: "Madrid", countryCode: "ES" }, contact: { email: "a@b.example", phone: null } }, buyer: { name: "Buyer ".repeat(20), taxId: null, address: null, email: "c@d.example" } };
    const line = (position: number) => ({ position, description: "A long description of the service rendered ".repeat(5), quantityMilli: 1000, unitPrice: 2500, discountBps: 0, discountAmount: 0, netAmount: 2500, serviceTypeId: A.cleaning, taxCategory: "standard", taxRatePpm: 40000, servicePeriodStart: "2026-03-01", servicePeriodEnd: "2026-03-31" });
    const invoices = Array.from({ length: RUN_CHUNK_SIZE }, (_, i): BlockInvoice => ({
      invoiceId: `inv_${String(i).padStart(26, "0")}`, customerId: `cus_${String(i).padStart(26, "0")}`, billingKeys: [0, 1, 2].map((k) => `agr:agr_${String(i * 3 + k).padStart(26, "0")}:2026-03`), position: i, dueDate: "2026-04-01", memo: "Billing run 2026-03",
      lines: [line(0), line(1), line(2)] as BlockInvoice["lines"], totals: { lineNetAmounts: [2500, 2500, 2500], taxBreakdown: [{ category: "standard", ratePpm: 40000, taxableAmount: 7500, taxAmount: 300 }], subtotal: 7500, taxTotal: 300, total: 7800 } as BlockInvoice["totals"], parties: parties as BlockInvoice["parties"],
    }));
    const { inserts, bookkeeping } = blockIssueStatements(database(env.DB), { franchiseId: A.franchiseId, branchId: A.newYork, runId: "brun_test", currency: "USD", issueDate: "2026-03-01", now: at, actor: "system:test", invoices }, 1, (seq) => `NYC1-${seq}`);
    const all = [...inserts, ...bookkeeping].map((s) => (s as unknown as { getQuery(): { sql: string; params: unknown[] } }).getQuery());
    // The events alone are well over one slice: the block really is split, not sent as one value.
    expect(inserts.length).toBeGreaterThan(4);
    for (const q of all) {
      expect(q.params.length).toBeLessThanOrEqual(D1_MAX_BOUND_PARAMS);
      for (const p of q.params) if (typeof p === "string") expect(p.length).toBeLessThanOrEqual(JSON_SLICE_BYTES);
    }
    // Every invoice, line, event and key is in exactly one slice.
    const rowsIn = (table: string) => all.filter((q) => q.sql.includes(`INSERT INTO ${table}`)).reduce((n, q) => n + (JSON.parse(q.params.find((p) => typeof p === "string" && p.startsWith("[")) as string) as unknown[]).length, 0);
    expect([rowsIn("invoices"), rowsIn("invoice_lines"), rowsIn("outbox_events"), rowsIn("billing_run_invoices")]).toEqual([RUN_CHUNK_SIZE, 3 * RUN_CHUNK_SIZE, 2 * RUN_CHUNK_SIZE, 3 * RUN_CHUNK_SIZE]);
  });
});
