// The escalations queue (issue 7): escalation records from the communications history, with who
// works them (branch manager or collections desk) and the customer they concern.
import { z } from "zod";
import { ESCALATIONS } from "../../domain/dunning/cadence.ts";
import { ESCALATION_QUEUES, escalationActions, queuesOf } from "../../domain/dunning/escalation-queue.ts";
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
  })
  .meta({ id: "DunningEscalation" });

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
  };
}
