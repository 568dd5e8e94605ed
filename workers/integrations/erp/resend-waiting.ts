// After a reconnect (the ERP had refused our credentials: reconnect_required), the records that
// waited for it go to the erp-sync queue again: those pending or retrying, and those that failed
// only because of the refusal (last error class reconnect_required: nothing is wrong with the
// record itself, so they start over). Records failed for another reason stay the admin's to replay.
import { runBatch } from "../../db/batch.ts";
import type { Db } from "../../db/client.ts";
import { listSyncRecords, updateSyncRecord } from "../../db/erp.ts";

export async function resendWaiting(env: Env, db: Db, franchiseId: string, connectionId: string): Promise<number> {
  const candidates = await listSyncRecords(db, franchiseId, connectionId, { states: ["pending", "retrying", "failed"], limit: 1000 });
  const waiting = candidates.filter((r) => r.state !== "failed" || r.lastErrorClass === "reconnect_required").slice(0, 1000);
  const at = new Date().toISOString();
  const restarted = waiting.filter((r) => r.state === "failed").map((r) => updateSyncRecord(db, franchiseId, r.id, { state: "pending", attempts: 0, nextAttemptAt: null, claimedUntil: null, updatedAt: at }));
  for (let i = 0; i < restarted.length; i += 50) await runBatch(db, restarted.slice(i, i + 50));
  const messages = waiting.map((r) => ({ body: { franchiseId, connectionId, recordId: r.id } }));
  for (let i = 0; i < messages.length; i += 100) await env.ERP_SYNC.sendBatch(messages.slice(i, i + 100));
  return messages.length;
}
