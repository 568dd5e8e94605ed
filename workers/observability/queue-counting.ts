// Counting for the per-queue metrics (workers/domain/queue-metrics.ts). Producers: countingEnv
// wraps each Queue binding so every send/sendBatch that the queue accepted adds to "sent".
// Consumers: countBatch wraps a batch so each message's ack or retry (explicit, batch-wide, or
// implicit when the handler returns or throws) is seen, then reports the batch in one RPC.
// Both are best effort: one DO call per send call or batch, off the critical path through
// waitUntil when there is one, and a metrics failure never fails the send or the batch.
import { batchReport, type MessageFate } from "../domain/queue-metrics.ts";
import { BatchTally, withTally } from "./batch-tally.ts";
import { minuteOf } from "./route-metrics.ts";

/** The OpsMetrics instance that holds the platform's queue counts (franchise ids start "fr_"). */
export const QUEUE_METRICS_INSTANCE = "platform:queues";

/** Producer bindings and the queue each sends to (wrangler.toml [[queues.producers]]). */
export const QUEUE_BINDINGS = {
  DOMAIN_EVENTS: "domain-events",
  REMINDERS: "reminders",
  ERP_SYNC: "erp-sync",
  INVOICE_BATCHES: "invoice-batches",
  BI_EXPORT: "bi-export",
  MODEL_TRAINING: "model-training",
  AEAT_SUBMISSION: "aeat-submission",
} as const satisfies Partial<Record<keyof Env, string>>;

const RETENTION_MS = 24 * 3600_000;
const COUNTING = Symbol.for("ledgerline.countingEnv");

export type WaitUntil = (promise: Promise<unknown>) => void;

/** Runs a metrics write in the background if it can, else awaits it; never throws. */
function bestEffort(waitUntil: WaitUntil | undefined, write: () => Promise<unknown>): Promise<void> {
  const p = Promise.resolve()
    .then(write)
    .then(
      () => undefined,
      () => undefined,
    );
  if (!waitUntil) return p;
  try {
    waitUntil(p);
    return Promise.resolve();
  } catch {
    return p; // no execution context any more (e.g. after the response): just wait for it
  }
}

function writePoint(env: Env, blobs: string[], doubles: number[]): void {
  try {
    env.METRICS?.writeDataPoint({ indexes: [QUEUE_METRICS_INSTANCE], blobs, doubles });
  } catch {
    // metrics never fail a send or a batch
  }
}

function countingQueue(queue: Queue, name: string, env: Env, waitUntil: WaitUntil | undefined): Queue {
  const count = (n: number) => {
    // Production's long-range store (a no-op locally); the DO below is what /v1/ops/metrics reads.
    writePoint(env, [name, "sent"], [n, 0, 0, 0]);
    return bestEffort(waitUntil, () => env.OPS_METRICS.getByName(QUEUE_METRICS_INSTANCE).queueSent(name, n, Date.now()));
  };
  return {
    // The runtime's own depth reading passes straight through (not a send: nothing to count).
    metrics: () => queue.metrics(),
    async send(body, options) {
      const result = await queue.send(body, options);
      await count(1);
      return result;
    },
    async sendBatch(messages, options) {
      const list = [...messages];
      const result = await queue.sendBatch(list, options);
      await count(list.length);
      return result;
    },
  } satisfies Queue;
}

/**
 * `env` with every producer binding counting what it sends. Idempotent (an env that counts
 * already is returned as is). `waitUntil`: the invocation's, so the count does not delay the
 * caller; without one (a Workflow step) the count is awaited.
 */
export function countingEnv(env: Env, waitUntil?: WaitUntil): Env {
  if ((env as { [COUNTING]?: true })[COUNTING]) return env;
  if (!Object.isExtensible(env) || Object.keys(QUEUE_BINDINGS).some((b) => Object.getOwnPropertyDescriptor(env, b)?.configurable === false)) return countingCopy(env, waitUntil);
  // A view, not a copy: every request passes through here, and copying the ~40 bindings (and
  // wrapping all 7 queues) per request was ~9 % of the bare route's CPU. A queue binding is
  // wrapped when first read; everything else reads through. Spreading the view (`{ ...env, X }`)
  // still yields counting queues and the marker, so a copy is never wrapped twice.
  const wrapped = new Map<string, Queue>();
  const queueOf = (binding: string): Queue | undefined => {
    let q = wrapped.get(binding);
    const raw = (env as unknown as Record<string, Queue | undefined>)[binding];
    if (!q && raw) {
      q = countingQueue(raw, QUEUE_BINDINGS[binding as keyof typeof QUEUE_BINDINGS], env, waitUntil);
      wrapped.set(binding, q);
    }
    return q;
  };
  const isQueueBinding = (prop: string | symbol): prop is string => typeof prop === "string" && Object.hasOwn(QUEUE_BINDINGS, prop);
  return new Proxy(env, {
    get: (target, prop) => (prop === COUNTING ? true : isQueueBinding(prop) ? queueOf(prop) : Reflect.get(target, prop)),
    has: (target, prop) => prop === COUNTING || Reflect.has(target, prop),
    ownKeys: (target) => [...Reflect.ownKeys(target), COUNTING],
    getOwnPropertyDescriptor: (target, prop) => {
      if (prop === COUNTING) return { value: true, writable: false, enumerable: true, configurable: true };
      const own = Reflect.getOwnPropertyDescriptor(target, prop);
      return own && isQueueBinding(prop) ? { ...own, value: queueOf(prop) } : own;
    },
  });
}

/** The same as a copy, for an env whose bindings cannot be viewed through (frozen or sealed). */
function countingCopy(env: Env, waitUntil: WaitUntil | undefined): Env {
  const out: Record<string | symbol, unknown> = { ...env, [COUNTING]: true };
  for (const [binding, name] of Object.entries(QUEUE_BINDINGS)) {
    const queue = env[binding as keyof typeof QUEUE_BINDINGS];
    if (queue) out[binding] = countingQueue(queue, name, env, waitUntil);
  }
  return out as unknown as Env;
}

/**
 * Runs `consume` on a view of `batch` that records how each message ends, with an env that
 * carries a BatchTally, then reports the batch (and the tally's outcomes) to the metrics DOs.
 */
export async function countBatch(batch: MessageBatch<unknown>, env: Env, waitUntil: WaitUntil | undefined, consume: (batch: MessageBatch<unknown>, env: Env) => Promise<void> | void): Promise<void> {
  const fates = new Map<string, "acked" | "retried">();
  const decide = (id: string, fate: "acked" | "retried") => {
    if (!fates.has(id)) fates.set(id, fate); // the first decision about a message is the one that counts
  };
  const messages = batch.messages.map(
    (m): Message<unknown> => ({
      get id() {
        return m.id;
      },
      get timestamp() {
        return m.timestamp;
      },
      get body() {
        return m.body;
      },
      get attempts() {
        return m.attempts;
      },
      ack() {
        decide(m.id, "acked");
        m.ack();
      },
      retry(options) {
        decide(m.id, "retried");
        m.retry(options);
      },
    }),
  );
  const view: MessageBatch<unknown> = {
    get queue() {
      return batch.queue;
    },
    get metadata() {
      return batch.metadata;
    },
    messages,
    ackAll() {
      for (const m of batch.messages) decide(m.id, "acked");
      batch.ackAll();
    },
    retryAll(options) {
      for (const m of batch.messages) decide(m.id, "retried");
      batch.retryAll(options);
    },
  };
  const tally = new BatchTally();
  let threw = false;
  try {
    await consume(view, withTally(env, tally));
  } catch (error) {
    threw = true;
    throw error;
  } finally {
    // The runtime acks what the handler left undecided when it returns, and retries it when it throws.
    const list: MessageFate[] = batch.messages.map((m) => ({ fate: fates.get(m.id) ?? (threw ? "retried" : "acked"), sentAtMs: m.timestamp.getTime(), attempts: m.attempts }));
    await reportBatch(env, waitUntil, batch.queue, list, tally);
  }
}

function reportBatch(env: Env, waitUntil: WaitUntil | undefined, queue: string, fates: MessageFate[], tally: BatchTally): Promise<void> {
  const nowMs = Date.now();
  const minute = minuteOf(nowMs);
  const dropBefore = minuteOf(nowMs - RETENTION_MS);
  const report = batchReport(queue, nowMs, fates, tally.deadLetters);
  const oldestMs = Math.min(...fates.map((f) => f.sentAtMs));
  // doubles: acked, retried, arrived on a DLQ, age in s of the batch's oldest message
  writePoint(env, [queue, "batch"], [report.acked, report.retried, report.arrived, fates.length ? Math.max(0, (nowMs - oldestMs) / 1000) : 0]);
  return bestEffort(waitUntil, () =>
    Promise.all([
      env.OPS_METRICS.getByName(QUEUE_METRICS_INSTANCE).queueConsumed(report, minute, dropBefore),
      ...[...tally.outcomes].map(([franchiseId, counts]) => env.OPS_METRICS.getByName(franchiseId).addOutcomes(minute, counts, dropBefore)),
    ]),
  );
}
