// Per-queue metrics: producers count sends through countingEnv, the queue handler counts each
// batch's acks, retries and DLQ arrivals, and GET /v1/ops/metrics reports backlog, oldest age,
// retries, dead letters and acks per queue, plus the franchise's outcomes. The queue bindings
// here are fakes (so nothing reaches the local queues' own consumers and the counts stay this
// file's); the counting, the real queue handler and the metrics DO are the production ones.
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index.ts";
import { noteOutcome } from "../../workers/observability/batch-tally.ts";
import { countBatch, countingEnv } from "../../workers/observability/queue-counting.ts";
import { A, B, callJson, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

/** A Queue binding that only records what it was given. */
function fakeQueue() {
  const sent: unknown[] = [];
  const queue = {
    sent,
    async send(body: unknown) {
      sent.push(body);
    },
    async sendBatch(messages: Iterable<MessageSendRequest>) {
      for (const m of messages) sent.push(m.body);
    },
    async metrics() {
      return { backlogCount: sent.length, backlogBytes: 0 };
    },
  };
  return queue;
}

let seq = 0;
async function consume(queue: string, bodies: unknown[], opts: { attempts?: number; sentAgoMs?: number; env?: Env } = {}) {
  const timestamp = new Date(Date.now() - (opts.sentAgoMs ?? 0));
  const batch = createMessageBatch(queue, bodies.map((body) => ({ id: `qm-${seq++}`, timestamp, attempts: opts.attempts ?? 1, body })));
  const ctx = createExecutionContext();
  await worker.queue(batch, opts.env ?? env, ctx);
  await waitOnExecutionContext(ctx); // the batch's metrics report goes through waitUntil
  return getQueueResult(batch, ctx);
}

/** The platform operator's admin (franchise A in the test config): the per-queue counts are theirs to see. */
let operator = "";
async function metrics(key = operator) {
  const res = await callJson("GET", "/v1/ops/metrics", { key });
  expect(res.status).toBe(200);
  return res.body;
}

const body = (n: number) => ({ franchiseId: A.franchiseId, n });

beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  operator = await login(STAFF.aAdmin.email);
});

describe("per-queue metrics", () => {
  it("lists every queue and DLQ at zero before any traffic, beside the outbox status", async () => {
    const m = await metrics();
    for (const q of ["domain-events", "reminders", "erp-sync", "invoice-batches", "bi-export", "model-training", "aeat-submission"]) {
      // runtime: the local queue's own reading (nothing was sent to the real queues here)
      expect(m.queues[q]).toEqual({ backlog: 0, oldestAgeSeconds: 0, retries: 0, deadLetters: 0, processedLastHour: 0, runtime: { backlog: 0, oldestAgeSeconds: 0 } });
      expect(m.queues[`${q}-dlq`]).toEqual({ backlog: 0, oldestAgeSeconds: 0, retries: 0, deadLetters: 0, processedLastHour: 0, runtime: null });
    }
    expect(m.queues.domainEvents).toEqual({ backlog: 0, oldestPendingSeconds: 0, deadLetters: 0 });
    expect(m.outcomes).toEqual({ dunningSends: 0, erpSyncFailures: 0 });
  });

  it("counts sends, then retries, then the DLQ's arrivals: backlog back to 0 with the dead letters counted", async () => {
    const fake = fakeQueue();
    const counted = countingEnv({ ...env, INVOICE_BATCHES: fake as unknown as Queue });
    await counted.INVOICE_BATCHES.sendBatch([{ body: body(1) }, { body: body(2) }]);
    await counted.INVOICE_BATCHES.send(body(3));
    expect(fake.sent).toHaveLength(3); // the wrapper still sends
    expect(await counted.INVOICE_BATCHES.metrics()).toEqual({ backlogCount: 3, backlogBytes: 0 }); // and reads the runtime's depth
    let q = (await metrics()).queues["invoice-batches"];
    expect(q).toMatchObject({ backlog: 3, retries: 0, processedLastHour: 0 });

    // The workflow engine refuses every start: the invoice-batches consumer retries each message.
    const engineDown = { ...env, BILLING_RUN: { create: async () => { throw new Error("engine unavailable"); }, get: async () => { throw new Error("engine unavailable"); } } } as unknown as Env;
    const start = (n: number) => ({ kind: "billing_run.start", runId: `brun_qm${n}`, franchiseId: A.franchiseId });
    const result = await consume("invoice-batches", [start(1), start(2), start(3)], { sentAgoMs: 150_000, env: engineDown });
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((r) => r.msgId)).toHaveLength(3);
    q = (await metrics()).queues["invoice-batches"];
    expect(q).toMatchObject({ backlog: 3, retries: 3, deadLetters: 0, processedLastHour: 0 });
    expect(q.oldestAgeSeconds).toBeGreaterThanOrEqual(150); // the retried messages were sent 150 s ago
    expect(q.oldestAgeSeconds).toBeLessThan(200);

    // After max_retries the runtime moves them to the DLQ, whose consumer keeps them as dead letters.
    await consume("invoice-batches-dlq", [body(1), body(2), body(3)], { sentAgoMs: 150_000 });
    const m = await metrics();
    expect(m.queues["invoice-batches"]).toMatchObject({ backlog: 0, oldestAgeSeconds: 0, retries: 3, deadLetters: 3, processedLastHour: 0 });
    expect(m.queues["invoice-batches-dlq"]).toEqual({ backlog: 0, oldestAgeSeconds: 0, retries: 0, deadLetters: 0, processedLastHour: 3, runtime: null });
    const { results } = await env.DB.prepare("SELECT COUNT(*) AS n FROM dead_letters WHERE queue = 'invoice-batches'").all<{ n: number }>();
    expect(results[0]!.n).toBe(3);
  });

  it("the counting env is a view: other bindings read through, and a spread copy still counts once (not twice)", async () => {
    const fake = fakeQueue();
    const counted = countingEnv({ ...env, REMINDERS: fake as unknown as Queue });
    expect(counted.DB).toBe(env.DB);
    expect(counted.REMINDERS).toBe(counted.REMINDERS); // one wrapper per binding, not one per read
    expect(countingEnv(counted)).toBe(counted);
    const copy = { ...counted, EXTRA: 1 } as unknown as Env;
    expect(countingEnv(copy)).toBe(copy); // the marker survives the spread: no second wrapper
    expect(Object.keys(copy)).toContain("DB");
    await copy.REMINDERS.send(body(1));
    await counted.REMINDERS.sendBatch([{ body: body(2) }]);
    expect(fake.sent).toHaveLength(2);
    expect((await metrics()).queues.reminders).toMatchObject({ backlog: 2 });
  });

  it("counts acks through the real consumer: backlog 0 after consumption, a malformed body as a dead letter", async () => {
    const fake = fakeQueue();
    const counted = countingEnv({ ...env, DOMAIN_EVENTS: fake as unknown as Queue });
    await counted.DOMAIN_EVENTS.sendBatch([{ body: body(1) }, { body: body(2) }]);
    expect((await metrics()).queues["domain-events"]).toMatchObject({ backlog: 2, processedLastHour: 0 });
    // Not envelopes: the consumer keeps each as a dead letter at once and acks it.
    const result = await consume("domain-events", [body(1), body(2)]);
    expect(result.explicitAcks).toHaveLength(2);
    expect((await metrics()).queues["domain-events"]).toMatchObject({ backlog: 0, oldestAgeSeconds: 0, retries: 0, deadLetters: 2, processedLastHour: 2 });
  });

  it("a handler that throws retries what it left undecided; an explicit ack still counts", async () => {
    const fake = fakeQueue();
    const counted = countingEnv({ ...env, MODEL_TRAINING: fake as unknown as Queue });
    await counted.MODEL_TRAINING.sendBatch([1, 2, 3].map((n) => ({ body: body(n) })));
    const batch = createMessageBatch("model-training", [1, 2, 3].map((n) => ({ id: `mt-${n}`, timestamp: new Date(), attempts: 1, body: body(n) })));
    await expect(
      countBatch(batch, env, undefined, (b) => {
        b.messages[0]!.ack();
        throw new Error("consumer crashed");
      }),
    ).rejects.toThrow("consumer crashed");
    expect((await metrics()).queues["model-training"]).toMatchObject({ backlog: 2, retries: 2, processedLastHour: 1 });
  });

  it("reports the outcomes a consumer notes, to the franchise they belong to", async () => {
    const batch = createMessageBatch("reminders", [{ id: "r-1", timestamp: new Date(), attempts: 1, body: {} }]);
    await countBatch(batch, env, undefined, (_b, batchEnv) => {
      noteOutcome(batchEnv, A.franchiseId, "dunningSends", 2);
      noteOutcome(batchEnv, A.franchiseId, "erpSyncFailures");
      noteOutcome(batchEnv, B.franchiseId, "dunningSends");
    });
    noteOutcome(env, A.franchiseId, "dunningSends"); // outside a batch: nothing to count it with
    expect((await metrics()).outcomes).toEqual({ dunningSends: 2, erpSyncFailures: 1 });
    expect((await metrics(A.key)).outcomes).toEqual({ dunningSends: 2, erpSyncFailures: 1 });
    expect((await metrics(B.key)).outcomes).toEqual({ dunningSends: 1, erpSyncFailures: 0 });
  });

  it("never fails a send or a batch when the metrics store is unavailable", async () => {
    const fake = fakeQueue();
    const broken = {
      getByName() {
        throw new Error("metrics DO unavailable");
      },
    };
    const counted = countingEnv({ ...env, OPS_METRICS: broken as unknown as Env["OPS_METRICS"], REMINDERS: fake as unknown as Queue });
    await counted.REMINDERS.send(body(1));
    await counted.REMINDERS.sendBatch([{ body: body(2) }]);
    expect(fake.sent).toHaveLength(2);
    const batch = createMessageBatch("reminders", [{ id: "r-2", timestamp: new Date(), attempts: 1, body: body(1) }]);
    let ran = false;
    await countBatch(batch, counted, undefined, () => {
      ran = true;
    });
    expect(ran).toBe(true);
    expect(countingEnv(counted)).toBe(counted); // wrapping twice would count twice
  });
});

describe("who sees the platform's queues", () => {
  it("only the platform operator's admins: a partner key and another franchise's admin see their own pipeline and outcomes, no per-queue counts", async () => {
    expect((await metrics()).queues.reminders).toBeDefined();
    for (const key of [A.key, await login(STAFF.bAdmin.email)]) {
      const m = await metrics(key);
      expect(m.queues.domainEvents).toBeDefined();
      expect(Object.keys(m.queues)).toEqual(["domainEvents"]);
      expect(m.outcomes).toBeDefined();
    }
  });
});

