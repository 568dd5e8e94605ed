// Who works an escalation: the branch manager (a heads-up, a service hold at their branch) or the
// collections desk (finance staff: the collections queue and formal notices). The escalations
// queue on the Dunning page groups by it, and GET /v1/dunning/escalations filters on it.
import { ESCALATIONS, type Escalation } from "./cadence.ts";

export const ESCALATION_QUEUES = ["branch_manager", "collections"] as const;
export type EscalationQueue = (typeof ESCALATION_QUEUES)[number];

export const QUEUE_OF: Record<Escalation, EscalationQueue> = {
  notify_branch_manager: "branch_manager",
  service_hold: "branch_manager",
  assign_collections: "collections",
  formal_notice: "collections",
};

/** The actions a stored escalation names (the history keeps them comma-joined); unknown words are dropped. */
export function escalationActions(stored: string | null): Escalation[] {
  const known = new Set<string>(ESCALATIONS);
  return [...new Set((stored ?? "").split(",").map((s) => s.trim()))].filter((s): s is Escalation => known.has(s));
}

/** The queues an escalation lands in, in ESCALATION_QUEUES order. */
export function queuesOf(actions: readonly Escalation[]): EscalationQueue[] {
  const hit = new Set(actions.map((a) => QUEUE_OF[a]));
  return ESCALATION_QUEUES.filter((q) => hit.has(q));
}

/** The actions that land in a queue (what the list filters on). */
export const actionsOfQueue = (queue: EscalationQueue): Escalation[] => ESCALATIONS.filter((a) => QUEUE_OF[a] === queue);
