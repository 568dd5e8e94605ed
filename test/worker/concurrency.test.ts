// Settlement under concurrent writers: D1 has no interactive transactions, so the database's
// CHECK constraints and triggers must keep an invoice from being over-paid or over-credited.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { callJson, createCustomer, createDraft, seedFixtures } from "./fixtures.ts";

let customerId = "";
beforeAll(async () => {
  await seedFixtures();
  customerId = await createCustomer();
});

async function issued() {
  const draft = await createDraft(customerId); // total 30250
  await callJson("POST", `/v1/invoices/${draft.id}/issue`);
  return draft.id as string;
}

describe("concurrent settlement", () => {
  it("lets only as many concurrent payments through as the balance allows", async () => {
    const invoiceId = await issued();
    const pay = () => callJson("POST", "/v1/payments", { body: { customerId, currency: "EUR", amount: 20000, allocations: [{ invoiceId, amount: 20000 }] } });
    const results = await Promise.all([pay(), pay(), pay()]);
    const ok = results.filter((r) => r.status === 201);
    expect(ok).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 201)) {
      expect([409, 422]).toContain(r.status);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
    }
    const invoice = (await callJson("GET", `/v1/invoices/${invoiceId}`)).body;
    expect(invoice).toMatchObject({ amountPaid: 20000, balanceDue: 10250, status: "partially_paid" });
    const payments = await env.DB.prepare("SELECT count(*) AS n FROM payment_allocations WHERE invoice_id = ?").bind(invoiceId).first<{ n: number }>();
    expect(payments!.n).toBe(1);
  });

  it("never lets a credit note and a payment together exceed the total", async () => {
    const invoiceId = await issued();
    const [payment, credit] = await Promise.all([
      callJson("POST", "/v1/payments", { body: { customerId, currency: "EUR", amount: 25000, allocations: [{ invoiceId, amount: 25000 }] } }),
      callJson("POST", "/v1/credit-notes", { body: { invoiceId, reason: "dispute", lines: [{ description: "part", quantity: 1, unitPrice: 10000 }] } }),
    ]);
    const invoice = (await callJson("GET", `/v1/invoices/${invoiceId}`)).body;
    expect(invoice.amountPaid + invoice.amountCredited).toBeLessThanOrEqual(invoice.total);
    // A credit note is never refused for lack of open balance any more (the excess becomes
    // customer credit); the payment is refused when the credit note came first.
    expect(credit.status).toBe(201);
    expect([201, 409]).toContain(payment.status);
  });

  it("refuses at the database level a direct write that would break an issued invoice", async () => {
    const invoiceId = await issued();
    await expect(env.DB.prepare("UPDATE invoices SET total = 1 WHERE id = ?").bind(invoiceId).run()).rejects.toThrow(/invoice_immutable/);
    await expect(env.DB.prepare("UPDATE invoice_lines SET unit_price = 1 WHERE invoice_id = ?").bind(invoiceId).run()).rejects.toThrow(/invoice_immutable/);
    await expect(env.DB.prepare("UPDATE invoices SET amount_paid = total + 1 WHERE id = ?").bind(invoiceId).run()).rejects.toThrow(/CHECK constraint/);
  });
});

describe("tax-rate table", () => {
  it("refuses overlapping periods for one jurisdiction and category", async () => {
    const insert = (id: string, from: string, to: string | null) =>
      env.DB.prepare("INSERT INTO tax_rates (id, jurisdiction, category, rate_ppm, effective_from, effective_to, source, created_at) VALUES (?, 'XX', 'standard', 100000, ?, ?, 'test', '2026-01-01')")
        .bind(id, from, to)
        .run();
    await insert("tax_xx_1", "2020-01-01", "2022-01-01");
    await insert("tax_xx_2", "2022-01-01", null); // adjacent: fine
    await expect(insert("tax_xx_3", "2021-06-01", "2021-07-01")).rejects.toThrow(/tax_rate_period_overlap/);
    await expect(insert("tax_xx_4", "2030-01-01", null)).rejects.toThrow(/tax_rate_period_overlap/);
  });
});
