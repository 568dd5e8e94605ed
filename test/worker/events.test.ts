// The event pipeline: per-franchise sequence, complete canonical payloads, a relay that stays
// within D1's and the queue's limits and never re-sends what the queue accepted (except after a
// lease), the fast path after writes, isolated subscribers, dead letters and the ops routes.
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../workers/index.ts";
import { SESSION_TOKEN_PREFIX, sha256Hex } from "../../workers/auth/secrets.ts";
import { database } from "../../workers/db/client.ts";
import { outboxInsert, type DomainEventType } from "../../workers/db/outbox.ts";
import { canonicalJson } from "../../workers/domain/canonical-json.ts";
import type { EventEnvelope } from "../../workers/events/envelope.ts";
import { registerSubscriber, type DeliveredEvent } from "../../workers/events/subscribers.ts";
import { createLogger } from "../../workers/observability/logger.ts";
import { relayFranchise, sweepOutbox, RELAY_LEASE_MS } from "../../queues/outbox-relay.ts";
import { MAX_BATCH_BYTES, MAX_BATCH_MESSAGES, messageBytes } from "../../queues/send-limits.ts";
import { A, B, call, callJson, createCustomer, createDraft, seedFixtures } from "./fixtures.ts";

const logger = createLogger("silent");
const ADMIN_A = `${SESSION_TOKEN_PREFIX}events-test-admin-a-000000000000000000000`;
const CLERK_A = `${SESSION_TOKEN_PREFIX}events-test-clerk-a-000000000000000000000`;
const ADMIN_B = `${SESSION_TOKEN_PREFIX}events-test-admin-b-000000000000000000000`;

/** Franchises used only by the relay tests, so no request's fast path touches their outbox. */
const quiet = (name: string) => `fr_${name.padStart(26, "0")}`;
const QUIET = { one: quiet("quiet1"), two: quiet("quiet2"), big: quiet("quiet3"), lease: quiet("quiet4") };

beforeAll(async () => {
  await seedFixtures();
  const at = "2026-01-01T00:00:00.000Z";
  const statements = [
    env.DB.prepare("INSERT INTO franchises (id, name, created_at) VALUES (?, 'q1', ?), (?, 'q2', ?), (?, 'q3', ?), (?, 'q4', ?)").bind(QUIET.one, at, QUIET.two, at, QUIET.big, at, QUIET.lease, at),
    env.DB.prepare(
      `INSERT INTO staff_users (id, franchise_id, email, name, role, password_hash, created_at) VALUES
       ('usr_a_admin', ?, 'admin@a.example', 'A admin', 'admin', 'x', ?), ('usr_a_clerk', ?, 'clerk@a.example', 'A clerk', 'staff', 'x', ?),
       ('usr_b_admin', ?, 'admin@b.example', 'B admin', 'admin', 'x', ?)`,
    ).bind(A.franchiseId, at, A.franchiseId, at, B.franchiseId, at),
  ];
  for (const [id, user, franchise, token] of [["ses_a_admin", "usr_a_admin", A.franchiseId, ADMIN_A], ["ses_a_clerk", "usr_a_clerk", A.franchiseId, CLERK_A], ["ses_b_admin", "usr_b_admin", B.franchiseId, ADMIN_B]] as const) {
    statements.push(
      env.DB.prepare("INSERT INTO staff_sessions (id, franchise_id, staff_user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, '2999-01-01T00:00:00.000Z')").bind(id, franchise, user, await sha256Hex(token), at),
    );
  }
  await env.DB.batch(statements);
});

const unsubscribe: Array<() => void> = [];
afterEach(() => {
  while (unsubscribe.length > 0) unsubscribe.pop()!();
});

/** Writes `n` pending events for a franchise the way the billing flows do (seq assigned in the batch). */
async function writeEvents(franchiseId: string, n: number, payloadFor: (i: number) => Record<string, unknown> = (i) => ({ i })): Promise<void> {
  const db = database(env.DB);
  const statements = Array.from({ length: n }, (_, i) =>
    outboxInsert(db, { franchiseId, type: "customer.created" satisfies DomainEventType, aggregateType: "customer", aggregateId: `cus_${i}`, aggregateVersion: 1, actor: "system:test", payload: payloadFor(i), occurredAt: new Date().toISOString() }),
  );
  for (let i = 0; i < statements.length; i += 100) await db.batch(statements.slice(i, i + 100) as [(typeof statements)[number]]);
}

async function pendingCount(franchiseId: string): Promise<number> {
  return (await env.DB.prepare("SELECT count(*) AS n FROM outbox_events WHERE franchise_id = ? AND published_at IS NULL").bind(franchiseId).first<{ n: number }>())!.n;
}

/** The real DOMAIN_EVENTS queue, with a record of every sendBatch call. */
function recordingSender(options: { forward?: boolean } = {}) {
  const batches: EventEnvelope[][] = [];
  const send = async (messages: MessageSendRequest<EventEnvelope>[]) => {
    batches.push(messages.map((m) => m.body));
    if (options.forward ?? true) await env.DOMAIN_EVENTS.sendBatch(messages);
  };
  return { batches, send, sent: () => batches.flat() };
}

function envelope(overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  return { eventId: "evt_test_0001", franchiseId: A.franchiseId, seq: 1, type: "invoice.issued", aggregateType: "invoice", aggregateId: "inv_x", aggregateVersion: 2, actor: "api_key:key_a_rw", occurredAt: "2026-01-01T00:00:00.000Z", payload: { invoice: { id: "inv_x" } }, ...overrides };
}

async function deliver(queue: string, messages: Array<{ id: string; attempts: number; body: unknown }>) {
  const batch = createMessageBatch(queue, messages.map((m) => ({ ...m, timestamp: new Date() })));
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

describe("per-franchise sequence", () => {
  it("numbers each franchise's events 1, 2, 3… with no gap, even for concurrent writers and aborted batches", async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => createCustomer({ name: `Concurrent ${i}` })));
    await createCustomer({ name: "Beta one" }, B.key);
    // Two updates racing on one ETag: D1 aborts the loser's batch, outbox row included; it takes no number.
    const id = await createCustomer({ name: "Raced" });
    const etag = (await call("GET", `/v1/customers/${id}`)).headers.get("etag")!;
    const statuses = await Promise.all(["One", "Two", "Three"].map((name) => call("PATCH", `/v1/customers/${id}`, { headers: { "if-match": etag }, body: { name } }).then((r) => r.status)));
    expect(statuses.toSorted()).toEqual([200, 412, 412]);
    await createCustomer({ name: "After the aborted batches" });
    const seqs = async (franchiseId: string) => (await env.DB.prepare("SELECT seq FROM outbox_events WHERE franchise_id = ? ORDER BY seq").bind(franchiseId).all<{ seq: number }>()).results.map((r) => r.seq);
    const a = await seqs(A.franchiseId);
    expect(a).toEqual(Array.from({ length: a.length }, (_, i) => i + 1));
    expect(a.length).toBe(23);
    expect(await seqs(B.franchiseId)).toEqual([1]);
  });
});

describe("payloads", () => {
  it("carry the whole aggregate after the change, as canonical JSON, with actor and version", async () => {
    const customerId = await createCustomer({ name: "Ana Payload", channels: { email: { address: "ana@example.es", consent: "granted" }, sms: { address: "+34600000000", consent: "not_given", optedOut: true } } });
    const draft = await createDraft(customerId, { memo: "January visits" });
    expect((await call("POST", `/v1/invoices/${draft.id}/issue`)).status).toBe(200);
    const pay = await callJson("POST", "/v1/payments", { body: { customerId, currency: "EUR", amount: 1000, method: "card", allocations: [{ invoiceId: draft.id, amount: 1000 }] } });
    expect(pay.status).toBe(201);
    const credit = await callJson("POST", "/v1/credit-notes", { body: { invoiceId: draft.id, reason: "Cancelled visit", lines: [{ description: "Cancelled visit", quantity: 1, unitPrice: 2500 }] } });
    expect(credit.status).toBe(201);
    const current = await call("GET", `/v1/customers/${customerId}`);
    const patched = await call("PATCH", `/v1/customers/${customerId}`, { headers: { "if-match": current.headers.get("etag")! }, body: { name: "Ana Renamed", segment: "smb", channels: { sms: null } } });
    expect(patched.status).toBe(200);
    const other = await createDraft(customerId);
    expect((await call("POST", `/v1/invoices/${other.id}/void`, { body: { reason: "Duplicate" } })).status).toBe(200);

    const { results } = await env.DB.prepare("SELECT type, aggregate_id, aggregate_version, actor, payload FROM outbox_events WHERE aggregate_id IN (?, ?, ?, ?, ?) ORDER BY seq")
      .bind(customerId, draft.id, pay.body.id, credit.body.id, other.id)
      .all<{ type: string; aggregate_id: string; aggregate_version: number; actor: string; payload: string }>();
    expect(results.map((r) => r.type)).toEqual(["customer.created", "invoice.drafted", "invoice.issued", "payment.recorded", "credit_note.issued", "customer.updated", "invoice.drafted", "invoice.voided"]);
    for (const r of results) {
      expect(r.payload).toBe(canonicalJson(JSON.parse(r.payload)));
      expect(r.actor).toBe("api_key:key_a_rw");
    }
    const [created, drafted, issued, paid, credited, updated, , voided] = results.map((r) => ({ ...r, payload: JSON.parse(r.payload) }));

    expect(created!.payload.customer).toMatchObject({ id: customerId, name: "Ana Payload", segment: "smb", status: "active", version: 1 });
    expect(created!.payload.customer.channels.email).toMatchObject({ address: "ana@example.es", consent: "granted", optedOut: false });
    expect(created!.payload.customer.channels.email.consentAt).toEqual(expect.any(String));
    expect(created!.payload.customer.channels.sms).toMatchObject({ consent: "not_given", consentAt: null, optedOut: true, optedOutAt: expect.any(String) });

    expect(drafted!.payload.invoice).toMatchObject({ id: draft.id, status: "draft", number: null, branchId: A.madrid, customerId, currency: "EUR", memo: "January visits", subtotal: 25000, taxTotal: 5250, total: 30250, amountPaid: 0 });
    expect(drafted!.payload.invoice.lines).toEqual([expect.objectContaining({ position: 1, description: "Office cleaning, January", quantityMilli: 10000, unitPrice: 2500, netAmount: 25000, taxCategory: "standard", taxRatePpm: 210000 })]);

    expect(issued!.aggregate_version).toBe(2);
    expect(issued!.payload.invoice).toMatchObject({ id: draft.id, status: "issued", number: expect.stringMatching(/MAD1/), issueDate: expect.any(String), dueDate: expect.any(String), total: 30250, memo: "January visits", version: 2 });
    expect(issued!.payload.invoice.taxBreakdown).toEqual([{ category: "standard", ratePpm: 210000, taxableAmount: 25000, taxAmount: 5250 }]);
    expect(issued!.payload.invoice.lines).toHaveLength(1);

    expect(paid!.payload.payment).toMatchObject({ id: pay.body.id, customerId, currency: "EUR", amount: 1000, method: "card", allocations: [{ invoiceId: draft.id, amount: 1000 }] });
    expect(credited!.payload.creditNote).toMatchObject({ id: credit.body.id, invoiceId: draft.id, number: expect.any(String), reason: "Cancelled visit", total: 3025, lines: [expect.objectContaining({ description: "Cancelled visit", netAmount: 2500, taxRatePpm: 210000 })] });

    expect(updated!.aggregate_version).toBe(2);
    expect(updated!.payload.changedFields).toEqual(["channels.sms", "name"]);
    expect(updated!.payload.customer).toMatchObject({ name: "Ana Renamed", version: 2 });
    expect(Object.keys(updated!.payload.customer.channels)).toEqual(["email"]);

    expect(voided!.payload.invoice).toMatchObject({ id: other.id, status: "void", voidReason: "Duplicate", voidedAt: expect.any(String), lines: [expect.objectContaining({ position: 1 })] });
  });
});

describe("relay", () => {
  it("publishes 1,000 pending events in seq order, each sendBatch within the queue's limits, each event once", async () => {
    await writeEvents(QUIET.one, 1000);
    const recorder = recordingSender();
    const ctx = createExecutionContext();
    // The cron path (the per-minute sweep), with the real queue behind the recorder.
    expect(await sweepOutbox(env, logger, { send: recorder.send })).toBeGreaterThanOrEqual(1000);
    await waitOnExecutionContext(ctx);
    const sent = recorder.sent().filter((e) => e.franchiseId === QUIET.one);
    expect(sent.map((e) => e.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(new Set(sent.map((e) => e.eventId)).size).toBe(1000);
    for (const batch of recorder.batches) {
      expect(batch.length).toBeLessThanOrEqual(MAX_BATCH_MESSAGES);
      expect(batch.reduce((n, e) => n + messageBytes(e), 0)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    }
    expect(await pendingCount(QUIET.one)).toBe(0);
    // Nothing is left to send: a second sweep sends nothing.
    const again = recordingSender({ forward: false });
    await sweepOutbox(env, logger, { send: again.send });
    expect(again.sent().filter((e) => e.franchiseId === QUIET.one)).toEqual([]);
  });

  it("delivers those events through the real queue to each subscriber exactly once", async () => {
    const seen: number[] = [];
    unsubscribe.push(registerSubscriber({ name: "test-order", types: "*", handle: async (e) => void (e.franchiseId === QUIET.two && seen.push(e.seq)) }));
    await writeEvents(QUIET.two, 300);
    await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env, createExecutionContext());
    await vi.waitUntil(() => seen.length >= 300, { timeout: 50_000, interval: 100 });
    expect(seen.toSorted((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    const done = await env.DB.prepare("SELECT count(*) AS n FROM processed_events WHERE subscriber = 'test-order' AND franchise_id = ? AND status = 'done'").bind(QUIET.two).first<{ n: number }>();
    expect(done!.n).toBe(300);
  });

  it("does not send again what the queue accepted when marking it published fails, until the lease expires", async () => {
    await writeEvents(QUIET.lease, 3);
    const t0 = Date.now();
    const recorder = recordingSender({ forward: false });
    await env.DB.prepare("CREATE TRIGGER test_mark_fails BEFORE UPDATE OF published_at ON outbox_events BEGIN SELECT RAISE(ABORT, 'injected mark failure'); END").run();
    try {
      const first = await relayFranchise(env, QUIET.lease, logger, { send: recorder.send, now: () => t0 });
      expect(first.drained).toBe(false);
      expect(recorder.batches).toHaveLength(1);
    } finally {
      await env.DB.prepare("DROP TRIGGER test_mark_fails").run();
    }
    expect(await pendingCount(QUIET.lease)).toBe(3);
    // The fast path of the next write, and the next sweep, find the lease held: nothing is re-sent.
    await relayFranchise(env, QUIET.lease, logger, { send: recorder.send, now: () => t0 + 1_000 });
    await relayFranchise(env, QUIET.lease, logger, { send: recorder.send, now: () => t0 + RELAY_LEASE_MS - 1 });
    expect(recorder.batches).toHaveLength(1);
    // After the lease: that chunk once more, then never again.
    const later = await relayFranchise(env, QUIET.lease, logger, { send: recorder.send, now: () => t0 + RELAY_LEASE_MS + 1 });
    expect(later).toEqual({ published: 3, drained: true });
    await relayFranchise(env, QUIET.lease, logger, { send: recorder.send, now: () => t0 + RELAY_LEASE_MS + 2 });
    expect(recorder.batches.map((b) => b.map((e) => e.seq))).toEqual([[1, 2, 3], [1, 2, 3]]);
    expect(await pendingCount(QUIET.lease)).toBe(0);
  });

  it("keeps every sendBatch under 256 KB, and parks a payload over 128 KB in R2 for the consumer to restore", async () => {
    const text = (kb: number) => "x".repeat(kb * 1024);
    await writeEvents(QUIET.big, 12, (i) => ({ note: text(i === 5 ? 200 : 60) }));
    const recorder = recordingSender({ forward: false });
    expect((await relayFranchise(env, QUIET.big, logger, { send: recorder.send })).published).toBe(12);
    expect(recorder.batches.length).toBeGreaterThanOrEqual(3);
    for (const batch of recorder.batches) expect(batch.reduce((n, e) => n + messageBytes(e), 0)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    const sent = recorder.sent();
    expect(sent.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const parked = sent.find((e) => e.seq === 6)!;
    expect(parked.payload).toBeUndefined();
    expect(parked.payloadRef!.bytes).toBeGreaterThan(200 * 1024);

    const received: DeliveredEvent[] = [];
    unsubscribe.push(registerSubscriber({ name: "test-big", types: ["customer.created"], handle: async (e) => void received.push(e) }));
    const result = await deliver("domain-events", [{ id: "big-1", attempts: 1, body: parked }]);
    expect(result.explicitAcks).toEqual(["big-1"]);
    expect((received[0]!.payload as { note: string }).note).toHaveLength(200 * 1024);
  });

  it("leaves no backlog after 130 customers are created quickly (fast path after each write, then the sweep)", async () => {
    const before = (await callJson("GET", "/v1/ops/events")).body.backlog as number;
    expect(before).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < 13; i++) await Promise.all(Array.from({ length: 10 }, (_, j) => createCustomer({ name: `Burst ${i}-${j}` })));
    await vi.waitUntil(async () => (await callJson("GET", "/v1/ops/events")).body.backlog === 0, { timeout: 20_000, interval: 100 });
    expect(await pendingCount(A.franchiseId)).toBe(0);
    // The sweep finds nothing the fast path missed.
    const recorder = recordingSender({ forward: false });
    await sweepOutbox(env, logger, { send: recorder.send });
    expect(recorder.sent().filter((e) => e.franchiseId === A.franchiseId)).toEqual([]);
  });
});

describe("subscribers", () => {
  it("retries only the failing subscriber, never re-runs one that succeeded, and dedupes redeliveries", async () => {
    const calls = { steady: 0, flaky: 0, other: 0 };
    let flakyFails = true;
    unsubscribe.push(
      registerSubscriber({ name: "test-steady", types: ["invoice.issued"], handle: async () => void calls.steady++ }),
      registerSubscriber({
        name: "test-flaky",
        types: ["invoice.issued"],
        handle: async () => {
          calls.flaky++;
          if (flakyFails) throw new Error("ERP unavailable");
        },
      }),
      registerSubscriber({ name: "test-other-type", types: ["payment.recorded"], handle: async () => void calls.other++ }),
    );
    const body = envelope({ eventId: "evt_isolation_01" });
    const first = await deliver("domain-events", [{ id: "iso-1", attempts: 1, body }]);
    expect(first.retryMessages.map((m) => m.msgId)).toEqual(["iso-1"]);
    expect(first.explicitAcks).toEqual([]);
    expect(calls).toEqual({ steady: 1, flaky: 1, other: 0 });
    const failed = await env.DB.prepare("SELECT status, attempts, last_error FROM processed_events WHERE subscriber = 'test-flaky' AND event_id = ?").bind(body.eventId).first();
    expect(failed).toEqual({ status: "failed", attempts: 1, last_error: "ERP unavailable" });

    flakyFails = false;
    const second = await deliver("domain-events", [{ id: "iso-1", attempts: 2, body }]);
    expect(second.explicitAcks).toEqual(["iso-1"]);
    expect(calls).toEqual({ steady: 1, flaky: 2, other: 0 });

    // A duplicate (the relay re-sent after a lease) runs nobody.
    const duplicate = await deliver("domain-events", [{ id: "iso-2", attempts: 1, body }]);
    expect(duplicate.explicitAcks).toEqual(["iso-2"]);
    expect(calls).toEqual({ steady: 1, flaky: 2, other: 0 });
  });

  it("acks message by message: one failing event does not hold back the others in its batch", async () => {
    unsubscribe.push(
      registerSubscriber({
        name: "test-picky",
        types: ["invoice.issued"],
        handle: async (e) => {
          if (e.aggregateId === "inv_bad") throw new Error("cannot handle inv_bad");
        },
      }),
    );
    const result = await deliver("domain-events", [
      { id: "ack-1", attempts: 1, body: envelope({ eventId: "evt_ack_1", aggregateId: "inv_good" }) },
      { id: "ack-2", attempts: 1, body: envelope({ eventId: "evt_ack_2", aggregateId: "inv_bad" }) },
      { id: "ack-3", attempts: 1, body: envelope({ eventId: "evt_ack_3", aggregateId: "inv_good2" }) },
    ]);
    expect(result.explicitAcks.toSorted()).toEqual(["ack-1", "ack-3"]);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["ack-2"]);
  });
});

describe("dead letters", () => {
  it("keeps a dead-lettered event with its last error, lists it to staff admins only, and replays it once", async () => {
    let failing = true;
    const handled: string[] = [];
    unsubscribe.push(
      registerSubscriber({
        name: "test-doomed",
        types: ["invoice.voided"],
        handle: async (e) => {
          if (failing) throw new Error("mailbox full");
          handled.push(e.eventId);
        },
      }),
    );
    const body = envelope({ eventId: "evt_dead_0001", type: "invoice.voided" });
    for (const attempt of [1, 2, 3]) expect((await deliver("domain-events", [{ id: "dead-1", attempts: attempt, body }])).retryMessages).toHaveLength(1);
    // The queue gives up and moves it to domain-events-dlq; its consumer keeps it (twice delivered: one row).
    for (const attempt of [1, 2]) expect((await deliver("domain-events-dlq", [{ id: "dead-1", attempts: attempt, body }])).explicitAcks).toEqual(["dead-1"]);

    const listed = await callJson("GET", "/v1/ops/dead-letters", { key: ADMIN_A });
    expect(listed.status).toBe(200);
    const letters = listed.body.data.filter((d: any) => d.messageId === "dead-1");
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ queue: "domain-events", attempts: 3, lastError: "test-doomed: mailbox full", replayedAt: null, body: { eventId: "evt_dead_0001", type: "invoice.voided" } });
    expect((await callJson("GET", "/v1/ops/events")).body.deadLetters).toBeGreaterThanOrEqual(1);

    // Partner keys, staff without admin rights and other franchises see nothing.
    const partner = await callJson("GET", "/v1/ops/dead-letters");
    expect(partner.status).toBe(403);
    expect(partner.body.code).toBe("staff_admin_required");
    expect((await call("GET", "/v1/ops/dead-letters", { key: CLERK_A })).status).toBe(403);
    expect((await call("POST", `/v1/ops/dead-letters/${letters[0].id}/replay`)).status).toBe(403);
    const otherFranchise = await callJson("GET", "/v1/ops/dead-letters", { key: ADMIN_B });
    expect(otherFranchise.status).toBe(200);
    expect(otherFranchise.body.data).toEqual([]);
    expect((await call("POST", `/v1/ops/dead-letters/${letters[0].id}/replay`, { key: ADMIN_B })).status).toBe(404);

    // Replay: back on the real domain-events queue, where the (now healthy) subscriber gets it.
    failing = false;
    const replayed = await callJson("POST", `/v1/ops/dead-letters/${letters[0].id}/replay`, { key: ADMIN_A });
    expect(replayed.status).toBe(200);
    expect(replayed.body.replayedAt).toEqual(expect.any(String));
    await vi.waitUntil(() => handled.includes("evt_dead_0001"), { timeout: 15_000, interval: 100 });
    const again = await callJson("POST", `/v1/ops/dead-letters/${letters[0].id}/replay`, { key: ADMIN_A });
    expect(again.status).toBe(200);
    expect(again.body.replayedAt).toBe(replayed.body.replayedAt);
    await new Promise((r) => setTimeout(r, 1500));
    expect(handled).toEqual(["evt_dead_0001"]);
  });

  it("keeps what every other DLQ receives, and a malformed event at once", async () => {
    expect((await deliver("reminders-dlq", [{ id: "rem-1", attempts: 4, body: { franchiseId: A.franchiseId, customerId: "cus_x", step: 2 } }])).explicitAcks).toEqual(["rem-1"]);
    expect((await deliver("domain-events", [{ id: "junk-1", attempts: 1, body: { franchiseId: A.franchiseId, hello: "world" } }])).explicitAcks).toEqual(["junk-1"]);
    const rows = await env.DB.prepare("SELECT queue, message_id, attempts, last_error, franchise_id FROM dead_letters WHERE message_id IN ('rem-1', 'junk-1') ORDER BY message_id").all();
    expect(rows.results).toEqual([
      { queue: "domain-events", message_id: "junk-1", attempts: 1, last_error: "not a domain event envelope", franchise_id: A.franchiseId },
      { queue: "reminders", message_id: "rem-1", attempts: 4, last_error: null, franchise_id: A.franchiseId },
    ]);
  });

  it("pages dead letters up to the 200 maximum with a cursor", async () => {
    const db = database(env.DB);
    const { deadLetters } = await import("../../workers/db/schema.ts");
    const rows = Array.from({ length: 230 }, (_, i) => ({ id: `dlq_01jd0000000000000000${String(i).padStart(6, "0")}`, franchiseId: B.franchiseId, queue: "erp-sync", messageId: `m-${i}`, body: "{}", attempts: 9, lastError: "x", createdAt: "2026-01-01T00:00:00.000Z", replayedAt: null }));
    for (let i = 0; i < rows.length; i += 10) await db.insert(deadLetters).values(rows.slice(i, i + 10)).run();
    const first = await callJson("GET", "/v1/ops/dead-letters?limit=200", { key: ADMIN_B });
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(200);
    const second = await callJson("GET", `/v1/ops/dead-letters?limit=200&cursor=${first.body.nextCursor}`, { key: ADMIN_B });
    expect(second.body.data).toHaveLength(30);
    expect(second.body.nextCursor).toBeNull();
    expect(new Set([...first.body.data, ...second.body.data].map((d: any) => d.id)).size).toBe(230);
    expect((await call("GET", "/v1/ops/dead-letters?limit=201", { key: ADMIN_B })).status).toBe(400);
  });
});

describe("GET /v1/ops/events", () => {
  it("reports the caller's franchise backlog, its age and its dead letters, to partner keys and staff", async () => {
    await writeEvents(B.franchiseId, 2);
    await env.DB.prepare("UPDATE outbox_events SET occurred_at = ? WHERE franchise_id = ? AND published_at IS NULL").bind(new Date(Date.now() - 90_000).toISOString(), B.franchiseId).run();
    const b = await callJson("GET", "/v1/ops/events", { key: B.key });
    expect(b.status).toBe(200);
    expect(b.body.backlog).toBe(2);
    expect(b.body.oldestPendingSeconds).toBeGreaterThanOrEqual(89);
    expect(b.body.deadLetters).toBe(230);
    expect(Object.keys(b.body).sort()).toEqual(["backlog", "deadLetters", "oldestPendingSeconds"]);
    // Franchise A sees only its own numbers.
    const a = await callJson("GET", "/v1/ops/events", { key: A.readOnlyKey });
    expect(a.status).toBe(200);
    expect(a.body.backlog).toBe(0);
    expect(a.body.oldestPendingSeconds).toBe(0);
    expect((await call("GET", "/v1/ops/events", { key: null })).status).toBe(401);
    const doc = await callJson("GET", "/openapi.json", { key: null });
    for (const p of ["/v1/ops/events", "/v1/ops/dead-letters", "/v1/ops/dead-letters/{id}/replay"]) expect(Object.keys(doc.body.paths)).toContain(p);
  });
});
