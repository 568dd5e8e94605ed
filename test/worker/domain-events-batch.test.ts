// The domain-events consumer delivers a batch per subscriber (queues/domain-events.ts): different
// subscribers run side by side, each sees the batch's events in order, a subscriber with
// handleBatch gets them in one call, a failing subscriber retries alone and only for the event
// that failed, and a redelivery skips the subscribers already done. Events are of a type no
// product subscriber but the audit log wants, for a franchise of this file only.
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";
import type { EventEnvelope } from "../../workers/events/envelope.ts";
import { registerSubscriber, type DeliveredEvent } from "../../workers/events/subscribers.ts";

const FRANCHISE = `fr_${"debatch1".padStart(26, "0")}`;
const TYPE = "customer.created";

beforeAll(async () => {
  await env.DB.prepare("INSERT INTO franchises (id, name, created_at) VALUES (?, 'batch', '2026-01-01T00:00:00.000Z')").bind(FRANCHISE).run();
});

const unsubscribe: Array<() => void> = [];
afterEach(() => {
  while (unsubscribe.length > 0) unsubscribe.pop()!();
});

function envelope(run: string, seq: number): EventEnvelope {
  return { eventId: `evt_${run}_${String(seq).padStart(3, "0")}`, franchiseId: FRANCHISE, seq, type: TYPE, aggregateType: "customer", aggregateId: `cus_${run}_${seq}`, aggregateVersion: 1, actor: "system:test", occurredAt: "2026-01-01T00:00:00.000Z", payload: { seq } };
}

async function deliver(messages: Array<{ id: string; attempts: number; body: EventEnvelope }>) {
  const batch = createMessageBatch("domain-events", messages.map((m) => ({ ...m, timestamp: new Date() })));
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

const messagesOf = (run: string, n: number) => Array.from({ length: n }, (_, i) => ({ id: `${run}-${i + 1}`, attempts: 1, body: envelope(run, i + 1) }));

async function deliveryRows(run: string, subscriber: string) {
  const { results } = await env.DB.prepare("SELECT event_id, status, attempts, last_error FROM processed_events WHERE subscriber = ? AND event_id LIKE ? ORDER BY event_id")
    .bind(subscriber, `evt_${run}_%`)
    .all<{ event_id: string; status: string; attempts: number; last_error: string | null }>();
  return results;
}

describe("domain-events batch delivery", () => {
  it("delivers a batch of 100 events: each subscriber in order, subscribers concurrently, handleBatch in one call", async () => {
    const seen: Record<string, number[]> = { slow: [], quick: [] };
    const batches: number[][] = [];
    let active = 0;
    let mostActive = 0;
    const track = async (name: string, e: DeliveredEvent) => {
      active++;
      mostActive = Math.max(mostActive, active);
      await scheduler.wait(1);
      seen[name]!.push(e.seq);
      active--;
    };
    unsubscribe.push(
      registerSubscriber({ name: "test-batch-slow", types: [TYPE], handle: (e) => track("slow", e) }),
      registerSubscriber({ name: "test-batch-quick", types: [TYPE], handle: (e) => track("quick", e) }),
      registerSubscriber({
        name: "test-batch-bulk",
        types: [TYPE],
        handle: async () => {
          throw new Error("handle must not be used when handleBatch succeeds");
        },
        handleBatch: async (events) => void batches.push(events.map((e) => e.seq)),
      }),
    );
    const result = await deliver(messagesOf("b100", 100));
    const order = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(result.explicitAcks).toHaveLength(100);
    expect(result.retryMessages).toEqual([]);
    expect(seen.slow).toEqual(order);
    expect(seen.quick).toEqual(order);
    expect(batches).toEqual([order]);
    // The slow and quick subscribers overlapped instead of running one after the other.
    expect(mostActive).toBe(2);
    for (const name of ["test-batch-slow", "test-batch-quick", "test-batch-bulk"]) {
      const rows = await deliveryRows("b100", name);
      expect(rows).toHaveLength(100);
      expect(rows.every((r) => r.status === "done" && r.attempts === 1)).toBe(true);
    }
  });

  it("retries only the message whose subscriber failed, re-running only that subscriber on redelivery", async () => {
    const calls: Record<string, number[]> = { steady: [], flaky: [], bulk: [] };
    let flakyFails = true;
    unsubscribe.push(
      registerSubscriber({ name: "test-batch-steady", types: [TYPE], handle: async (e) => void calls.steady!.push(e.seq) }),
      registerSubscriber({
        name: "test-batch-flaky",
        types: [TYPE],
        handle: async (e) => {
          calls.flaky!.push(e.seq);
          if (flakyFails && e.seq === 7) throw new Error("seven is unlucky");
        },
      }),
      registerSubscriber({
        name: "test-batch-bulk2",
        types: [TYPE],
        // The whole batch breaks on event 3: each event is then handled alone, and only 3 fails.
        handleBatch: async (events) => {
          if (events.some((e) => e.seq === 3)) throw new Error("batch contains 3");
          calls.bulk!.push(...events.map((e) => e.seq));
        },
        handle: async (e) => {
          if (flakyFails && e.seq === 3) throw new Error("three fails alone too");
          calls.bulk!.push(e.seq);
        },
      }),
    );
    const messages = messagesOf("fail", 10);
    const first = await deliver(messages);
    expect(first.retryMessages.map((m) => m.msgId).toSorted()).toEqual(["fail-3", "fail-7"]);
    expect(first.explicitAcks.toSorted()).toEqual(messages.map((m) => m.id).filter((id) => id !== "fail-3" && id !== "fail-7").toSorted());
    expect(calls.steady).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // A failure does not stop the subscriber's later events: they are independent messages.
    expect(calls.flaky).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(calls.bulk).toEqual([1, 2, 4, 5, 6, 7, 8, 9, 10]);
    const flakyRows = await deliveryRows("fail", "test-batch-flaky");
    expect(flakyRows.find((r) => r.event_id === "evt_fail_007")).toEqual({ event_id: "evt_fail_007", status: "failed", attempts: 1, last_error: "seven is unlucky" });
    expect(flakyRows.filter((r) => r.status === "done")).toHaveLength(9);
    expect((await deliveryRows("fail", "test-batch-bulk2")).find((r) => r.event_id === "evt_fail_003")?.status).toBe("failed");

    // The redelivered messages run only what failed for them: nobody else sees 3 or 7 again.
    flakyFails = false;
    const again = await deliver([
      { ...messages[2]!, attempts: 2 },
      { ...messages[6]!, attempts: 2 },
    ]);
    expect(again.explicitAcks.toSorted()).toEqual(["fail-3", "fail-7"]);
    expect(calls.steady).toHaveLength(10);
    expect(calls.flaky).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 7]);
    expect(calls.bulk).toEqual([1, 2, 4, 5, 6, 7, 8, 9, 10, 3]);
    expect((await deliveryRows("fail", "test-batch-flaky")).find((r) => r.event_id === "evt_fail_007")).toEqual({ event_id: "evt_fail_007", status: "done", attempts: 2, last_error: "seven is unlucky" });

    // A duplicate of an event every subscriber is done with runs nobody.
    const duplicate = await deliver([{ id: "fail-dup", attempts: 1, body: messages[4]!.body }]);
    expect(duplicate.explicitAcks).toEqual(["fail-dup"]);
    expect(calls.steady).toHaveLength(10);
    expect(calls.flaky).toHaveLength(11);
    expect(calls.bulk).toHaveLength(10);
  });
});
