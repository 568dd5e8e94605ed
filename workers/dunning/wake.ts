// One customer's dunning run at an instant: plan around "now" in the customer's timezone, hand
// the sends that are due to the reminders queue, record suppressions and escalations, and say
// when the next thing is due. Called by the CustomerDunning DO (alarm, cron, events) only,
// which keeps the set of what it already handled so a re-run alarm never enqueues twice.
import { addDays, localDateAt } from "../domain/dates.ts";
import { idempotencyKey, plan } from "../domain/dunning/planner.ts";
import { inputsFromSnapshot, loadDunningInputs } from "../billing/dunning/customer-state.ts";
import type { DunningSnapshot } from "../db/dunning-snapshot.ts";
import { runBatch, type Statement } from "../db/batch.ts";
import { database } from "../db/client.ts";
import { communicationInsert } from "../db/dunning.ts";
import { franchiseDatabase } from "../db/resolver.ts";
import type { ReminderMessage } from "./reminder-message.ts";

export const DUNNING_ACTOR = "system:dunning";
/** How far ahead a run plans, to find its next alarm. */
const HORIZON_DAYS = 45;
/** Planned first: when something is due in it, the full horizon is not needed (plan() costs ~per day planned). */
const NEAR_DAYS = 7;
/** A due item older than this is not sent late (e.g. a DO woken after a long outage). */
const STALE_MS = 36 * 3_600_000;

export interface WakeOutcome {
  enqueued: ReminderMessage[];
  recorded: number;
  nextAt: string | null;
  cadence: { id: string; version: number } | null;
}

export async function wakeCustomer(
  env: Env,
  franchiseId: string,
  customerId: string,
  now: Date,
  pinned: { cadenceId: string; version: number } | undefined,
  handled: (key: string) => boolean,
  enqueue = true,
  snapshot?: DunningSnapshot,
): Promise<WakeOutcome & { handledKeys: string[] }> {
  const db = database(franchiseDatabase(env, franchiseId));
  // The sweep reads its customers in bulk and hands each DO its snapshot; alarms and events read it here.
  const inputs = snapshot ? await inputsFromSnapshot(db, franchiseId, customerId, snapshot, { pinned }) : await loadDunningInputs(db, franchiseId, customerId, now, { pinned });
  if (!inputs?.cadence || inputs.state.invoices.length === 0) return { enqueued: [], recorded: 0, nextAt: null, cadence: null, handledKeys: [] };
  const { state, cadence } = inputs;
  const today = localDateAt(now, state.timezone);
  const nowIso = now.toISOString();
  // Sends up to now are in state.sentAt; re-planning yesterday must not count them twice.
  // plan() runs forward from yesterday, so a day's items do not depend on how far it plans: the
  // near window gives the same due items and, if it holds a future item, the same next alarm.
  const planUntil = (days: number) => plan(state, cadence, inputs.calendar, addDays(today, -1), addDays(today, days), inputs.buckets, { historyUntil: nowIso });
  const near = planUntil(NEAR_DAYS);
  const hasFuture = near.messages.some((m) => m.at > nowIso) || near.escalations.some((e) => e.at > nowIso);
  const schedule = hasFuture ? near : planUntil(HORIZON_DAYS);
  const oldest = new Date(now.getTime() - STALE_MS).toISOString();
  const enqueued: ReminderMessage[] = [];
  const statements: Statement[] = [];
  const handledKeys: string[] = [];
  let nextAt: string | null = null;
  const later = (at: string) => {
    if (at > nowIso && (nextAt === null || at < nextAt)) nextAt = at;
  };
  for (const m of schedule.messages) {
    later(m.at);
    if (m.at > nowIso || m.at < oldest) continue;
    const key = idempotencyKey(customerId, m.stepId, m.localDate);
    // Once a step's day was handed to the queue, re-plans of that day (which now see its own send
    // in the gap and cap) record nothing more for it.
    const handledKey = m.status === "send" ? `${key}:send` : `${key}:${m.channel}:suppressed`;
    if (handled(`${key}:send`) || handled(handledKey)) continue;
    handledKeys.push(handledKey);
    if (m.status === "send") {
      enqueued.push({ kind: "send", franchiseId, customerId, key, stepId: m.stepId, localDate: m.localDate, cadenceId: cadence.id, cadenceVersion: cadence.version });
    } else {
      statements.push(
        communicationInsert(db, franchiseId, { customerId, kind: "suppressed", channel: m.channel, stepId: m.stepId, cadenceId: cadence.id, cadenceVersion: cadence.version, invoiceIds: m.invoiceIds, reason: m.reason ?? null, idempotencyKey: `${key}:${m.channel}`, actor: DUNNING_ACTOR, occurredAt: m.at }),
      );
    }
  }
  for (const e of schedule.escalations) {
    later(e.at);
    if (e.at > nowIso || e.at < oldest) continue;
    const key = `${idempotencyKey(customerId, e.stepId, localDateAt(new Date(e.at), state.timezone))}:escalation`;
    if (handled(key)) continue;
    handledKeys.push(key);
    statements.push(communicationInsert(db, franchiseId, { customerId, kind: "escalation", stepId: e.stepId, cadenceId: cadence.id, cadenceVersion: cadence.version, invoiceIds: e.invoiceIds, reason: e.actions.join(","), idempotencyKey: key, actor: DUNNING_ACTOR, occurredAt: e.at }));
  }
  await runBatch(db, statements);
  // Queue first, then remember: a crash in between re-enqueues, and the consumer dedupes on the key.
  if (enqueue) for (let i = 0; i < enqueued.length; i += 100) await env.REMINDERS.sendBatch(enqueued.slice(i, i + 100).map((body) => ({ body })));
  return { enqueued, recorded: statements.length, nextAt, cadence: { id: cadence.id, version: cadence.version }, handledKeys };
}
