// GET /v1/invoices?q=: an invoice number (exact or prefix, any case) or part of the customer's
// name, within the caller's franchise and branches, paged by the same cursor as the plain list.
import { beforeAll, describe, expect, it } from "vitest";
import { A, B, callJson, createCustomer, createDraft, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

let lucia: string;
let nyInvoice: { id: string; number: string };
let madridNumbers: string[];

async function issue(id: string): Promise<{ id: string; number: string }> {
  const res = await callJson("POST", `/v1/invoices/${id}/issue`);
  expect(res.status).toBe(200);
  return { id, number: res.body.number };
}

async function search(q: string, opts: { key?: string; extra?: string } = {}) {
  return callJson("GET", `/v1/invoices?q=${encodeURIComponent(q)}&limit=200${opts.extra ?? ""}`, { key: opts.key ?? A.key });
}

// Several issued invoices and PBKDF2 staff logins: slow on a loaded machine, so past the 10 s hook default.
beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  lucia = await createCustomer({ name: "Lucía Pérez Limpiezas" });
  const other = await createCustomer({ name: "Bodega 50% Norte_Sur" });
  madridNumbers = [];
  for (let i = 0; i < 3; i++) madridNumbers.push((await issue((await createDraft(lucia)).id)).number);
  await issue((await createDraft(other)).id);
  nyInvoice = await issue((await createDraft(lucia, { branchId: A.newYork, currency: "USD" })).id);
  // Franchise B has a customer whose name also matches "Pérez".
  const bCustomer = await createCustomer({ name: "Pérez Fitness Ltd", timezone: "Europe/London", language: "en" }, B.key);
  await createDraft(bCustomer, { branchId: B.london, currency: "GBP", lines: [{ description: "Gym", quantity: 1, unitPrice: 1000 }] }, B.key);
}, 60_000);

describe("search by invoice number", () => {
  it("finds an exact number, and a prefix, in any case", async () => {
    const exact = await search(madridNumbers[1]!);
    expect(exact.status).toBe(200);
    expect(exact.body.data.map((i: any) => i.number)).toEqual([madridNumbers[1]]);

    const prefix = await search(madridNumbers[0]!.slice(0, 6).toLowerCase());
    expect(prefix.body.data.length).toBeGreaterThanOrEqual(4);
    expect(prefix.body.data.every((i: any) => i.number.startsWith("MAD1-"))).toBe(true);
  });

  it("matches the number's start only, and treats LIKE wildcards as text", async () => {
    expect((await search(madridNumbers[0]!.slice(2))).body.data).toEqual([]);
    expect((await search("_AD1")).body.data).toEqual([]);
    // "%" is literal: only the customer whose name holds a "%" matches.
    const percent = await search("50%");
    expect(percent.body.data).toHaveLength(1);
    expect((await search("Bodega_50")).body.data).toEqual([]);
    expect((await search("Norte_Sur")).body.data).toHaveLength(1);
  });
});

describe("search by customer name", () => {
  it("finds a name substring in any (ASCII) case, combined with the other filters", async () => {
    const res = await search("PéREZ LIMP");
    expect(res.body.data.map((i: any) => i.customerId)).toEqual(Array(4).fill(lucia));
    const usd = await search("limpiezas", { extra: `&branchId=${A.newYork}` });
    expect(usd.body.data.map((i: any) => i.id)).toEqual([nyInvoice.id]);
  });

  it("never sees another franchise's customers or invoices", async () => {
    const fromA = await search("Pérez");
    expect(fromA.body.data.every((i: any) => i.customerId === lucia)).toBe(true);
    const fromB = await search("Pérez", { key: B.key });
    expect(fromB.body.data).toHaveLength(1);
    expect(fromB.body.data[0].branchId).toBe(B.london);
    expect((await search(madridNumbers[0]!, { key: B.key })).body.data).toEqual([]);
  });

  it("keeps a branch manager to their branches", async () => {
    const manager = await login(STAFF.aManager.email);
    const res = await search("Limpiezas", { key: manager });
    expect(res.status).toBe(200);
    expect(res.body.data.length).toBe(3);
    expect(res.body.data.every((i: any) => i.branchId === A.madrid)).toBe(true);
    expect((await search(nyInvoice.number, { key: manager })).body.data).toEqual([]);
  });
});

describe("paging a search at the 200 limit", () => {
  it("walks 230 matches in two pages without repeats, skipping non-matches in between", async () => {
    const paws = await createCustomer({ name: "Pagination Paws" });
    const noise = await createCustomer({ name: "Unrelated Noise" });
    const made: string[] = [];
    for (let round = 0; round < 23; round++) {
      const batch = await Promise.all([
        ...Array.from({ length: 10 }, () => createDraft(paws, { lines: [{ description: "Walk", quantity: 1, unitPrice: 100 }] })),
        createDraft(noise, { lines: [{ description: "Other", quantity: 1, unitPrice: 100 }] }),
      ]);
      made.push(...batch.filter((d) => d.customerId === paws).map((d) => d.id));
    }
    const first = await search("pagination paws");
    expect(first.body.data).toHaveLength(200);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await search("pagination paws", { extra: `&cursor=${first.body.nextCursor}` });
    expect(second.body.data).toHaveLength(30);
    expect(second.body.nextCursor).toBeNull();
    const seen = [...first.body.data, ...second.body.data].map((i: any) => i.id);
    expect(new Set(seen).size).toBe(230);
    expect([...seen].sort()).toEqual([...made].sort());
  }, 180_000);
});

describe("a bad q is a 400 naming the field", () => {
  it.each([
    ["too long", "x".repeat(101)],
    ["a control character", "MAD1\u0007"],
    ["a newline", "MAD1\n-0001"],
    ["blank", "   "],
  ])("%s", async (_name, q) => {
    const res = await search(q);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: "q" })]));
  });
});
