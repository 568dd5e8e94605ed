// GET /v1/dunning/escalations: the escalations a real CustomerDunning run records, with who works
// them, scoped by franchise and by a branch manager's branches, paginated at the 200 maximum.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { customerDunningStub } from "../../durable-objects/customer-dunning.ts";
import { addDays } from "../../workers/domain/dates.ts";
import { today } from "./dunning-fixtures.ts";
import { A, B, callJson, createCustomer, createDraft, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

const ESCALATING = {
  name: "Escalating",
  steps: [
    { id: "d1", trigger: { type: "days_after_due", days: 1 }, channels: ["email"], templates: { en: { body: "{{customerName}} owes {{amountDue}}" } } },
    { id: "b31", trigger: { type: "enter_bucket", bucket: "31-60" }, channels: ["email"], templates: { en: { body: "Notice {{invoiceNumbers}}" } }, escalations: ["formal_notice", "notify_branch_manager"] },
  ],
};

/** An issued invoice at `branchId`, 31 days past due today: the b31 step fires today. */
async function invoice31(customerId: string, branchId: string, currency: string) {
  const draft = await createDraft(customerId, { branchId, currency, issueDate: addDays(today(), -61), dueInDays: 30 });
  const issued = await callJson("POST", `/v1/invoices/${draft.id}/issue`);
  if (issued.status !== 200) throw new Error(`not issued: ${JSON.stringify(issued.body)}`);
  return issued.body;
}

let madrid: { customerId: string; invoiceId: string };
let newYork: { customerId: string; invoiceId: string };
let manager: string;

beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  expect((await callJson("POST", "/v1/dunning/cadences", { body: ESCALATING })).status).toBe(201);
  const channels = (n: string) => ({ email: { address: `${n}@escalations.example`, consent: "granted" } });
  const m = await createCustomer({ name: "Madrid Debtor", language: "en", channels: channels("madrid") });
  const n = await createCustomer({ name: "Brooklyn Debtor", language: "en", channels: channels("brooklyn") });
  madrid = { customerId: m, invoiceId: (await invoice31(m, A.madrid, "EUR")).id };
  newYork = { customerId: n, invoiceId: (await invoice31(n, A.newYork, "USD")).id };
  // The DO's run at 12:00Z today (after the 10:00 local send time) records the escalation.
  for (const id of [m, n]) await customerDunningStub(env, A.franchiseId, id).wake(A.franchiseId, id, `${today()}T12:00:00.000Z`, { enqueue: false });
  manager = await login(STAFF.aManager.email);
});

describe("the escalations queue", () => {
  it("lists what the dunning run escalated, with the customer, branch, actions and desks", async () => {
    const res = await callJson("GET", "/v1/dunning/escalations");
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    const byCustomer = new Map(res.body.data.map((e: any) => [e.customerId, e]));
    expect(byCustomer.size).toBe(2);
    expect(byCustomer.get(madrid.customerId)).toMatchObject({
      customerName: "Madrid Debtor",
      branchId: A.madrid,
      stepId: "b31",
      cadenceVersion: 1,
      actions: ["formal_notice", "notify_branch_manager"],
      queues: ["branch_manager", "collections"],
      invoiceIds: [madrid.invoiceId],
      actor: "system:dunning",
    });
    expect(byCustomer.get(newYork.customerId)).toMatchObject({ branchId: A.newYork, invoiceIds: [newYork.invoiceId] });
    // A second run of the same alarm records nothing twice.
    await customerDunningStub(env, A.franchiseId, madrid.customerId).wake(A.franchiseId, madrid.customerId, `${today()}T12:00:00.000Z`, { enqueue: false });
    expect((await callJson("GET", "/v1/dunning/escalations")).body.data).toHaveLength(2);
  });

  it("filters by desk, action and customer", async () => {
    expect((await callJson("GET", "/v1/dunning/escalations?queue=collections")).body.data).toHaveLength(2);
    expect((await callJson("GET", "/v1/dunning/escalations?action=service_hold")).body.data).toEqual([]);
    expect((await callJson("GET", "/v1/dunning/escalations?queue=collections&action=notify_branch_manager")).body.data).toEqual([]);
    const one = await callJson("GET", `/v1/dunning/escalations?customerId=${newYork.customerId}&action=formal_notice`);
    expect(one.body.data.map((e: any) => e.customerId)).toEqual([newYork.customerId]);
    expect((await callJson("GET", "/v1/dunning/escalations?queue=legal")).status).toBe(400);
  });

  it("shows a branch manager their branches' escalations only, and another franchise none", async () => {
    const mine = await callJson("GET", "/v1/dunning/escalations", { key: manager });
    expect(mine.status).toBe(200);
    expect(mine.body.data.map((e: any) => e.customerId)).toEqual([madrid.customerId]);
    expect((await callJson("GET", "/v1/dunning/escalations", { key: B.key })).body.data).toEqual([]);
    expect((await callJson("GET", "/v1/dunning/escalations", { key: A.readOnlyKey })).status).toBe(200);
  });

  it("pages a backlog of 450 at the 200 maximum without gaps or repeats, and refuses 201", async () => {
    const stmt = env.DB.prepare("INSERT INTO communications (id, franchise_id, customer_id, kind, invoice_ids, reason, actor, occurred_at) VALUES (?, ?, ?, 'escalation', ?, 'assign_collections', 'system:dunning', ?)");
    const rows = Array.from({ length: 450 }, (_, i) => stmt.bind(`com_0000000000000000000${String(i).padStart(7, "0")}`, A.franchiseId, madrid.customerId, JSON.stringify([madrid.invoiceId]), "2026-01-01T10:00:00.000Z"));
    await env.DB.batch(rows);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await callJson("GET", `/v1/dunning/escalations?queue=collections&limit=200${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(200);
      seen.push(...res.body.data.map((e: any) => e.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(452);
    expect(new Set(seen).size).toBe(452);
    expect([...seen].sort().reverse()).toEqual(seen);
    expect((await callJson("GET", "/v1/dunning/escalations?limit=201")).status).toBe(400);
    // The manager's view of the same backlog: every row is Madrid's.
    const managerPage = await callJson("GET", "/v1/dunning/escalations?limit=200", { key: manager });
    expect(managerPage.body.data.every((e: any) => e.branchId === A.madrid)).toBe(true);
  });
});

describe("the schedule preview is a read", () => {
  it("answers a read-only key and a viewer, writes nothing, while their cadence save is refused", async () => {
    const viewer = await login(STAFF.aStaff.email);
    const count = async () => (await env.DB.prepare("SELECT (SELECT count(*) FROM communications) + (SELECT count(*) FROM dunning_cadence_versions) AS n").first<{ n: number }>())!.n;
    const before = await count();
    const body = { customerId: madrid.customerId, from: today(), to: addDays(today(), 30) };
    for (const key of [A.readOnlyKey, viewer]) {
      const res = await callJson("POST", "/v1/dunning/preview", { key, body });
      expect(res.status).toBe(200);
      expect(res.body.cadence).toMatchObject({ version: 1 });
    }
    const cadence = (await callJson("GET", "/v1/dunning/cadences")).body.data[0];
    const save = await callJson("PUT", `/v1/dunning/cadences/${cadence.id}`, { key: viewer, body: ESCALATING, headers: { "if-match": `"v${cadence.version}"` } });
    expect(save.status).toBe(403);
    expect((await callJson("POST", "/v1/dunning/cadences", { key: A.readOnlyKey, body: ESCALATING })).status).toBe(403);
    expect(await count()).toBe(before);
    // Another franchise still cannot preview A's customer.
    expect((await callJson("POST", "/v1/dunning/preview", { key: B.key, body })).status).toBe(404);
  });
});
