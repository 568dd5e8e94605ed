// Money that can always be applied: payment remainders, overpayments and credit notes on paid
// invoices become customer credit; it can be allocated later, applied to an invoice, refunded,
// and the balance reconciles with the documents in D1.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { A, callJson, createCustomer, createDraft, seedFixtures } from "./fixtures.ts";

beforeAll(seedFixtures);

async function issuedInvoice(customerId: string, unitPrice = 10000): Promise<string> {
  const draft = await createDraft(customerId, { lines: [{ description: "Cleaning", quantity: 1, unitPrice, taxCategory: "standard" }] });
  const res = await callJson("POST", `/v1/invoices/${draft.id}/issue`);
  expect(res.status).toBe(200);
  return draft.id;
}

const pay = (customerId: string, amount: number, allocations: Array<{ invoiceId: string; amount: number }> = [], currency = "EUR") =>
  callJson("POST", "/v1/payments", { body: { customerId, currency, amount, allocations } });
const balanceOf = async (customerId: string, currency = "EUR") => {
  const res = await callJson("GET", `/v1/customers/${customerId}/balance`);
  expect(res.status).toBe(200);
  return res.body.balances.find((b: any) => b.currency === currency);
};

/** The identity, from the rows in D1 rather than from the API's own sums. */
async function assertReconciles(customerId: string) {
  const q = (sql: string) => env.DB.prepare(sql).bind(customerId).first<{ v: number }>().then((r) => r?.v ?? 0);
  const invoiced = await q("SELECT COALESCE(SUM(total), 0) AS v FROM invoices WHERE customer_id = ? AND status NOT IN ('draft', 'void')");
  const credited = await q("SELECT COALESCE(SUM(total), 0) AS v FROM credit_notes WHERE customer_id = ?");
  const paid = await q("SELECT COALESCE(SUM(amount), 0) AS v FROM payments WHERE customer_id = ?");
  const refunded = await q("SELECT COALESCE(SUM(amount), 0) AS v FROM refunds WHERE customer_id = ?");
  const open = await q("SELECT COALESCE(SUM(total - amount_paid - amount_credited), 0) AS v FROM invoices WHERE customer_id = ? AND status IN ('issued', 'partially_paid')");
  const balance = await balanceOf(customerId);
  expect(balance.openBalance).toBe(open);
  expect(balance.creditBalance).toBeGreaterThanOrEqual(0);
  expect(invoiced - credited - paid + refunded).toBe(open - balance.creditBalance);
  expect(balance).toMatchObject({ invoiced, credited, paid, refunded, minorUnits: 2 });
}

describe("customer credit", () => {
  it("keeps an unallocated remainder as credit and allocates it to an invoice later", async () => {
    const customerId = await createCustomer();
    const payment = await pay(customerId, 50000);
    expect(payment.body.unallocatedAmount).toBe(50000);
    const invoiceId = await issuedInvoice(customerId); // 12100
    expect(await balanceOf(customerId)).toMatchObject({ openBalance: 12100, creditBalance: 50000 });

    const allocated = await callJson("POST", `/v1/payments/${payment.body.id}/allocations`, { body: { allocations: [{ invoiceId, amount: 12100 }] } });
    expect(allocated.status).toBe(200);
    expect(allocated.body).toMatchObject({ unallocatedAmount: 37900, allocations: [{ invoiceId, amount: 12100 }] });
    expect((await callJson("GET", `/v1/invoices/${invoiceId}`)).body).toMatchObject({ status: "paid", amountPaid: 12100 });
    expect(await balanceOf(customerId)).toMatchObject({ openBalance: 0, creditBalance: 37900 });

    const events = await env.DB.prepare("SELECT aggregate_version, actor, payload FROM outbox_events WHERE type = 'payment.allocated' AND aggregate_id = ?").bind(payment.body.id).all<any>();
    expect(events.results).toHaveLength(1);
    expect(events.results[0]).toMatchObject({ aggregate_version: 2, actor: "api_key:key_a_rw" });
    // The whole payment after the change, so no consumer has to read it back.
    expect(JSON.parse(events.results[0].payload)).toMatchObject({
      payment: { id: payment.body.id, customerId, currency: "EUR", amount: 50000, allocations: [{ invoiceId, amount: 12100 }] },
      newAllocations: [{ invoiceId, amount: 12100 }],
    });
    await assertReconciles(customerId);
  });

  it("refuses a later allocation beyond the remainder, to another customer's invoice, or in another currency", async () => {
    const customerId = await createCustomer();
    const other = await createCustomer();
    const payment = (await pay(customerId, 1000)).body;
    const mine = await issuedInvoice(customerId);
    const theirs = await issuedInvoice(other);
    const allocate = (allocations: unknown[]) => callJson("POST", `/v1/payments/${payment.id}/allocations`, { body: { allocations } });
    expect((await allocate([{ invoiceId: mine, amount: 1001 }])).body.code).toBe("allocations_exceed_payment");
    expect((await allocate([{ invoiceId: theirs, amount: 100 }])).body.code).toBe("invoice_of_other_customer");
    const usd = (await pay(customerId, 1000, [], "USD")).body;
    const wrong = await callJson("POST", `/v1/payments/${usd.id}/allocations`, { body: { allocations: [{ invoiceId: mine, amount: 100 }] } });
    expect(wrong.body.code).toBe("currency_mismatch");
    expect((await callJson("GET", `/v1/invoices/${mine}`)).body.amountPaid).toBe(0);
  });

  it("lets only one of two racing allocations of the same remainder through", async () => {
    const customerId = await createCustomer();
    const payment = (await pay(customerId, 10000)).body;
    const a = await issuedInvoice(customerId);
    const b = await issuedInvoice(customerId);
    const results = await Promise.all([a, b].map((invoiceId) => callJson("POST", `/v1/payments/${payment.id}/allocations`, { body: { allocations: [{ invoiceId, amount: 8000 }] } })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.find((r) => r.status !== 200)!.status).toBe(409);
    expect((await callJson("GET", `/v1/payments/${payment.id}`)).body.unallocatedAmount).toBe(2000);
    await assertReconciles(customerId);
  });

  it("turns an overpayment into credit", async () => {
    const customerId = await createCustomer();
    const invoiceId = await issuedInvoice(customerId);
    const res = await pay(customerId, 15000, [{ invoiceId, amount: 12100 }]);
    expect(res.status).toBe(201);
    expect(await balanceOf(customerId)).toMatchObject({ openBalance: 0, creditBalance: 2900, paid: 15000 });
    await assertReconciles(customerId);
  });

  it("accepts a credit note on a paid invoice and turns it into credit that can be applied to another invoice", async () => {
    const customerId = await createCustomer();
    const paidInvoice = await issuedInvoice(customerId);
    await pay(customerId, 12100, [{ invoiceId: paidInvoice, amount: 12100 }]);
    const note = await callJson("POST", "/v1/credit-notes", { body: { invoiceId: paidInvoice, reason: "refund a visit", lines: [{ description: "Visit", quantity: 1, unitPrice: 5000 }] } });
    expect(note.status).toBe(201);
    expect(note.body.total).toBe(6050);
    expect((await callJson("GET", `/v1/invoices/${paidInvoice}`)).body).toMatchObject({ status: "paid", amountPaid: 12100, amountCredited: 0 });
    expect(await balanceOf(customerId)).toMatchObject({ creditBalance: 6050, credited: 6050 });

    const next = await issuedInvoice(customerId, 20000); // 24200
    const tooMuch = await callJson("POST", `/v1/customers/${customerId}/credit/applications`, { body: { invoiceId: next, amount: 6051 } });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.code).toBe("exceeds_customer_credit");
    const applied = await callJson("POST", `/v1/customers/${customerId}/credit/applications`, { body: { invoiceId: next, amount: 6050 } });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ id: next, status: "partially_paid", amountCredited: 6050, balanceDue: 18150 });
    expect(await balanceOf(customerId)).toMatchObject({ creditBalance: 0, openBalance: 18150 });
    await assertReconciles(customerId);
  });

  it("records refunds out of credit and refuses an over-refund, even when racing", async () => {
    const customerId = await createCustomer();
    await pay(customerId, 10000);
    const refund = (amount: number, currency = "EUR") => callJson("POST", "/v1/refunds", { body: { customerId, currency, amount, method: "bank_transfer", reference: "RF-1" } });
    const over = await refund(10001);
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({ code: "refund_exceeds_credit", errors: [{ field: "amount" }] });
    expect((await refund(100, "USD")).body.code).toBe("refund_exceeds_credit");

    const ok = await refund(4000);
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ customerId, currency: "EUR", amount: 4000, method: "bank_transfer" });
    expect(ok.headers.get("location")).toBe(`/v1/refunds/${ok.body.id}`);
    expect((await callJson("GET", `/v1/refunds/${ok.body.id}`)).body.amount).toBe(4000);
    const event = await env.DB.prepare("SELECT aggregate_version, actor FROM outbox_events WHERE type = 'refund.recorded' AND aggregate_id = ?").bind(ok.body.id).first<any>();
    expect(event).toEqual({ aggregate_version: 1, actor: "api_key:key_a_rw" });

    const racing = await Promise.all([refund(3500), refund(3500), refund(3500)]);
    expect(racing.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of racing.filter((r) => r.status !== 201)) expect([409, 422]).toContain(r.status);
    expect(await balanceOf(customerId)).toMatchObject({ creditBalance: 2500, refunded: 7500 });
    await assertReconciles(customerId);
  });

  it("does not let a refunded remainder be allocated again", async () => {
    const customerId = await createCustomer();
    const payment = (await pay(customerId, 10000)).body;
    await callJson("POST", "/v1/refunds", { body: { customerId, currency: "EUR", amount: 10000 } });
    const invoiceId = await issuedInvoice(customerId);
    const res = await callJson("POST", `/v1/payments/${payment.id}/allocations`, { body: { allocations: [{ invoiceId, amount: 5000 }] } });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("exceeds_customer_credit");
    await assertReconciles(customerId);
  });

  it("reconciles after a random-ish sequence of operations", async () => {
    const customerId = await createCustomer();
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const invoices: string[] = [];
    const payments: string[] = [];
    for (let step = 0; step < 30; step++) {
      const op = next(6);
      if (op === 0 || invoices.length === 0) invoices.push(await issuedInvoice(customerId, 1000 + next(9000)));
      else if (op === 1) payments.push((await pay(customerId, 1 + next(15000))).body.id);
      else if (op === 2) {
        const invoiceId = invoices[next(invoices.length)]!;
        await pay(customerId, 1 + next(20000), [{ invoiceId, amount: 1 + next(5000) }]);
      } else if (op === 3 && payments.length > 0) {
        await callJson("POST", `/v1/payments/${payments[next(payments.length)]}/allocations`, { body: { allocations: [{ invoiceId: invoices[next(invoices.length)], amount: 1 + next(6000) }] } });
      } else if (op === 4) {
        await callJson("POST", "/v1/credit-notes", { body: { invoiceId: invoices[next(invoices.length)], reason: "r", lines: [{ description: "c", quantity: 1, unitPrice: 1 + next(3000) }] } });
      } else {
        const kind = next(2);
        if (kind === 0) await callJson("POST", "/v1/refunds", { body: { customerId, currency: "EUR", amount: 1 + next(4000) } });
        else await callJson("POST", `/v1/customers/${customerId}/credit/applications`, { body: { invoiceId: invoices[next(invoices.length)], amount: 1 + next(4000) } });
      }
      // Refused operations (over-allocation, over-credit, over-refund) must leave no trace either.
      await assertReconciles(customerId);
    }
    const balance = await balanceOf(customerId);
    expect(balance.invoiced).toBeGreaterThan(0);
  });

  it("allocates a remainder to 50 invoices in one call (the maximum), within D1's parameter limit", async () => {
    const customerId = await createCustomer();
    const payment = (await pay(customerId, 50 * 1210 + 7)).body;
    const invoiceIds: string[] = [];
    for (let i = 0; i < 50; i++) invoiceIds.push(await issuedInvoice(customerId, 1000)); // 1210 each
    const res = await callJson("POST", `/v1/payments/${payment.id}/allocations`, { body: { allocations: invoiceIds.map((invoiceId) => ({ invoiceId, amount: 1210 })) } });
    expect(res.status).toBe(200);
    expect(res.body.allocations).toHaveLength(50);
    expect(res.body.unallocatedAmount).toBe(7);
    const tooMany = await callJson("POST", `/v1/payments/${payment.id}/allocations`, { body: { allocations: [...invoiceIds, invoiceIds[0]].map((invoiceId) => ({ invoiceId, amount: 1 })) } });
    expect(tooMany.status).toBe(400);
    expect(await balanceOf(customerId)).toMatchObject({ openBalance: 0, creditBalance: 7 });
  });

  it("lets racing credit applications spend the credit once", async () => {
    const customerId = await createCustomer();
    await pay(customerId, 5000);
    const a = await issuedInvoice(customerId);
    const b = await issuedInvoice(customerId);
    const results = await Promise.all([a, b].map((invoiceId) => callJson("POST", `/v1/customers/${customerId}/credit/applications`, { body: { invoiceId, amount: 4000 } })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.find((r) => r.status !== 200)!.body.code).toBe("customer_credit_exhausted");
    expect(await balanceOf(customerId)).toMatchObject({ creditBalance: 1000 });
    await assertReconciles(customerId);
  });

  it("answers 404 for another franchise's customer balance", async () => {
    const customerId = await createCustomer();
    const { B } = await import("./fixtures.ts");
    expect((await callJson("GET", `/v1/customers/${customerId}/balance`, { key: B.key })).status).toBe(404);
    expect((await callJson("GET", `/v1/customers/${customerId}/balance`, { key: A.readOnlyKey })).status).toBe(200);
  });
});
