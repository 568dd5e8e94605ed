// Gapless per-branch numbering under concurrency, through the real InvoiceSequence DO.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { A, callJson, createCustomer, createDraft, seedFixtures } from "./fixtures.ts";
import type { InvoiceSequence } from "../../durable-objects/invoice-sequence.ts";

let customerId = "";
beforeAll(async () => {
  await seedFixtures();
  customerId = await createCustomer();
});

const seqOf = (number: string) => Number(number.split("-").pop());

describe("InvoiceSequence", () => {
  it("gives concurrent issues on one branch consecutive numbers with no gaps or duplicates", async () => {
    const drafts = await Promise.all(Array.from({ length: 25 }, () => createDraft(customerId)));
    const issued = await Promise.all(drafts.map((d) => callJson("POST", `/v1/invoices/${d.id}/issue`)));
    for (const r of issued) expect(r.status).toBe(200);
    const seqs = issued.map((r) => seqOf(r.body.number)).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 25 }, (_, i) => seqs[0]! + i));
    expect(new Set(issued.map((r) => r.body.number)).size).toBe(25);
  });

  it("keeps separate series per branch and per document kind", async () => {
    const us = await createCustomer({ timezone: "America/New_York", language: "en" });
    const usDraft = await createDraft(us, { branchId: A.newYork, currency: "USD", lines: [{ description: "Lawn care", quantity: 1, unitPrice: 9900 }] });
    const issued = await callJson("POST", `/v1/invoices/${usDraft.id}/issue`);
    expect(issued.body.number).toBe("NYC1-000001");
    expect(issued.body.taxBreakdown).toEqual([{ category: "standard", taxRate: "4", taxableAmount: 9900, taxAmount: 396 }]);
  });

  it("does not consume a number when the write is refused, and rejects a backdated issue", async () => {
    const stub = env.INVOICE_SEQUENCE.getByName(A.madrid);
    const head = await stub.head("invoice", A.franchiseId, A.madrid);
    const backdated = await createDraft(customerId, { issueDate: "2020-01-01" });
    const refused = await callJson("POST", `/v1/invoices/${backdated.id}/issue`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("issue_date_before_last_in_series");
    expect(await stub.head("invoice", A.franchiseId, A.madrid)).toEqual(head);
    const next = await createDraft(customerId);
    const ok = await callJson("POST", `/v1/invoices/${next.id}/issue`);
    expect(seqOf(ok.body.number)).toBe(head.lastSeq + 1);
  });

  it("re-reads the series head from D1 when its own state is lost", async () => {
    const stub = env.INVOICE_SEQUENCE.getByName(A.madrid);
    const head = await stub.head("invoice", A.franchiseId, A.madrid);
    await runInDurableObject(stub, async (_instance: InvoiceSequence, state) => {
      state.storage.sql.exec("DELETE FROM series");
    });
    const draft = await createDraft(customerId);
    const issued = await callJson("POST", `/v1/invoices/${draft.id}/issue`);
    expect(seqOf(issued.body.number)).toBe(head.lastSeq + 1);
  });
});
