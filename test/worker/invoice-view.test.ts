// The hot invoice read (workers/db/invoices.ts getInvoiceView) has two paths: fixed SQL text for
// callers without a branch scope, drizzle's query builder for branch managers. Both must give the
// same invoice, lines (in order) and branch timezone, and both stay inside the franchise. The
// fixed-SQL path carries the lines as a JSON array inside one row, so order and values are checked
// beyond the two-line case.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../../workers/db/client.ts";
import { getInvoiceView } from "../../workers/db/invoices.ts";
import { A, B, callJson, createCustomer, createDraft, seedFixtures } from "./fixtures.ts";

let issuedId = "";
let draftId = "";

beforeAll(async () => {
  await seedFixtures();
  const customerId = await createCustomer();
  const draft = await createDraft(customerId, {
    memo: "two lines, one discounted",
    lines: [
      { description: "Office cleaning, January", quantity: 10, unitPrice: 2500, serviceTypeId: A.cleaning },
      { description: "Window cleaning", quantity: 1.5, unitPrice: 4000, discountPercent: 10 },
    ],
  });
  draftId = (await createDraft(customerId)).id;
  const issued = await callJson("POST", `/v1/invoices/${draft.id}/issue`, { key: A.key });
  expect(issued.status).toBe(200);
  issuedId = draft.id;
});

describe("getInvoiceView: the unscoped fixed-SQL path equals the scoped drizzle path", () => {
  it("for an issued invoice (snapshots, numbers, two lines) and a draft (nulls)", async () => {
    const db = database(env.DB);
    for (const id of [issuedId, draftId]) {
      const unscoped = await getInvoiceView(db, A.franchiseId, id, null);
      const scoped = await getInvoiceView(db, A.franchiseId, id, [A.madrid, A.newYork]);
      expect(unscoped).toBeDefined();
      expect(unscoped).toEqual(scoped);
      expect(unscoped!.branchTimezone).toBe("Europe/Madrid");
    }
    const issued = (await getInvoiceView(db, A.franchiseId, issuedId, null))!;
    expect(issued.lines.map((l) => l.position)).toEqual([1, 2]);
    expect(issued.invoice.number).toMatch(/\S/);
    expect(typeof issued.invoice.total).toBe("number");
    expect(issued.invoice.seller).toContain("{");
    const draft = (await getInvoiceView(db, A.franchiseId, draftId, null))!;
    expect(draft.invoice.number).toBeNull();
    expect(draft.invoice.seq).toBeNull();
  });

  it("finds nothing for a missing id, another franchise's invoice, or outside the branch scope", async () => {
    const db = database(env.DB);
    expect(await getInvoiceView(db, A.franchiseId, "inv_00000000000000000000000000", null)).toBeUndefined();
    expect(await getInvoiceView(db, B.franchiseId, issuedId, null)).toBeUndefined();
    expect(await getInvoiceView(db, A.franchiseId, issuedId, [A.newYork])).toBeUndefined();
  });

  it("keeps twelve lines in position order (10 after 9, not after 1) with their exact amounts", async () => {
    const customerId = await createCustomer();
    const lines = Array.from({ length: 12 }, (_, i) => ({ description: `Visit ${i + 1}`, quantity: 1, unitPrice: 1000 + i }));
    const draft = await createDraft(customerId, { lines });
    const db = database(env.DB);
    const unscoped = (await getInvoiceView(db, A.franchiseId, draft.id, null))!;
    expect(unscoped).toEqual(await getInvoiceView(db, A.franchiseId, draft.id, [A.madrid, A.newYork]));
    expect(unscoped.lines.map((l) => l.position)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(unscoped.lines.map((l) => l.description)).toEqual(lines.map((l) => l.description));
    expect(unscoped.lines.map((l) => l.unitPrice)).toEqual(lines.map((l) => l.unitPrice));
  });
});
