// Operating the event pipeline for one franchise: its health and replaying dead letters.
import { conflict, notFound } from "../domain/errors.ts";
import { countUnreplayedDeadLetters, getDeadLetter, markReplayed, type DeadLetterRow } from "../db/dead-letters.ts";
import { outboxBacklog } from "../db/outbox-status.ts";
import type { BillingContext } from "../billing/context.ts";

export interface PipelineStatus {
  backlog: number;
  oldestPendingSeconds: number;
  deadLetters: number;
}

export async function pipelineStatus(ctx: BillingContext): Promise<PipelineStatus> {
  const [backlog, deadLetters] = await Promise.all([outboxBacklog(ctx.db, ctx.franchiseId), countUnreplayedDeadLetters(ctx.db, ctx.franchiseId)]);
  const oldest = backlog.oldestOccurredAt === null ? null : Date.parse(backlog.oldestOccurredAt);
  const oldestPendingSeconds = oldest === null ? 0 : Math.max(0, Math.floor((ctx.clock.now().getTime() - oldest) / 1000));
  return { backlog: backlog.pending, oldestPendingSeconds, deadLetters };
}

/** The producer for each queue a dead letter can go back to. */
const PRODUCERS: Record<string, (env: Env) => Queue> = {
  "domain-events": (env) => env.DOMAIN_EVENTS,
  reminders: (env) => env.REMINDERS,
  "erp-sync": (env) => env.ERP_SYNC,
  "invoice-batches": (env) => env.INVOICE_BATCHES,
  "bi-export": (env) => env.BI_EXPORT,
};

/**
 * Sends the message back to its original queue, then marks it replayed. Idempotent: a dead
 * letter already replayed is returned as it is, without sending again. Two replays racing may
 * both send; consumers dedupe by event id.
 */
export async function replayDeadLetter(ctx: BillingContext, id: string): Promise<DeadLetterRow> {
  const row = await getDeadLetter(ctx.db, ctx.franchiseId, id);
  if (!row) throw notFound("dead_letter", id);
  if (row.replayedAt !== null) return row;
  const producer = PRODUCERS[row.queue];
  if (!producer) throw conflict("dead_letter_not_replayable", `queue ${row.queue} has no producer to replay to`);
  await producer(ctx.env).send(JSON.parse(row.body), { contentType: "json" });
  const now = ctx.clock.now().toISOString();
  await markReplayed(ctx.db, ctx.franchiseId, id, now);
  return (await getDeadLetter(ctx.db, ctx.franchiseId, id)) ?? { ...row, replayedAt: now };
}
