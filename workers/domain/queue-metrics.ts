// Per-queue backlog arithmetic. Workers could not read a queue's depth (Queue.metrics() came
// later: workers/observability/queue-depth.ts reports it beside these counts), so producers count what
// they send and consumers what they ack, retry and see arrive on a dead-letter queue; the
// backlog is the difference. These are the pure parts: what one consumed batch amounts to, and
// how the totals turn into backlog and the oldest pending message's age.

/** Every queue of wrangler.toml that has a producer binding; each also has "<name>-dlq". */
export const QUEUE_NAMES = ["domain-events", "reminders", "erp-sync", "invoice-batches", "bi-export", "model-training", "aeat-submission"] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export const DLQ_SUFFIX = "-dlq";
export const dlqOf = (queue: string) => `${queue}${DLQ_SUFFIX}`;
/** The queue a dead-letter queue collects for, or null for a main queue. */
export const sourceOf = (queue: string) => (queue.endsWith(DLQ_SUFFIX) ? queue.slice(0, -DLQ_SUFFIX.length) : null);

/** Every queue the metrics report on: the main queues, then their DLQs. */
export const ALL_QUEUES: readonly string[] = [...QUEUE_NAMES, ...QUEUE_NAMES.map(dlqOf)];

/** How one message of a batch ended, as the consumer left it. */
export interface MessageFate {
  fate: "acked" | "retried";
  /** When the message was first sent (Message.timestamp), ms since the epoch. */
  sentAtMs: number;
  attempts: number;
}

/** One consumed batch, summed: what the metrics store receives (one RPC per batch). */
export interface BatchReport {
  queue: string;
  atMs: number;
  acked: number;
  retried: number;
  /** Messages delivered for the first time on a DLQ: they left the source queue without an ack. */
  arrived: number;
  /** Sent-at of the oldest message retried (still pending), or null. */
  oldestRetriedMs: number | null;
  /** Sent-at of the newest message acked, or null. */
  newestAckedMs: number | null;
  /** Dead letters written while consuming, by the queue they were meant for. */
  deadLetters: Record<string, number>;
}

export function batchReport(queue: string, atMs: number, fates: readonly MessageFate[], deadLetters: Record<string, number> = {}): BatchReport {
  const report: BatchReport = { queue, atMs, acked: 0, retried: 0, arrived: 0, oldestRetriedMs: null, newestAckedMs: null, deadLetters };
  const dlq = sourceOf(queue) !== null;
  for (const m of fates) {
    if (dlq && m.attempts <= 1) report.arrived++;
    if (m.fate === "acked") {
      report.acked++;
      report.newestAckedMs = Math.max(report.newestAckedMs ?? m.sentAtMs, m.sentAtMs);
    } else {
      report.retried++;
      report.oldestRetriedMs = Math.min(report.oldestRetriedMs ?? m.sentAtMs, m.sentAtMs);
    }
  }
  return report;
}

/** Running totals per queue, since the metrics store began. */
export interface QueueTotals {
  sent: number;
  acked: number;
  /** For a main queue: its messages that arrived on its DLQ (they left without an ack). */
  movedToDlq: number;
  /** Estimated sent-at of the oldest message still pending, or null when none is. */
  pendingSinceMs: number | null;
}

/** sent − acked − moved to the DLQ; never negative (a lost count must not show a debt). */
export const backlogOf = (t: QueueTotals) => Math.max(0, t.sent - t.acked - t.movedToDlq);

/** After a send: a queue that was empty starts pending from the send. */
export function pendingAfterSend(before: QueueTotals, atMs: number): number | null {
  return backlogOf(before) === 0 || before.pendingSinceMs === null ? atMs : before.pendingSinceMs;
}

/**
 * After a consumed batch (totals already updated): nothing pending once the backlog is 0.
 * Otherwise a retried message is still pending, so the head is at least as old as it; with
 * every message acked, queues are roughly FIFO, so what is left was sent after the newest one
 * acked. An estimate: exact when the queue is empty or its consumer is stuck.
 */
export function pendingAfterBatch(after: QueueTotals, report: BatchReport): number | null {
  if (backlogOf(after) === 0) return null;
  const prev = after.pendingSinceMs;
  if (report.oldestRetriedMs !== null) return Math.min(prev ?? report.oldestRetriedMs, report.oldestRetriedMs);
  if (report.newestAckedMs !== null) return Math.max(prev ?? report.newestAckedMs, report.newestAckedMs);
  return prev;
}

export function oldestAgeSeconds(t: QueueTotals, nowMs: number): number {
  if (backlogOf(t) === 0 || t.pendingSinceMs === null) return 0;
  return Math.max(0, Math.floor((nowMs - t.pendingSinceMs) / 1000));
}
