// Recurring agreements (issue 13) through the API, and an agreements billing run: the run bills
// each customer once for the month with one line per agreement, prorated by day where the
// agreement starts, stops or changes inside the period, and a second run cannot bill it again.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { A, B, callJson, createCustomer, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

let lucia = "";
let pablo = "";
let archived = "";
beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  lucia = await createCustomer();
  pablo = await createCustomer({ name: "Pablo Ruiz", email: "pablo@example.es" });
  archived = await createCustomer({ name: "Old Client", email: "old@example.es" });
});

const agreement = (over: Record<string, unknown> = {}) => ({ customerId: lucia, branchId: A.madrid, serviceTypeId: A.cleaning, quantity: 1, unitPrice: 31_000, cadence: "monthly", startDate: "2026-01-01", ...over });
const create = (over: Record<string, unknown> = {}, key = A.key) => callJson("POST", "/v1/agreements", { body: agreement(over), key });

describe("/v1/agreements", () => {
  it("creates, reads (ETag), lists by branch and customer, stops with If-Match", async () => {
    const made = await create({ description: "Weekly office cleaning" });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ customerId: lucia, quantity: 1, unitPrice: 31_000, cadence: "monthly", endDate: null, version: 1, description: "Weekly office cleaning" });
    expect(made.headers.get("location")).toBe(`/v1/agreements/${made.body.id}`);
    const read = await callJson("GET", `/v1/agreements/${made.body.id}`);
    expect(read.headers.get("etag")).toBe('"v1"');
    const listed = await callJson("GET", `/v1/agreements?customerId=${lucia}&branchId=${A.madrid}`);
    expect(listed.body.data.map((a: any) => a.id)).toContain(made.body.id);
    expect((await callJson("PATCH", `/v1/agreements/${made.body.id}`, { body: { endDate: "2026-12-31" } })).status).toBe(428);
    expect((await callJson("PATCH", `/v1/agreements/${made.body.id}`, { body: { endDate: "2026-12-31" }, headers: { "if-match": '"v9"' } })).status).toBe(412);
    const stopped = await callJson("PATCH", `/v1/agreements/${made.body.id}`, { body: { endDate: "2026-12-31" }, headers: { "if-match": '"v1"' } });
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ endDate: "2026-12-31", version: 2 });
    const before = await callJson("PATCH", `/v1/agreements/${made.body.id}`, { body: { endDate: "2025-12-31" }, headers: { "if-match": '"v2"' } });
    expect(before.status).toBe(422);
    expect(before.body.errors[0].field).toBe("endDate");
  });

  it("validates: 400 naming the field for a bad shape, 422 for unknown references; nothing written", async () => {
    const count = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM agreements").first<{ n: number }>())!.n;
    const n = await count();
    const bad = await create({ cadence: "weekly" });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe("cadence");
    for (const [over, field] of [[{ customerId: "cus_00000000000000000000000000" }, "customerId"], [{ serviceTypeId: "st_00000000000000000000000000" }, "serviceTypeId"], [{ branchId: B.london }, "branchId"], [{ quantity: 1.0005 }, "quantity"], [{ endDate: "2025-01-01" }, "endDate"]] as const) {
      const r = await create(over);
      expect([400, 422]).toContain(r.status);
      expect(r.body.errors[0].field).toBe(field);
    }
    expect(await count()).toBe(n);
  });

  it("is franchise- and branch-scoped: another franchise gets 404, a Madrid manager does not see New York's", async () => {
    const ny = await create({ branchId: A.newYork, unitPrice: 5000 });
    expect((await callJson("GET", `/v1/agreements/${ny.body.id}`, { key: B.key })).status).toBe(404);
    expect((await callJson("GET", "/v1/agreements", { key: B.key })).body.data).toEqual([]);
    const manager = await login(STAFF.aManager.email);
    expect((await callJson("GET", `/v1/agreements/${ny.body.id}`, { key: manager })).status).toBe(404);
    const seen = await callJson("GET", "/v1/agreements?limit=200", { key: manager });
    expect(seen.body.data.every((a: any) => a.branchId === A.madrid)).toBe(true);
    const refused = await callJson("POST", "/v1/agreements", { key: manager, body: agreement({ branchId: A.newYork }) });
    expect(refused.status).toBe(422);
  });
});

describe("an agreements billing run", () => {
  it("bills each customer once for the month, one line per agreement, prorated by day on start, stop and change; a re-run is refused and could not double-bill", async () => {
    // Lucía: a full month (31,000 over 31 days = 1,000 a day) and a second agreement starting on the 21st.
    await create({ unitPrice: 31_000, startDate: "2026-01-01" });
    await create({ serviceTypeId: A.books, unitPrice: 3100, startDate: "2026-03-21", description: "Manuals" });
    // Pablo: 62,000 a month, changed to 31,000 from the 16th → 15 days × 2,000 + 16 days × 1,000.
    const pablos = await create({ customerId: pablo, unitPrice: 62_000, startDate: "2025-11-01" });
    const changed = await callJson("POST", `/v1/agreements/${pablos.body.id}/changes`, { body: { effectiveDate: "2026-03-16", unitPrice: 31_000 } });
    expect(changed.status).toBe(201);
    expect((await callJson("GET", `/v1/agreements/${pablos.body.id}`)).body.endDate).toBe("2026-03-15");
    // Quarterly starting in February: not billed in March. Archived customer: reported.
    await create({ customerId: pablo, cadence: "quarterly", startDate: "2026-02-01" });
    await create({ customerId: archived, startDate: "2026-01-01" });
    await env.DB.prepare("UPDATE customers SET status = 'archived' WHERE id = ?").bind(archived).run();

    const submitted = await callJson("POST", "/v1/billing-runs", { body: { branchId: A.madrid, period: "2026-03", source: "agreements" } });
    expect(submitted.status).toBe(202);
    const run = await vi.waitUntil(async () => {
      const r = await callJson("GET", `/v1/billing-runs/${submitted.body.id}`);
      return r.body.status === "done" || r.body.status === "failed" ? r.body : false;
    }, { timeout: 30_000, interval: 50 });
    expect(run).toMatchObject({ status: "done", planned: 3, issued: 2, failed: 1, errors: [{ customerId: archived, code: "customer_archived" }] });

    const invoiceOf = async (customerId: string) => {
      const list = await callJson("GET", `/v1/invoices?customerId=${customerId}`);
      expect(list.body.data).toHaveLength(1);
      return list.body.data[0];
    };
    const luciaInvoice = await invoiceOf(lucia);
    // Every agreement of Lucía's that bills in March (including the full-month one from the first test? it ended 2026-12-31 and started 2026-01-01: yes).
    const lines = luciaInvoice.lines.map((l: any) => [l.netAmount, l.servicePeriod]);
    expect(lines).toEqual(expect.arrayContaining([[31_000, { start: "2026-03-01", end: "2026-03-31" }], [1100, { start: "2026-03-21", end: "2026-03-31" }]]));
    expect(luciaInvoice.lines.find((l: any) => l.netAmount === 1100).description).toContain("prorated 11/31 days");
    const pabloInvoice = await invoiceOf(pablo);
    expect(pabloInvoice.subtotal).toBe(15 * 2000 + 16 * 1000);
    expect(pabloInvoice.status).toBe("issued");

    // The month is billed: a second run is refused, and even a forced second billing of the same
    // agreement × period is impossible (the billing key is a primary key).
    const again = await callJson("POST", "/v1/billing-runs", { body: { branchId: A.madrid, period: "2026-03", source: "agreements" } });
    expect(again.status).toBe(409);
    const key = await env.DB.prepare("SELECT billing_key FROM billing_run_invoices WHERE billing_key LIKE 'agr:%:2026-03' LIMIT 1").first<{ billing_key: string }>();
    await expect(env.DB.prepare("INSERT INTO billing_run_invoices (franchise_id, billing_key, invoice_id, run_id) VALUES (?, ?, ?, 'x')").bind(A.franchiseId, key!.billing_key, luciaInvoice.id).run()).rejects.toThrow(/UNIQUE|PRIMARY/);
  });
});
