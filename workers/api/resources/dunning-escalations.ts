// The escalations queue (issue 7): escalation records from the communications history, with who
// works them (branch manager or collections desk) and the customer they concern.
import { z } from "zod";
import { ESCALATIONS } from "../../domain/dunning/cadence.ts";
import { ESCALATION_QUEUES, escalationActions, queuesOf } from "../../domain/dunning/escalation-queue.ts";
import { ESCALATION_STATUSES } from "../../domain/dunning/escalation-work.ts";
import type { EscalationRow } from "../../db/dunning-escalations.ts";
import { Id } from "./common.ts";

export const EscalationResource = z
  .object({
    id: Id("com"),
    customerId: Id("cus"),
    customerName: z.string(),
    branchId: z.string().nullable().describe("the first escalated invoice's branch, else the customer's home branch"),
    stepId: z.string().nullable(),
    cadenceId: z.string().nullable(),
    cadenceVersion: z.number().int().nullable(),
    actions: z.array(z.enum(ESCALATIONS)),
    queues: z.array(z.enum(ESCALATION_QUEUES)).describe("who works it: the branch manager (notify, service hold) and/or the collections desk (collections queue, formal notice)"),
    invoiceIds: z.array(z.string()),
    actor: z.string(),
    occurredAt: z.string(),
    status: z.enum(ESCALATION_STATUSES).describe("open (reassigning reopens), acknowledged by its assignee, resolved (final)"),
    assignee: z
      .object({ id: Id("usr"), name: z.string() })
      .nullable()
      .describe("who works it: set by staff, else by default the branch's manager (branch-manager actions) or the franchise's collections assignee; null = nobody yet"),
    version: z.number().int().min(0).describe("bumped by every assign/acknowledge/resolve (0 = untouched)"),
    assignedAt: z.string().nullable(),
    assignedBy: z.string().nullable(),
    acknowledgedAt: z.string().nullable(),
    acknowledgedBy: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    resolvedBy: z.string().nullable(),
    resolution: z.string().nullable(),
  })
  .meta({ id: "DunningEscalation" });

export const AssignEscalationBody = z.object({ assigneeId: Id("usr").describe("an active staff user of the franchise (not a viewer; a branch manager only at their branches)") }).meta({ id: "AssignEscalationBody" });
export const ResolveEscalationBody = z.object({ resolution: z.string().trim().min(1).max(1000).describe("how it was resolved (recorded in the history)") }).meta({ id: "ResolveEscalationBody" });

export const EscalationSettingsResource = z
  .object({
    collectionsAssigneeId: Id("usr").nullable().describe("default assignee of collections-desk escalations (and of branch-manager ones where the branch has no manager)"),
    updatedAt: z.string().nullable(),
    updatedBy: z.string().nullable(),
  })
  .meta({ id: "DunningEscalationSettings" });
export const EscalationSettingsBody = z.object({ collectionsAssigneeId: Id("usr").nullable() }).meta({ id: "DunningEscalationSettingsBody" });

export function escalationResource(r: EscalationRow): z.infer<typeof EscalationResource> {
  const actions = escalationActions(r.reason);
  return {
    id: r.id,
    customerId: r.customerId,
    customerName: r.customerName,
    branchId: r.branchId,
    stepId: r.stepId,
    cadenceId: r.cadenceId,
    cadenceVersion: r.cadenceVersion,
    actions,
    queues: queuesOf(actions),
    invoiceIds: JSON.parse(r.invoiceIds) as string[],
    actor: r.actor,
    occurredAt: r.occurredAt,
    status: r.status,
    assignee: r.assigneeId ? { id: r.assigneeId, name: r.assigneeName ?? r.assigneeId } : null,
    version: r.workVersion,
    assignedAt: r.assignedAt,
    assignedBy: r.assignedBy,
    acknowledgedAt: r.acknowledgedAt,
    acknowledgedBy: r.acknowledgedBy,
    resolvedAt: r.resolvedAt,
    resolvedBy: r.resolvedBy,
    resolution: r.resolution,
  };
}
