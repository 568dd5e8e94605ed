// The CustomerDunning DO's storage: its whole state is one small value in the built-in key-value
// table (no tables of its own), a DO that still has the earlier handled/meta tables keeps what
// they say (a key it handled there is not enqueued again), and a customer with nothing owed
// leaves a new DO's storage empty.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { customerDunningStub } from "../../durable-objects/customer-dunning.ts";
import { addDays } from "../../workers/domain/dates.ts";
import { idempotencyKey } from "../../workers/domain/dunning/planner.ts";
import type { DunningDoState } from "../../workers/dunning/do-state.ts";
import { CADENCE, overdueInvoice, today } from "./dunning-fixtures.ts";
import { A, callJson, createCustomer, seedFixtures } from "./fixtures.ts";

beforeAll(async () => {
  await seedFixtures();
  await callJson("POST", "/v1/dunning/cadences", { body: CADENCE });
});

const tablesOf = (ctx: DurableObjectState) => ctx.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").toArray().map((r) => r.name);

describe("CustomerDunning storage", () => {
  it("keeps one small value and no tables of its own; a repeated wake enqueues nothing more", async () => {
    const customerId = await createCustomer({ name: "State One", language: "en", channels: { email: { address: `state-${Date.now()}@example.es`, consent: "granted" } } });
    const invoice = await overdueInvoice(customerId, 1);
    const stub = customerDunningStub(env, A.franchiseId, customerId);
    const at = `${addDays(today(), 0)}T12:00:00.000Z`;
    const run = await stub.wake(A.franchiseId, customerId, at, { enqueue: false });
    expect(run.enqueued.map((m) => m.key)).toEqual([idempotencyKey(customerId, "d1", addDays(invoice.dueDate, 1))]);
    const state = await runInDurableObject(stub, async (_instance, ctx) => ({ tables: tablesOf(ctx), state: ctx.storage.kv.get<DunningDoState>("state"), keys: [...ctx.storage.kv.list()].map(([k]) => k) }));
    expect(state.tables).toEqual([]);
    expect(state.keys).toEqual(["state"]);
    expect(state.state).toMatchObject({ franchiseId: A.franchiseId, customerId, cadence: { version: 1 } });
    expect(Object.keys(state.state!.handled)).toEqual([`${run.enqueued[0]!.key}:send`]);
    expect(JSON.stringify(state.state).length).toBeLessThan(1_000);
    // Re-run at the same instant: nothing more to enqueue.
    expect((await stub.wake(A.franchiseId, customerId, at, { enqueue: false })).enqueued).toEqual([]);
  });

  it("honours what a DO recorded in the earlier handled/meta tables", async () => {
    const customerId = await createCustomer({ name: "State Legacy", language: "en", channels: { email: { address: `legacy-${Date.now()}@example.es`, consent: "granted" } } });
    const invoice = await overdueInvoice(customerId, 1);
    const key = idempotencyKey(customerId, "d1", addDays(invoice.dueDate, 1));
    const at = `${today()}T12:00:00.000Z`;
    const stub = customerDunningStub(env, A.franchiseId, customerId);
    const cadenceId = (await env.DB.prepare("SELECT id FROM dunning_cadences WHERE franchise_id = ? AND name = 'Standard'").bind(A.franchiseId).first<{ id: string }>())!.id;
    await runInDurableObject(stub, async (_instance, ctx) => {
      ctx.storage.sql.exec("CREATE TABLE handled (key TEXT PRIMARY KEY, at TEXT NOT NULL); CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
      ctx.storage.sql.exec("INSERT INTO handled (key, at) VALUES (?, ?)", `${key}:send`, at);
      for (const [k, v] of [["franchiseId", A.franchiseId], ["customerId", customerId], ["cadence", JSON.stringify({ cadenceId, version: 1 })]]) ctx.storage.sql.exec("INSERT INTO meta (k, v) VALUES (?, ?)", k, v);
    });
    expect((await stub.wake(A.franchiseId, customerId, at, { enqueue: false })).enqueued).toEqual([]);
    const state = await runInDurableObject(stub, async (_instance, ctx) => ctx.storage.kv.get<DunningDoState>("state"));
    expect(state?.handled[`${key}:send`]).toBe(at);
    expect(state?.cadence).toEqual({ cadenceId, version: 1 });
  });

  it("writes nothing for a customer with nothing owed", async () => {
    const customerId = await createCustomer({ name: "State None", language: "en", channels: { email: { address: `none-${Date.now()}@example.es`, consent: "granted" } } });
    const stub = customerDunningStub(env, A.franchiseId, customerId);
    const run = await stub.wake(A.franchiseId, customerId, `${today()}T12:00:00.000Z`, { enqueue: false });
    expect(run).toMatchObject({ enqueued: [], cadence: null, nextAt: null });
    const stored = await runInDurableObject(stub, async (_instance, ctx) => ({ keys: [...ctx.storage.kv.list()].length, tables: tablesOf(ctx), alarm: await ctx.storage.getAlarm() }));
    expect(stored).toEqual({ keys: 0, tables: [], alarm: null });
  });
});
