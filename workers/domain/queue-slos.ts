// The per-queue SLO thresholds of docs/slo.md, in one place for the Operations page (and any
// alert rule built from GET /v1/ops/metrics): a queue breaches when its estimated oldest pending
// message is older than `oldestAgeSeconds`, or its backlog is above `backlog`; any dead letter
// in the last hour needs a person. Ages follow each queue's job: domain events fan out within
// the relay's minute, a daily reminder run may take a while to drain, ERP sync has a 5-minute
// issue-to-synced target, training and exports are batch work.
import { QUEUE_NAMES, type QueueName } from "./queue-metrics.ts";

export interface QueueSlo {
  label: string;
  oldestAgeSeconds: number;
  backlog: number;
}

export const QUEUE_SLOS: Record<QueueName, QueueSlo> = {
  "domain-events": { label: "Domain events", oldestAgeSeconds: 300, backlog: 5_000 },
  reminders: { label: "Dunning reminders", oldestAgeSeconds: 1_800, backlog: 20_000 },
  "erp-sync": { label: "ERP sync", oldestAgeSeconds: 300, backlog: 5_000 },
  "invoice-batches": { label: "Invoice batches", oldestAgeSeconds: 900, backlog: 1_000 },
  "bi-export": { label: "BI export", oldestAgeSeconds: 3_600, backlog: 500 },
  "model-training": { label: "Model training", oldestAgeSeconds: 3_600, backlog: 500 },
  "aeat-submission": { label: "AEAT submission", oldestAgeSeconds: 900, backlog: 1_000 },
};

export interface QueueReading {
  backlog: number;
  oldestAgeSeconds: number;
  deadLetters: number;
}

/** Why a queue breaches its SLO right now, or null when it does not. */
export function queueBreach(queue: QueueName, q: QueueReading, dlqBacklog = 0): string | null {
  const slo = QUEUE_SLOS[queue];
  if (q.deadLetters > 0 || dlqBacklog > 0) return "dead letters";
  if (q.backlog > 0 && q.oldestAgeSeconds > slo.oldestAgeSeconds) return "oldest message too old";
  if (q.backlog > slo.backlog) return "backlog too large";
  return null;
}

export const SLO_QUEUES: readonly QueueName[] = QUEUE_NAMES;
