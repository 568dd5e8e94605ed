// Credit notes are capped per (tax category, rate) group, checked in the domain for a clear 422
// and again inside D1 (trigger credit_notes_within_tax_groups) for credit notes that race.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { callJson, createCustomer, createDraft, seedFixtures } from "./fixtures.ts";

let customerId = "";
beforeAll(async () => {
  await seedFixtures();
  customerId = await createCustomer();
});

/** 100.00 at 21 % plus 100.00 at 0 %: total 221.00, VAT 21.00. */
async function mixedInvoice(): Promise<string> {
  const draft = await createDraft(customerId, {
    lines: [
      { description: "Cleaning", quantity: 1, unitPrice: 10000, taxCategory: "standard" },
      { description: "Exported service", quantity: 1, unitPrice: 10000, taxCategory: "zero" },
    ],
  });
  const issued = await callJson("POST", `/v1/invoices/${draft.id}/issue`);
  expect(issued.body).toMatchObject({ total: 22100, taxTotal: 2100 });
  return draft.id;
}

const credit = (invoiceId: string, lines: unknown[]) => callJson("POST", "/v1/credit-notes", { body: { invoiceId, reason: "correction", lines } });

describe("credit notes per tax group", () => {
  it("refuses one 21 % line of 182.64 on 100.00 at 21 % + 100.00 at 0 % (it would reverse 38.35 of 21.00 VAT)", async () => {
    const invoiceId = await mixedInvoice();
    const res = await credit(invoiceId, [{ description: "too much", quantity: 1, unitPrice: 18264, taxCategory: "standard" }]);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("credit_exceeds_tax_group");
    expect(res.body.errors[0].field).toBe("lines.0");
    expect(res.body.detail).toMatch(/standard 21 %/);
    const notes = await env.DB.prepare("SELECT count(*) AS n FROM credit_notes WHERE invoice_id = ?").bind(invoiceId).first<{ n: number }>();
    expect(notes!.n).toBe(0);
  });

  it("credits each group up to what it invoiced, and a full credit reverses exactly the group's tax", async () => {
    const invoiceId = await mixedInvoice();
    const part = await credit(invoiceId, [{ description: "a third", quantity: 1, unitPrice: 3333, taxCategory: "standard" }]);
    expect(part.body).toMatchObject({ subtotal: 3333, taxTotal: 700 });
    const rest = await credit(invoiceId, [
      { description: "the rest", quantity: 1, unitPrice: 6667, taxCategory: "standard" },
      { description: "all of the zero-rated", quantity: 1, unitPrice: 10000, taxCategory: "zero" },
    ]);
    expect(rest.status).toBe(201);
    // 6667 × 21 % = 1400.07 → 1400, and exactly 2100 − 700 = 1400 was left.
    expect(rest.body).toMatchObject({ subtotal: 16667, taxTotal: 1400, total: 18067 });
    const invoice = (await callJson("GET", `/v1/invoices/${invoiceId}`)).body;
    expect(invoice).toMatchObject({ status: "paid", amountCredited: 22100, balanceDue: 0 });
    const more = await credit(invoiceId, [{ description: "one cent more", quantity: 1, unitPrice: 1, taxCategory: "zero" }]);
    expect(more.status).toBe(422);
    expect(more.body.code).toBe("credit_exceeds_tax_group");
  });

  it("never reverses more VAT than charged when rounding per note would (3 × 50 at 21 % on 150)", async () => {
    const draft = await createDraft(customerId, { lines: [{ description: "x", quantity: 1, unitPrice: 150, taxCategory: "standard" }] });
    await callJson("POST", `/v1/invoices/${draft.id}/issue`); // tax 31.5 → 32
    const taxes: number[] = [];
    for (let i = 0; i < 3; i++) taxes.push((await credit(draft.id, [{ description: `part ${i}`, quantity: 1, unitPrice: 50 }])).body.taxTotal);
    expect(taxes).toEqual([11, 11, 10]);
  });

  it("lets only as many racing credit notes through as a group allows", async () => {
    const invoiceId = await mixedInvoice();
    const results = await Promise.all(
      [0, 1, 2, 3].map(() => credit(invoiceId, [{ description: "race", quantity: 1, unitPrice: 4000, taxCategory: "standard" }])),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(2);
    for (const r of results.filter((r) => r.status !== 201)) {
      expect(r.status).toBe(422);
      expect(r.body.code).toBe("credit_exceeds_tax_group");
    }
    const sums = await env.DB.prepare(
      `SELECT SUM(json_extract(g.value, '$.taxableAmount')) AS net, SUM(json_extract(g.value, '$.taxAmount')) AS tax
       FROM credit_notes c, json_each(c.tax_breakdown) g WHERE c.invoice_id = ? AND json_extract(g.value, '$.category') = 'standard'`,
    )
      .bind(invoiceId)
      .first<{ net: number; tax: number }>();
    expect(sums).toEqual({ net: 8000, tax: 1680 });
  });

  it("has the database refuse an over-credit that skips the domain check", async () => {
    const invoiceId = await mixedInvoice();
    const row = await env.DB.prepare("SELECT franchise_id, branch_id, customer_id FROM invoices WHERE id = ?").bind(invoiceId).first<Record<string, string>>();
    const insert = env.DB.prepare(
      `INSERT INTO credit_notes (id, franchise_id, invoice_id, branch_id, customer_id, seq, number, currency, reason, issue_date, subtotal, tax_total, total, tax_breakdown, created_at)
       VALUES ('cn_direct', ?, ?, ?, ?, 999, 'X-999', 'EUR', 'direct', '2026-01-01', 18264, 3835, 22099, ?, '2026-01-01')`,
    ).bind(row!.franchise_id, invoiceId, row!.branch_id, row!.customer_id, JSON.stringify([{ category: "standard", ratePpm: 210000, taxableAmount: 18264, taxAmount: 3835 }]));
    await expect(insert.run()).rejects.toThrow(/credit_exceeds_tax_group/);
  });
});
