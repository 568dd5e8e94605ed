// Gapless per-branch numbering under concurrency, through the real InvoiceSequence DO.
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { A, callJson, createCustomer, createDraft, seedFixtures } from "./fixtures.ts";
import type { InvoiceSequence } from "../../durable-objects/invoice-sequence.ts";
import { SerialLock } from "../../durable-objects/serial-lock.ts";

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

describe("InvoiceSequence against a counter that drifted from D1", () => {
  const stub = () => env.INVOICE_SEQUENCE.getByName(A.madrid);
  const d1Head = async (table: "invoices" | "credit_notes") =>
    (await env.DB.prepare(`SELECT COALESCE(MAX(seq), 0) AS s FROM ${table} WHERE branch_id = ?`).bind(A.madrid).first<{ s: number }>())!.s;
  const setCounter = (series: string, lastSeq: number) =>
    runInDurableObject(stub(), async (_i: InvoiceSequence, state) => {
      state.storage.sql.exec("UPDATE series SET last_seq = ? WHERE series = ?", lastSeq, series);
    });
  const issueOne = async () => {
    const draft = await createDraft(customerId);
    const res = await callJson("POST", `/v1/invoices/${draft.id}/issue`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return seqOf(res.body.number);
  };

  it("skips no number when the counter is ahead of D1, and says so at error level", async () => {
    await issueOne(); // the DO has a head row for the series
    const before = await d1Head("invoices");
    await setCounter("invoice", before + 5);
    const errors = vi.spyOn(console, "error");
    try {
      expect(await issueOne()).toBe(before + 1);
      const logged = errors.mock.calls.map((c) => String(c[0])).find((l) => l.includes("drifted"));
      expect(logged).toBeDefined();
      expect(JSON.parse(logged!)).toMatchObject({ level: "error", branchId: A.madrid, series: "invoice", counterLastSeq: before + 5, d1LastSeq: before });
    } finally {
      errors.mockRestore();
    }
    expect((await stub().head("invoice", A.franchiseId, A.madrid)).lastSeq).toBe(before + 1);
  });

  it("reuses no number when the counter is behind D1", async () => {
    await issueOne();
    await issueOne();
    const before = await d1Head("invoices");
    await setCounter("invoice", before - 2);
    expect(await issueOne()).toBe(before + 1);
    expect(await issueOne()).toBe(before + 2);
  });

  it("guards the credit-note series the same way", async () => {
    const draft = await createDraft(customerId);
    await callJson("POST", `/v1/invoices/${draft.id}/issue`);
    const credit = () => callJson("POST", "/v1/credit-notes", { body: { invoiceId: draft.id, reason: "goodwill", lines: [{ description: "x", quantity: 1, unitPrice: 100 }] } });
    expect((await credit()).status).toBe(201);
    const before = await d1Head("credit_notes");
    await setCounter("credit_note", before + 3);
    const ahead = await credit();
    expect(ahead.status, JSON.stringify(ahead.body)).toBe(201);
    expect(seqOf(ahead.body.number)).toBe(before + 1);
    await setCounter("credit_note", before - 1);
    const behind = await credit();
    expect(behind.status, JSON.stringify(behind.body)).toBe(201);
    expect(seqOf(behind.body.number)).toBe(before + 2);
  });

  it("lets the branch go on when one call hangs past the lock timeout, and the late call cannot corrupt the series", async () => {
    let releaseHung!: () => void;
    const gate = new Promise<void>((r) => (releaseHung = r));
    await runInDurableObject(stub(), async (instance: InvoiceSequence) => {
      const anyInstance = instance as any;
      anyInstance.lock = new SerialLock(200);
      const realWrite = anyInstance.writeBatch.bind(instance);
      let calls = 0;
      // The first D1 write hangs until released; later ones go straight through.
      anyInstance.writeBatch = async (...args: unknown[]) => {
        if (++calls === 1) await gate;
        return realWrite(...args);
      };
    });
    const before = await d1Head("invoices");
    const [hungDraft, nextDraft] = [await createDraft(customerId), await createDraft(customerId)];
    const hung = callJson("POST", `/v1/invoices/${hungDraft.id}/issue`);
    await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    const next = await callJson("POST", `/v1/invoices/${nextDraft.id}/issue`);
    expect(next.status, JSON.stringify(next.body)).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(seqOf(next.body.number)).toBe(before + 1);
    releaseHung();
    const late = await hung;
    expect(late.status, JSON.stringify(late.body)).toBe(200);
    expect(seqOf(late.body.number)).toBe(before + 2);
    const seqs = (await env.DB.prepare("SELECT seq FROM invoices WHERE branch_id = ? AND seq IS NOT NULL ORDER BY seq").bind(A.madrid).all<{ seq: number }>()).results.map((r) => r.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    await runInDurableObject(stub(), async (instance: InvoiceSequence) => {
      (instance as any).lock = new SerialLock(10_000);
    });
  });

  it("stays gapless under concurrency after a drift", async () => {
    const before = await d1Head("invoices");
    await setCounter("invoice", before + 7);
    const drafts = await Promise.all(Array.from({ length: 12 }, () => createDraft(customerId)));
    const issued = await Promise.all(drafts.map((d) => callJson("POST", `/v1/invoices/${d.id}/issue`)));
    for (const r of issued) expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(issued.map((r) => seqOf(r.body.number)).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => before + 1 + i));
  });
});
