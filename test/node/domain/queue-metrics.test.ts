import { describe, expect, it } from "vitest";
import { backlogOf, batchReport, oldestAgeSeconds, pendingAfterBatch, pendingAfterSend, type QueueTotals, sourceOf } from "../../../workers/domain/queue-metrics.ts";
import { queueBreach } from "../../../workers/domain/queue-slos.ts";

const totals = (t: Partial<QueueTotals>): QueueTotals => ({ sent: 0, acked: 0, movedToDlq: 0, pendingSinceMs: null, ...t });

describe("queue metrics arithmetic", () => {
  it("sums a batch: acks, retries, and first deliveries on a DLQ as arrivals", () => {
    const fates = [
      { fate: "acked" as const, sentAtMs: 100, attempts: 1 },
      { fate: "acked" as const, sentAtMs: 300, attempts: 2 },
      { fate: "retried" as const, sentAtMs: 200, attempts: 1 },
      { fate: "retried" as const, sentAtMs: 50, attempts: 3 },
    ];
    expect(batchReport("erp-sync", 1000, fates)).toMatchObject({ acked: 2, retried: 2, arrived: 0, oldestRetriedMs: 50, newestAckedMs: 300 });
    // on a DLQ, attempts start again at 1: a redelivery there is not a second arrival
    expect(batchReport("erp-sync-dlq", 1000, fates).arrived).toBe(2);
    expect(sourceOf("erp-sync-dlq")).toBe("erp-sync");
    expect(sourceOf("erp-sync")).toBeNull();
  });

  it("backlog is sent − acked − moved, never negative", () => {
    expect(backlogOf(totals({ sent: 10, acked: 6, movedToDlq: 1 }))).toBe(3);
    expect(backlogOf(totals({ sent: 2, acked: 5 }))).toBe(0);
  });

  it("the oldest pending age starts at the first send into an empty queue and grows while nothing is consumed", () => {
    const first = pendingAfterSend(totals({}), 1_000);
    expect(first).toBe(1_000);
    const later = pendingAfterSend(totals({ sent: 1, pendingSinceMs: first }), 50_000);
    expect(later).toBe(1_000); // a second send does not make the head younger
    expect(oldestAgeSeconds(totals({ sent: 2, pendingSinceMs: later }), 121_000)).toBe(120);
    expect(oldestAgeSeconds(totals({ sent: 2, acked: 2, pendingSinceMs: later }), 121_000)).toBe(0);
  });

  it("after a batch: nothing pending at backlog 0; the oldest retried message; else the newest acked", () => {
    const after = totals({ sent: 5, acked: 3, pendingSinceMs: 1_000 });
    expect(pendingAfterBatch(totals({ sent: 3, acked: 3, pendingSinceMs: 1_000 }), batchReport("q", 9_000, [{ fate: "acked", sentAtMs: 2_000, attempts: 1 }]))).toBeNull();
    expect(pendingAfterBatch(after, batchReport("q", 9_000, [{ fate: "retried", sentAtMs: 500, attempts: 1 }]))).toBe(500);
    expect(pendingAfterBatch(after, batchReport("q", 9_000, [{ fate: "acked", sentAtMs: 4_000, attempts: 1 }]))).toBe(4_000);
  });

  it("breaches: dead letters first, then the oldest pending age, then the backlog", () => {
    expect(queueBreach("domain-events", { backlog: 0, oldestAgeSeconds: 0, deadLetters: 0 })).toBeNull();
    expect(queueBreach("domain-events", { backlog: 0, oldestAgeSeconds: 0, deadLetters: 1 })).toBe("dead letters");
    expect(queueBreach("domain-events", { backlog: 0, oldestAgeSeconds: 0, deadLetters: 0 }, 2)).toBe("dead letters");
    expect(queueBreach("domain-events", { backlog: 3, oldestAgeSeconds: 301, deadLetters: 0 })).toBe("oldest message too old");
    expect(queueBreach("bi-export", { backlog: 3, oldestAgeSeconds: 301, deadLetters: 0 })).toBeNull();
    expect(queueBreach("domain-events", { backlog: 5_001, oldestAgeSeconds: 10, deadLetters: 0 })).toBe("backlog too large");
  });
});
