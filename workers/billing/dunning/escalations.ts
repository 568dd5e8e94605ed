// Staff work on an escalation: assign / reassign, acknowledge, resolve. Each is ONE D1 batch: the
// work state (only if nobody changed it meanwhile), a communications record in the customer's
// history and an outbox event (which the audit log records), all with actor and time.
import { DomainError, conflict, invalid, notFound } from "../../domain/errors.ts";
import { ACTION_RECORD, applyEscalationAction, type EscalationAction } from "../../domain/dunning/escalation-work.ts";
import { isBatchAssertionFailure, runBatch } from "../../db/batch.ts";
import { communicationInsert } from "../../db/dunning.ts";
import { activeStaff, escalationSettingsUpsert, escalationWorkWrite, getEscalation, getEscalationSettings, workOf, type EscalationRow } from "../../db/dunning-escalations.ts";
import { outboxInsert } from "../../db/outbox.ts";
import type { BillingContext } from "../context.ts";

/** The staff user behind the context's actor ("staff:<id>"), or null for an API key / a job. */
export const staffIdOf = (actor: string): string | null => (actor.startsWith("staff:") ? actor.slice("staff:".length) : null);

export async function visibleEscalation(ctx: BillingContext, id: string): Promise<EscalationRow> {
  const row = await getEscalation(ctx.db, ctx.franchiseId, ctx.branchScope, id);
  if (!row) throw notFound("escalation", id);
  return row;
}

/** A staff user who can work an escalation at `branchId`: active, of this franchise, not a viewer, and a branch manager only at their branches. */
async function assignable(ctx: BillingContext, assigneeId: string, branchId: string | null, field: string) {
  const staff = await activeStaff(ctx.db, ctx.franchiseId, assigneeId);
  if (!staff) throw invalid("assignee_not_found", field, `no active staff user ${assigneeId} in this franchise`);
  if (staff.role === "viewer") throw invalid("assignee_read_only", field, `${assigneeId} is a viewer and cannot work escalations`);
  if (staff.role === "branch_manager" && branchId !== null && !staff.branchIds.includes(branchId)) throw invalid("assignee_not_at_branch", field, `${assigneeId} manages other branches than ${branchId}`);
  return staff;
}

export async function actOnEscalation(ctx: BillingContext, id: string, action: EscalationAction): Promise<EscalationRow> {
  const row = await visibleEscalation(ctx, id);
  if (action.kind === "assign") await assignable(ctx, action.assigneeId, row.branchId, "assigneeId");
  const now = ctx.clock.now().toISOString();
  const before = workOf(row);
  const after = applyEscalationAction(before, action, ctx.actor, staffIdOf(ctx.actor), now);
  if (after instanceof DomainError) throw after;
  const record = ACTION_RECORD[action.kind];
  const detail = action.kind === "assign" ? `assigned to ${action.assigneeId}${before.assigneeId ? ` (was ${before.assigneeId})` : ""}` : action.kind === "resolve" ? action.resolution : "acknowledged";
  const payload = {
    escalation: { id, customerId: row.customerId, branchId: row.branchId, stepId: row.stepId, invoiceIds: JSON.parse(row.invoiceIds) as string[], status: after.status, assigneeId: after.assigneeId, previousAssigneeId: before.assigneeId, resolution: after.resolution, version: after.version },
  };
  try {
    await runBatch(ctx.db, [
      ...escalationWorkWrite(ctx.db, ctx.franchiseId, id, before.version, after, action.kind === "assign" ? { at: now, by: ctx.actor } : null, now),
      communicationInsert(ctx.db, ctx.franchiseId, { customerId: row.customerId, kind: record.kind, stepId: row.stepId, cadenceId: row.cadenceId, cadenceVersion: row.cadenceVersion, invoiceIds: payload.escalation.invoiceIds, reason: `${id}: ${detail}`, actor: ctx.actor, occurredAt: now }),
      outboxInsert(ctx.db, { franchiseId: ctx.franchiseId, type: record.event, aggregateType: "escalation", aggregateId: id, aggregateVersion: after.version, actor: ctx.actor, payload, occurredAt: now }),
    ]);
  } catch (error) {
    if (isBatchAssertionFailure(error)) throw conflict("escalation_changed", `escalation ${id} was changed by someone else meanwhile: read it again`);
    throw error;
  }
  return visibleEscalation(ctx, id);
}

export async function escalationSettings(ctx: BillingContext) {
  const row = await getEscalationSettings(ctx.db, ctx.franchiseId);
  return { collectionsAssigneeId: row?.collectionsAssigneeId ?? null, updatedAt: row?.updatedAt ?? null, updatedBy: row?.updatedBy ?? null };
}

export async function setCollectionsAssignee(ctx: BillingContext, collectionsAssigneeId: string | null) {
  if (collectionsAssigneeId !== null) {
    const staff = await assignable(ctx, collectionsAssigneeId, null, "collectionsAssigneeId");
    // The collections desk works every branch's escalations: a branch manager cannot be it.
    if (staff.role === "branch_manager") throw invalid("assignee_not_at_branch", "collectionsAssigneeId", `${collectionsAssigneeId} is a branch manager; the collections assignee must see every branch`);
  }
  await runBatch(ctx.db, [escalationSettingsUpsert(ctx.db, ctx.franchiseId, collectionsAssigneeId, ctx.clock.now().toISOString(), ctx.actor)]);
  return escalationSettings(ctx);
}
