// The tax point (issue 10): an invoice may carry a taxPointDate (the date of supply) that differs
// from its issue date; it chooses the tax rate, at draft and again at issue, and is returned on the
// invoice (defaulting to the issue date). Across the real DE 2021-01-01 and EE 2025-07-01 rate
// changes: a supply before the change invoiced after it gets the old rate, and its credit note
// keeps that rate. Bad tax points are 422s naming the field and write nothing.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { A, callJson, createCustomer, seedFixtures } from "./fixtures.ts";

const now = "2026-01-01T00:00:00.000Z";
const BRANCHES = { DE: "br_000000000000000000000000e1", EE: "br_000000000000000000000000e2" };
const rate = (id: string, j: string, ppm: number, from: string, to: string | null) =>
  env.DB.prepare("INSERT INTO tax_rates (id, jurisdiction, category, rate_ppm, effective_from, effective_to, source, created_at) VALUES (?, ?, 'standard', ?, ?, ?, 'test', ?)").bind(id, j, ppm, from, to, now);

beforeAll(async () => {
  await seedFixtures();
  await env.DB.batch([
    ...Object.entries(BRANCHES).map(([j, id], i) =>
      env.DB.prepare("INSERT INTO branches (id, franchise_id, code, name, timezone, currency, jurisdiction, created_at) VALUES (?, ?, ?, ?, 'Europe/Berlin', 'EUR', ?, ?)").bind(id, A.franchiseId, `TP${j}${i}`, `${j} tax point branch`, j, now),
    ),
    rate("tax_tp_de_1", "DE", 190_000, "2007-01-01", "2020-07-01"),
    rate("tax_tp_de_2", "DE", 160_000, "2020-07-01", "2021-01-01"),
    rate("tax_tp_de_3", "DE", 190_000, "2021-01-01", null),
    rate("tax_tp_ee_1", "EE", 200_000, "2009-07-01", "2024-01-01"),
    rate("tax_tp_ee_2", "EE", 220_000, "2024-01-01", "2025-07-01"),
    rate("tax_tp_ee_3", "EE", 240_000, "2025-07-01", null),
  ]);
});

async function draft(branch: string, dates: { issueDate?: string; taxPointDate?: string }) {
  const customerId = await createCustomer({ name: `Tax point ${branch} ${JSON.stringify(dates)}` });
  return callJson("POST", "/v1/invoices", { body: { customerId, branchId: branch, currency: "EUR", ...dates, lines: [{ description: "Service", quantity: 1, unitPrice: 10_000 }] } });
}
async function issued(branch: string, dates: { issueDate?: string; taxPointDate?: string }) {
  const d = await draft(branch, dates);
  expect(d.status).toBe(201);
  const res = await callJson("POST", `/v1/invoices/${d.body.id}/issue`, { body: {} });
  expect(res.status).toBe(200);
  return { drafted: d.body, invoice: res.body };
}

describe("the tax point chooses the rate", () => {
  it("a DE supply of 2020-12-31 invoiced on 2021-01-04 is taxed at 16 %, at draft and at issue; the tax point is returned", async () => {
    const { drafted, invoice } = await issued(BRANCHES.DE, { issueDate: "2021-01-04", taxPointDate: "2020-12-31" });
    expect(drafted.taxTotal).toBe(1_600);
    expect(invoice).toMatchObject({ issueDate: "2021-01-04", taxPointDate: "2020-12-31", taxTotal: 1_600 });
    expect(invoice.lines.map((l: { taxRate: string }) => Number(l.taxRate))).toEqual([16]);
    const again = await callJson("GET", `/v1/invoices/${invoice.id}`);
    expect(again.body.taxPointDate).toBe("2020-12-31");
  });

  it("without a tax point the issue date decides (19 % after the change) and is returned as the tax point", async () => {
    const { invoice } = await issued(BRANCHES.DE, { issueDate: "2021-01-05" });
    expect(invoice).toMatchObject({ issueDate: "2021-01-05", taxPointDate: "2021-01-05", taxTotal: 1_900 });
    const row = await env.DB.prepare("SELECT tax_point_date FROM invoices WHERE id = ?").bind(invoice.id).first<{ tax_point_date: string | null }>();
    expect(row!.tax_point_date).toBeNull();
  });

  it("an EE supply of 2025-06-30 invoiced on 2025-07-02 is taxed 22 %, and its credit note today keeps 22 %", async () => {
    const { invoice } = await issued(BRANCHES.EE, { issueDate: "2025-07-02", taxPointDate: "2025-06-30" });
    expect(invoice.taxTotal).toBe(2_200);
    const credit = await callJson("POST", "/v1/credit-notes", { body: { invoiceId: invoice.id, reason: "part refund after the change", lines: [{ description: "Part refund", quantity: 1, unitPrice: 5_000 }] } });
    expect(credit.status).toBe(201);
    expect(credit.body.lines.map((l: { taxRate: string }) => Number(l.taxRate))).toEqual([22]);
    expect(credit.body.taxTotal).toBe(1_100);
  });

  it("the tax point on the day of the change takes the new rate (half-open periods)", async () => {
    const { invoice } = await issued(BRANCHES.EE, { issueDate: "2025-07-03", taxPointDate: "2025-07-01" });
    expect(invoice.taxTotal).toBe(2_400);
  });
});

describe("bad tax points are refused naming the field, and write nothing", () => {
  it.each([
    [{ issueDate: "2025-07-10", taxPointDate: "2025-07-11" }, 422, "tax_point_after_issue"],
    [{ issueDate: "2025-07-10", taxPointDate: "2024-07-08" }, 422, "tax_point_too_early"],
    [{ taxPointDate: "2020-01-01" }, 422, "tax_point_too_early"],
    [{ issueDate: "2025-07-10", taxPointDate: "2025-02-30" }, null, null],
    [{ issueDate: "2025-07-10", taxPointDate: "10/07/2025" }, null, null],
  ])("%j → %s %s", async (dates, status, code) => {
    const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM invoices WHERE franchise_id = ?").bind(A.franchiseId).first<{ n: number }>();
    const res = await draft(BRANCHES.EE, dates);
    if (status) expect(res.status).toBe(status);
    else expect([400, 422]).toContain(res.status);
    if (code) expect(res.body.code).toBe(code);
    expect(JSON.stringify(res.body.errors ?? res.body)).toContain("taxPointDate");
    const after = await env.DB.prepare("SELECT COUNT(*) AS n FROM invoices WHERE franchise_id = ?").bind(A.franchiseId).first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
  });
});
