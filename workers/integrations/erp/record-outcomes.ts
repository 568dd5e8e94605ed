// How a connector records what happened to each claimed record in one pass: every outcome is a
// statement appended to the pass (record update + attempt row), persisted together in D1 batches
// at the end; what the queue consumer must do with each message is kept beside it. Provider-
// neutral: the Xero, QBO and NetSuite connectors all record outcomes through it.
import type { Db } from "../../db/client.ts";
import { runBatch, type Statement } from "../../db/batch.ts";
import { insertAttempt, updateConnection, updateSyncRecord, type ErpConnectionRow, type ErpSyncRecordRow } from "../../db/erp.ts";
import { newId } from "../../db/ids.ts";
import { afterFailure } from "../../domain/erp/sync-state.ts";
import type { SyncFailure } from "../../domain/erp/xero-errors.ts";
import type { RecordOutcome } from "./xero-sync.ts";

export interface OutcomeLog {
  db: Db;
  connection: ErpConnectionRow;
  now: () => number;
  random: () => number;
  statements: Statement[];
  outcomes: Map<string, RecordOutcome>;
}

export function settle(log: OutcomeLog, record: ErpSyncRecordRow, changes: Partial<ErpSyncRecordRow>, attempt: { outcome: string; message: string | null; httpStatus?: number }, counts = true): void {
  const at = new Date(log.now()).toISOString();
  const attempts = counts ? record.attempts + 1 : record.attempts;
  log.statements.push(updateSyncRecord(log.db, record.franchiseId, record.id, { ...changes, attempts, claimedUntil: null, updatedAt: at }));
  if (counts) log.statements.push(insertAttempt(log.db, { id: newId("era"), franchiseId: record.franchiseId, recordId: record.id, attempt: attempts, at, outcome: attempt.outcome, httpStatus: attempt.httpStatus ?? null, message: attempt.message }));
  log.outcomes.set(record.id, { recordId: record.id, done: true });
}

export function synced(log: OutcomeLog, record: ErpSyncRecordRow, changes: Partial<ErpSyncRecordRow>, outcome: "synced" | "linked"): void {
  settle(log, record, { state: "synced", syncedAt: new Date(log.now()).toISOString(), lastErrorClass: null, lastError: null, lastFix: null, nextAttemptAt: null, ...changes }, { outcome, message: null });
}

export function fail(log: OutcomeLog, record: ErpSyncRecordRow, failure: SyncFailure): void {
  const counts = failure.class !== "rate_limited" && failure.class !== "daily_limit";
  const attempts = counts ? record.attempts + 1 : record.attempts;
  const step = afterFailure(failure, attempts, log.now(), log.random());
  settle(
    log,
    record,
    { state: step.state, nextAttemptAt: step.nextAttemptAt, lastErrorClass: failure.class, lastError: failure.message.slice(0, 1000), lastFix: failure.fix },
    { outcome: failure.class, message: failure.message.slice(0, 1000), httpStatus: failure.httpStatus },
    counts,
  );
  if (step.state === "retrying") log.outcomes.set(record.id, { recordId: record.id, done: false, delaySeconds: step.delaySeconds });
  else log.outcomes.set(record.id, { recordId: record.id, done: true, ...(step.deadLetter ? { deadLetter: true, error: failure.message } : {}) });
}

/** Not an attempt: the record waits for another (its invoice) and is re-sent later. */
export function waitFor(log: OutcomeLog, record: ErpSyncRecordRow, delaySeconds: number, why: string): void {
  const at = new Date(log.now()).toISOString();
  log.statements.push(updateSyncRecord(log.db, record.franchiseId, record.id, { state: "pending", claimedUntil: null, lastError: why, lastErrorClass: "blocked_dependency", lastFix: null, nextAttemptAt: new Date(log.now() + delaySeconds * 1000).toISOString(), updatedAt: at }));
  log.outcomes.set(record.id, { recordId: record.id, done: false, delaySeconds });
}

export async function flush(log: OutcomeLog): Promise<void> {
  if ([...log.outcomes.values()].some((o) => o.done)) log.statements.push(updateConnection(log.db, log.connection.franchiseId, log.connection.id, { lastSyncedAt: new Date(log.now()).toISOString() }));
  for (let i = 0; i < log.statements.length; i += 50) await runBatch(log.db, log.statements.slice(i, i + 50));
  log.statements = [];
}
