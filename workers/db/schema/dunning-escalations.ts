// Staff work on dunning escalations (issue 7): who an escalation is assigned to and where it
// stands. One row per escalation that staff have acted on; an escalation without a row is open
// and assigned to its default (the branch's manager, else the franchise's collections assignee).
// Each action is also an append-only communications record and an outbox event.
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { franchises, staffUsers } from "../schema.ts";
import { communications } from "./dunning.ts";

export const dunningEscalationWork = sqliteTable(
  "dunning_escalation_work",
  {
    /** The escalation: its communications record (kind "escalation"). */
    escalationId: text("escalation_id")
      .primaryKey()
      .references(() => communications.id),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    status: text("status").notNull(), // open | acknowledged | resolved (workers/domain/dunning/escalation-work.ts)
    assigneeId: text("assignee_id").references(() => staffUsers.id),
    version: integer("version").notNull(),
    assignedAt: text("assigned_at"),
    assignedBy: text("assigned_by"),
    acknowledgedAt: text("acknowledged_at"),
    acknowledgedBy: text("acknowledged_by"),
    resolvedAt: text("resolved_at"),
    resolvedBy: text("resolved_by"),
    resolution: text("resolution"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("dunning_escalation_work_assignee").on(t.franchiseId, t.assigneeId, t.status)],
);

/** Per franchise: the staff user who works the collections desk's escalations by default. */
export const dunningEscalationSettings = sqliteTable("dunning_escalation_settings", {
  franchiseId: text("franchise_id")
    .primaryKey()
    .references(() => franchises.id),
  collectionsAssigneeId: text("collections_assignee_id").references(() => staffUsers.id),
  updatedAt: text("updated_at").notNull(),
  updatedBy: text("updated_by").notNull(),
});
