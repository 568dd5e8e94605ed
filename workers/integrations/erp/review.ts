// What staff do about sync problems: correct mappings, replay failed records, and decide
// conflicts field by field (ours, theirs) against the last synced state.
import { runBatch, type Statement } from "../../db/batch.ts";
import { deleteMapping, getConflict, getSyncRecord, listMappings, listSyncRecords, resolveConflict, updateSyncRecord, upsertMapping } from "../../db/erp.ts";
import type { BillingContext } from "../../billing/context.ts";
import { conflict, invalid } from "../../domain/errors.ts";
import { snapshotAfterDecision } from "../../domain/erp/three-way.ts";
import type { ErpSyncMessage } from "./subscriber.ts";
import { loadConnection } from "./connections.ts";
import { applyContactChoices } from "./apply-contact.ts";

export async function putMappings(ctx: BillingContext, id: string, entries: ReadonlyArray<{ kind: string; localKey: string; remoteCode: string | null }>) {
  await loadConnection(ctx, id);
  const at = ctx.clock.now().toISOString();
  const statements: Statement[] = entries.map((e) => (e.remoteCode === null ? deleteMapping(ctx.db, ctx.franchiseId, id, e.kind, e.localKey) : upsertMapping(ctx.db, { franchiseId: ctx.franchiseId, connectionId: id, kind: e.kind, localKey: e.localKey, remoteCode: e.remoteCode, updatedAt: at })));
  for (let i = 0; i < statements.length; i += 50) await runBatch(ctx.db, statements.slice(i, i + 50));
  return listMappings(ctx.db, ctx.franchiseId, id);
}

/** Re-drives records: the named ones, or every failed one. Attempts restart; the history stays. */
export async function replayRecords(ctx: BillingContext, id: string, scope: "failed" | "listed", recordIds: readonly string[] | undefined): Promise<{ replayed: string[] }> {
  if (scope === "listed" && !recordIds) throw invalid("erp_replay_records_missing", "recordIds", "scope \"listed\" needs recordIds");
  if (scope === "failed") recordIds = undefined;
  await loadConnection(ctx, id);
  const records = recordIds
    ? await Promise.all(recordIds.map(async (rid) => (await getSyncRecord(ctx.db, ctx.franchiseId, rid)) ?? null))
    : (await listSyncRecords(ctx.db, ctx.franchiseId, id, { states: ["failed"], limit: 1000 })).slice(0, 1000);
  const replayable = records.filter((r): r is NonNullable<typeof r> => r !== null && r.connectionId === id && (r.state === "failed" || r.state === "retrying" || r.state === "pending"));
  if (recordIds && replayable.length !== recordIds.length) {
    const bad = recordIds.find((rid) => !replayable.some((r) => r.id === rid));
    throw invalid("erp_record_not_replayable", "recordIds", `record ${bad} is not a failed, retrying or pending record of this integration`);
  }
  const at = ctx.clock.now().toISOString();
  const statements = replayable.map((r) => updateSyncRecord(ctx.db, ctx.franchiseId, r.id, { state: "pending", attempts: 0, nextAttemptAt: null, claimedUntil: null, updatedAt: at }));
  for (let i = 0; i < statements.length; i += 50) await runBatch(ctx.db, statements.slice(i, i + 50));
  const messages: ErpSyncMessage[] = replayable.map((r) => ({ franchiseId: ctx.franchiseId, connectionId: id, recordId: r.id }));
  for (let i = 0; i < messages.length; i += 100) await ctx.env.ERP_SYNC.sendBatch(messages.slice(i, i + 100).map((body) => ({ body })));
  return { replayed: replayable.map((r) => r.id) };
}

/**
 * Decides a conflict. Every field of the group needs a choice. "theirs" accepts the ERP's value
 * (the record counts as synced, and the last synced snapshot takes the ERP's value, so the same
 * change read again does not reopen it); "ours" pushes Ledgerline's again (the record is replayed).
 */
export async function decideConflict(ctx: BillingContext, id: string, conflictId: string, choices: Record<string, "ours" | "theirs">) {
  await loadConnection(ctx, id);
  const found = await getConflict(ctx.db, ctx.franchiseId, id, conflictId);
  // The id travels in the body, so an unknown one is a bad field (422), not a missing resource.
  if (!found) throw invalid("erp_conflict_unknown", "conflictId", `conflict ${conflictId} is not a conflict of this integration`);
  if (found.status !== "open") throw conflict("erp_conflict_resolved", `conflict ${conflictId} was already resolved`);
  const fields = Object.keys(JSON.parse(found.ours) as Record<string, unknown>);
  const missing = fields.find((f) => !(f in choices));
  if (missing) throw invalid("erp_conflict_choice_missing", `choices.${missing}`, `choose "ours" or "theirs" for ${missing}`);
  const extra = Object.keys(choices).find((f) => !fields.includes(f));
  if (extra) throw invalid("erp_conflict_unknown_field", `choices.${extra}`, `${extra} is not a field of this conflict (fields: ${fields.join(", ")})`);
  const keepOurs = fields.some((f) => choices[f] === "ours");
  const at = ctx.clock.now().toISOString();
  const record = await getSyncRecord(ctx.db, ctx.franchiseId, found.recordId);
  // The snapshot lives on the document's create record (a void's or allocation's conflict names its own record).
  const holder = record && record.operation !== "create" && record.dependsOn ? await getSyncRecord(ctx.db, ctx.franchiseId, record.dependsOn) : record;
  // A contact's "theirs" updates the customer here (the ERP already has it); its payload follows.
  const contactChanges = found.fieldGroup === "contact" && record ? await applyContactChoices(ctx, record, JSON.parse(found.theirs) as Record<string, never>, choices) : {};
  const accepted = fields.some((f) => choices[f] === "theirs") && holder ? snapshotAfterDecision(holder.syncedSnapshot ? (JSON.parse(holder.syncedSnapshot) as Record<string, unknown>) : {}, JSON.parse(found.theirs) as Record<string, unknown>, choices) : null;
  await runBatch(ctx.db, [
    resolveConflict(ctx.db, ctx.franchiseId, conflictId, { resolution: JSON.stringify(choices), resolvedBy: ctx.actor, resolvedAt: at }),
    updateSyncRecord(ctx.db, ctx.franchiseId, found.recordId, { ...contactChanges, ...(keepOurs ? { state: "pending", attempts: 0, updatedAt: at, lastFix: null } : { state: "synced", syncedAt: at, lastErrorClass: null, lastError: null, lastFix: null, updatedAt: at }) }),
    // "theirs" is now what both sides agree on: the same ERP change read again is not a new conflict.
    ...(accepted && holder ? [updateSyncRecord(ctx.db, ctx.franchiseId, holder.id, { syncedSnapshot: JSON.stringify(accepted), updatedAt: at })] : []),
  ]);
  if (keepOurs) await ctx.env.ERP_SYNC.send({ franchiseId: ctx.franchiseId, connectionId: id, recordId: found.recordId } satisfies ErpSyncMessage);
  return { ...found, status: "resolved", resolution: JSON.stringify(choices), resolvedBy: ctx.actor, resolvedAt: at };
}
