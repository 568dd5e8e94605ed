// Staff work escalations: the default assignee (the branch's manager, else the collections
// assignee), assign/reassign, acknowledge (assignee only), resolve (final), ?assignee=me, each
// action in the customer's history and as an outbox event with actor and time; franchise- and
// branch-scoped, viewers read-only, a concurrent action refused instead of lost.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { customerDunningStub } from "../../durable-objects/customer-dunning.ts";
import { runBatch } from "../../workers/db/batch.ts";
import { database } from "../../workers/db/client.ts";
import { escalationWorkWrite } from "../../workers/db/dunning-escalations.ts";
import { franchiseDatabase } from "../../workers/db/resolver.ts";
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

async function escalated(name: string, branchId: string, currency: string): Promise<{ customerId: string; escalationId: string }> {
  const customerId = await createCustomer({ name, language: "en", channels: { email: { address: `${name.replace(/\W/g, "")}@work.example`, consent: "granted" } } });
  const draft = await createDraft(customerId, { branchId, currency, issueDate: addDays(today(), -61), dueInDays: 30 });
  expect((await callJson("POST", `/v1/invoices/${draft.id}/issue`)).status).toBe(200);
  await customerDunningStub(env, A.franchiseId, customerId).wake(A.franchiseId, customerId, `${today()}T12:00:00.000Z`, { enqueue: false });
  const list = await callJson("GET", `/v1/dunning/escalations?customerId=${customerId}`);
  expect(list.body.data).toHaveLength(1);
  return { customerId, escalationId: list.body.data[0].id };
}

let madrid: { customerId: string; escalationId: string };
let newYork: { customerId: string; escalationId: string };
let manager: string;
let finance: string;
let admin: string;
let viewer: string;

beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  expect((await callJson("POST", "/v1/dunning/cadences", { body: ESCALATING })).status).toBe(201);
  madrid = await escalated("Madrid Debtor", A.madrid, "EUR");
  newYork = await escalated("Brooklyn Debtor", A.newYork, "USD");
  [manager, finance, admin, viewer] = await Promise.all([login(STAFF.aManager.email), login(STAFF.aFinance.email), login(STAFF.aAdmin.email), login(STAFF.aStaff.email)]);
  // Four PBKDF2 logins and two DO runs: minutes on a loaded machine.
}, 180_000);

const get = async (id: string, key?: string) => callJson("GET", `/v1/dunning/escalations/${id}`, key ? { key } : {});
const act = (id: string, action: string, key: string, body?: unknown) => callJson("POST", `/v1/dunning/escalations/${id}/${action}`, { key, ...(body === undefined ? {} : { body }) });

describe("default assignee", () => {
  it("is the branch's manager for a branch-manager escalation, else the configured collections assignee", async () => {
    expect((await get(madrid.escalationId)).body).toMatchObject({ status: "open", version: 0, assignee: { id: STAFF.aManager.id } });
    // New York has no branch manager and no collections assignee is set yet.
    expect((await get(newYork.escalationId)).body).toMatchObject({ status: "open", assignee: null });
    expect((await callJson("GET", "/v1/dunning/escalations?assignee=unassigned")).body.data.map((e: any) => e.id)).toEqual([newYork.escalationId]);

    expect((await callJson("GET", "/v1/dunning/escalation-settings")).body).toMatchObject({ collectionsAssigneeId: null });
    const set = await callJson("PUT", "/v1/dunning/escalation-settings", { key: admin, body: { collectionsAssigneeId: STAFF.aFinance.id } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ collectionsAssigneeId: STAFF.aFinance.id, updatedBy: `staff:${STAFF.aAdmin.id}` });
    expect((await get(newYork.escalationId)).body.assignee).toEqual({ id: STAFF.aFinance.id, name: STAFF.aFinance.email });
    expect((await get(madrid.escalationId)).body.assignee.id).toBe(STAFF.aManager.id);
  });

  it("refuses a collections assignee who is a viewer, a branch manager, unknown or another franchise's, naming the field", async () => {
    for (const id of [STAFF.aStaff.id, STAFF.aManager.id, "usr_00000000000000000000000zz9", STAFF.bAdmin.id]) {
      const res = await callJson("PUT", "/v1/dunning/escalation-settings", { key: admin, body: { collectionsAssigneeId: id } });
      expect(res.status).toBe(422);
      expect(JSON.stringify(res.body)).toContain("collectionsAssigneeId");
    }
    expect((await callJson("PUT", "/v1/dunning/escalation-settings", { key: viewer, body: { collectionsAssigneeId: null } })).status).toBe(403);
    expect((await callJson("GET", "/v1/dunning/escalation-settings")).body.collectionsAssigneeId).toBe(STAFF.aFinance.id);
  });

  it("?assignee=me is each staff user's own queue; an API key has no 'me'", async () => {
    const mine = async (key: string) => (await callJson("GET", "/v1/dunning/escalations?assignee=me", { key })).body.data.map((e: any) => e.id);
    expect(await mine(manager)).toEqual([madrid.escalationId]);
    expect(await mine(finance)).toEqual([newYork.escalationId]);
    expect(await mine(admin)).toEqual([]);
    expect((await callJson("GET", `/v1/dunning/escalations?assignee=${STAFF.aFinance.id}`)).body.data.map((e: any) => e.id)).toEqual([newYork.escalationId]);
    const key = await callJson("GET", "/v1/dunning/escalations?assignee=me", { key: A.key });
    expect(key.status).toBe(422);
    expect(JSON.stringify(key.body)).toContain("assignee");
    expect((await callJson("GET", "/v1/dunning/escalations?assignee=someone")).status).toBe(400);
  });
});

describe("working an escalation", () => {
  it("assign, acknowledge (assignee only), reassign (reopens), resolve (final), each with actor and time", async () => {
    const id = madrid.escalationId;
    // Only the assignee acknowledges.
    const notMine = await act(id, "acknowledge", finance);
    expect(notMine.status).toBe(409);
    expect(notMine.body.code).toBe("escalation_not_assignee");
    const ack = await act(id, "acknowledge", manager);
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: "acknowledged", version: 1, acknowledgedBy: `staff:${STAFF.aManager.id}` });
    expect(Date.parse(ack.body.acknowledgedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await act(id, "acknowledge", manager)).body.code).toBe("escalation_already_acknowledged");

    const reassigned = await act(id, "assign", admin, { assigneeId: STAFF.aFinance.id });
    expect(reassigned.status).toBe(200);
    expect(reassigned.body).toMatchObject({ status: "open", version: 2, assignee: { id: STAFF.aFinance.id }, assignedBy: `staff:${STAFF.aAdmin.id}`, acknowledgedAt: null });
    expect((await act(id, "assign", admin, { assigneeId: STAFF.aFinance.id })).body.code).toBe("escalation_already_assigned");
    expect((await act(id, "acknowledge", finance)).body).toMatchObject({ status: "acknowledged", acknowledgedBy: `staff:${STAFF.aFinance.id}` });

    expect((await act(id, "resolve", admin, { resolution: "  " })).status).toBe(400);
    const resolved = await act(id, "resolve", finance, { resolution: "paid by bank transfer, ref 4411" });
    expect(resolved.body).toMatchObject({ status: "resolved", version: 4, resolvedBy: `staff:${STAFF.aFinance.id}`, resolution: "paid by bank transfer, ref 4411" });
    for (const [action, body] of [["assign", { assigneeId: STAFF.aAdmin.id }], ["acknowledge", undefined], ["resolve", { resolution: "again" }]] as const) {
      const again = await act(id, action, admin, body);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe("escalation_resolved");
    }
    expect((await callJson("GET", "/v1/dunning/escalations?status=resolved")).body.data.map((e: any) => e.id)).toEqual([id]);
    expect((await callJson("GET", "/v1/dunning/escalations?status=open")).body.data.map((e: any) => e.id)).toEqual([newYork.escalationId]);

    // The customer's history and the outbox (which feeds the audit log) have every step, in order, with its actor.
    const history = (await callJson("GET", `/v1/customers/${madrid.customerId}/communications?limit=200`)).body.data.filter((r: any) => r.kind.startsWith("escalation_"));
    expect(history.map((r: any) => [r.kind, r.actor]).reverse()).toEqual([
      ["escalation_acknowledged", `staff:${STAFF.aManager.id}`],
      ["escalation_assigned", `staff:${STAFF.aAdmin.id}`],
      ["escalation_acknowledged", `staff:${STAFF.aFinance.id}`],
      ["escalation_resolved", `staff:${STAFF.aFinance.id}`],
    ]);
    const events = await env.DB.prepare("SELECT type, actor, aggregate_version AS v, payload FROM outbox_events WHERE aggregate_type = 'escalation' AND aggregate_id = ? ORDER BY seq").bind(id).all<any>();
    expect(events.results.map((e) => [e.type, e.actor, e.v])).toEqual([
      ["escalation.acknowledged", `staff:${STAFF.aManager.id}`, 1],
      ["escalation.assigned", `staff:${STAFF.aAdmin.id}`, 2],
      ["escalation.acknowledged", `staff:${STAFF.aFinance.id}`, 3],
      ["escalation.resolved", `staff:${STAFF.aFinance.id}`, 4],
    ]);
    expect(JSON.parse(events.results[1].payload).escalation).toMatchObject({ id, customerId: madrid.customerId, assigneeId: STAFF.aFinance.id, previousAssigneeId: STAFF.aManager.id, status: "open" });
  });

  it("refuses an assignee who cannot work it: a viewer, another branch's manager, unknown, another franchise's", async () => {
    const before = await get(newYork.escalationId);
    for (const assigneeId of [STAFF.aStaff.id, STAFF.aManager.id, "usr_00000000000000000000000zz9", STAFF.bAdmin.id]) {
      const res = await act(newYork.escalationId, "assign", admin, { assigneeId });
      expect(res.status).toBe(422);
      expect(JSON.stringify(res.body)).toContain("assigneeId");
    }
    expect((await act(newYork.escalationId, "assign", admin, { assigneeId: "nobody" })).status).toBe(400);
    expect((await get(newYork.escalationId)).body).toEqual(before.body);
  });

  it("is scoped: another franchise and another branch's manager get 404, viewers and read-only keys 403, nothing written", async () => {
    const count = async () => (await env.DB.prepare("SELECT (SELECT count(*) FROM communications) + (SELECT count(*) FROM outbox_events) + (SELECT count(*) FROM dunning_escalation_work) AS n").first<{ n: number }>())!.n;
    const before = await count();
    const id = newYork.escalationId;
    expect((await get(id, B.key)).status).toBe(404);
    expect((await act(id, "resolve", B.key, { resolution: "x" })).status).toBe(404);
    expect((await get(id, manager)).status).toBe(404);
    expect((await act(id, "assign", manager, { assigneeId: STAFF.aManager.id })).status).toBe(404);
    expect((await get(id, viewer)).status).toBe(200);
    expect((await act(id, "resolve", viewer, { resolution: "x" })).status).toBe(403);
    expect((await act(id, "acknowledge", A.readOnlyKey)).status).toBe(403);
    expect((await get("com_00000000000000000000000000")).status).toBe(404);
    expect(await count()).toBe(before);
  });

  it("an action decided on a stale read is refused by the batch, writing nothing (no lost update)", async () => {
    const id = newYork.escalationId;
    const stale = (await get(id)).body;
    expect((await act(id, "assign", admin, { assigneeId: STAFF.aAdmin.id })).status).toBe(200);
    // What a concurrent request that read version `stale.version` would write.
    const db = database(franchiseDatabase(env, A.franchiseId));
    const work = { status: "resolved" as const, assigneeId: STAFF.aFinance.id, version: stale.version + 1, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: "2026-01-01T00:00:00.000Z", resolvedBy: "staff:x", resolution: "lost?" };
    await expect(runBatch(db, escalationWorkWrite(db, A.franchiseId, id, stale.version, work, null, "2026-01-01T00:00:00.000Z"))).rejects.toThrow(/batch_assertion_failed/);
    expect((await get(id)).body).toMatchObject({ status: "open", version: stale.version + 1, assignee: { id: STAFF.aAdmin.id }, resolution: null });
  });
});
