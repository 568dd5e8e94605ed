// Staff working an escalation: it is assigned (to the branch manager or the collections assignee
// by default, or to whoever staff choose), reassigned, acknowledged by its assignee and resolved.
// Each step names its actor and time; the history and audit record every one.
import { type DomainError, conflict, invalid } from "../errors.ts";

export const ESCALATION_STATUSES = ["open", "acknowledged", "resolved"] as const;
export type EscalationStatus = (typeof ESCALATION_STATUSES)[number];

export interface EscalationWork {
  status: EscalationStatus;
  /** Staff user id; null = nobody yet (no default assignee exists). */
  assigneeId: string | null;
  /** Bumped by every action (0 = never touched: the defaults still apply). */
  version: number;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolution: string | null;
}

export type EscalationAction = { kind: "assign"; assigneeId: string } | { kind: "acknowledge" } | { kind: "resolve"; resolution: string };

/** The history kind and event type of each action. */
export const ACTION_RECORD = {
  assign: { kind: "escalation_assigned", event: "escalation.assigned" },
  acknowledge: { kind: "escalation_acknowledged", event: "escalation.acknowledged" },
  resolve: { kind: "escalation_resolved", event: "escalation.resolved" },
} as const;

/** An escalation nobody has acted on yet, with its default assignee. */
export const untouched = (defaultAssigneeId: string | null): EscalationWork => ({ status: "open", assigneeId: defaultAssigneeId, version: 0, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, resolvedBy: null, resolution: null });

/**
 * The state after `action` by staff user `staffId` (null for an API key) at `at`, or the error.
 * Rules: a resolved escalation is final; reassigning an acknowledged one reopens it (the new
 * assignee must acknowledge it themselves); only the assignee acknowledges; anyone with write
 * access resolves; assigning to the current assignee is a no-op refused as a conflict.
 */
export function applyEscalationAction(current: EscalationWork, action: EscalationAction, actor: string, staffId: string | null, at: string): EscalationWork | DomainError {
  if (current.status === "resolved") return conflict("escalation_resolved", "the escalation is already resolved");
  const next = { ...current, version: current.version + 1 };
  switch (action.kind) {
    case "assign":
      if (action.assigneeId === current.assigneeId) return conflict("escalation_already_assigned", `the escalation is already assigned to ${action.assigneeId}`);
      return { ...next, assigneeId: action.assigneeId, status: "open", acknowledgedAt: null, acknowledgedBy: null };
    case "acknowledge":
      if (current.status === "acknowledged") return conflict("escalation_already_acknowledged", "the escalation is already acknowledged");
      if (current.assigneeId === null || staffId !== current.assigneeId) return conflict("escalation_not_assignee", "only the escalation's assignee can acknowledge it (assign it to yourself first)");
      return { ...next, status: "acknowledged", acknowledgedAt: at, acknowledgedBy: actor };
    case "resolve":
      if (action.resolution.trim() === "") return invalid("resolution_required", "resolution", "say how the escalation was resolved");
      return { ...next, status: "resolved", resolvedAt: at, resolvedBy: actor, resolution: action.resolution };
  }
}
