// The escalations queue: the history's escalation records with the customer's name and the branch
// they belong to (the first escalated invoice's branch, else the customer's home branch), scoped
// by franchise and by the caller's branches, newest first.
import { and, desc, eq, getTableColumns, lt, or, sql, type SQL } from "drizzle-orm";
import type { Escalation } from "../domain/dunning/cadence.ts";
import type { EscalationStatus, EscalationWork } from "../domain/dunning/escalation-work.ts";
import { assertInBatch, type Statement } from "./batch.ts";
import type { BranchScope } from "./branch-scope.ts";
import type { Db } from "./client.ts";
import { customers, staffUsers } from "./schema.ts";
import { communications } from "./schema/dunning.ts";
import { dunningEscalationSettings, dunningEscalationWork } from "./schema/dunning-escalations.ts";

export interface EscalationFilter {
  before?: string | undefined;
  limit: number;
  customerId?: string | undefined;
  /** Any of these actions (empty/undefined = every escalation). */
  actions?: readonly Escalation[] | undefined;
  /** Only those whose (explicit or default) assignee is this staff user; null = nobody's. */
  assigneeId?: string | null | undefined;
  status?: EscalationStatus | undefined;
  id?: string | undefined;
}

const branchOf = sql<string | null>`COALESCE((SELECT i.branch_id FROM json_each(${communications.invoiceIds}) AS j JOIN invoices AS i ON i.id = j.value AND i.franchise_id = ${communications.franchiseId} ORDER BY i.due_date, i.id LIMIT 1), ${customers.homeBranchId})`;

// Who works it when staff have not assigned it: the escalation's branch's manager (first active
// one by id) for the branch-manager actions, else (or when the branch has none) the franchise's
// collections assignee.
const BRANCH_MANAGER_ACTIONS = ["notify_branch_manager", "service_hold"];
const branchManagerOf = sql<string | null>`(SELECT s.id FROM staff_users AS s JOIN staff_branch_assignments AS a ON a.staff_user_id = s.id AND a.franchise_id = s.franchise_id WHERE s.franchise_id = ${communications.franchiseId} AND s.role = 'branch_manager' AND s.deactivated_at IS NULL AND a.branch_id = ${branchOf} ORDER BY s.id LIMIT 1)`;
const collectionsAssigneeOf = sql<string | null>`(SELECT st.collections_assignee_id FROM dunning_escalation_settings AS st JOIN staff_users AS u ON u.id = st.collections_assignee_id AND u.franchise_id = st.franchise_id AND u.deactivated_at IS NULL WHERE st.franchise_id = ${communications.franchiseId})`;
const wantsBranchManager = sql.join(
  BRANCH_MANAGER_ACTIONS.map((a) => sql`(',' || ${communications.reason} || ',') LIKE ${`%,${a},%`}`),
  sql` OR `,
);
const defaultAssignee = sql<string | null>`COALESCE(CASE WHEN ${wantsBranchManager} THEN ${branchManagerOf} END, ${collectionsAssigneeOf})`;
const assigneeOf = sql<string | null>`CASE WHEN ${dunningEscalationWork.escalationId} IS NULL THEN ${defaultAssignee} ELSE ${dunningEscalationWork.assigneeId} END`;
const statusOf = sql<EscalationStatus>`COALESCE(${dunningEscalationWork.status}, 'open')`;

export async function listEscalations(db: Db, franchiseId: string, scope: BranchScope, f: EscalationFilter) {
  const conditions: (SQL | undefined)[] = [eq(communications.franchiseId, franchiseId), eq(communications.kind, "escalation")];
  if (f.before) conditions.push(lt(communications.id, f.before));
  if (f.customerId) conditions.push(eq(communications.customerId, f.customerId));
  // Stored comma-joined ("formal_notice,service_hold"): match whole words only.
  if (f.actions?.length) conditions.push(or(...f.actions.map((a) => sql`(',' || ${communications.reason} || ',') LIKE ${`%,${a},%`}`)));
  if (scope) conditions.push(sql`${branchOf} IN (SELECT value FROM json_each(${JSON.stringify(scope)}))`);
  if (f.id) conditions.push(eq(communications.id, f.id));
  if (f.assigneeId !== undefined) conditions.push(f.assigneeId === null ? sql`${assigneeOf} IS NULL` : sql`${assigneeOf} = ${f.assigneeId}`);
  if (f.status) conditions.push(sql`${statusOf} = ${f.status}`);
  return db
    .select({
      ...getTableColumns(communications),
      customerName: customers.name,
      branchId: branchOf,
      assigneeId: assigneeOf,
      assigneeName: sql<string | null>`(SELECT name FROM staff_users WHERE id = ${assigneeOf} AND franchise_id = ${communications.franchiseId})`,
      status: statusOf,
      workVersion: sql<number>`COALESCE(${dunningEscalationWork.version}, 0)`,
      assignedAt: dunningEscalationWork.assignedAt,
      assignedBy: dunningEscalationWork.assignedBy,
      acknowledgedAt: dunningEscalationWork.acknowledgedAt,
      acknowledgedBy: dunningEscalationWork.acknowledgedBy,
      resolvedAt: dunningEscalationWork.resolvedAt,
      resolvedBy: dunningEscalationWork.resolvedBy,
      resolution: dunningEscalationWork.resolution,
    })
    .from(communications)
    .innerJoin(customers, and(eq(customers.id, communications.customerId), eq(customers.franchiseId, communications.franchiseId)))
    .leftJoin(dunningEscalationWork, and(eq(dunningEscalationWork.escalationId, communications.id), eq(dunningEscalationWork.franchiseId, communications.franchiseId)))
    .where(and(...conditions))
    .orderBy(desc(communications.id))
    .limit(f.limit + 1)
    .all();
}

export type EscalationRow = Awaited<ReturnType<typeof listEscalations>>[number];

/** One escalation as the caller sees it (franchise- and branch-scoped), or undefined. */
export async function getEscalation(db: Db, franchiseId: string, scope: BranchScope, id: string): Promise<EscalationRow | undefined> {
  return (await listEscalations(db, franchiseId, scope, { id, limit: 1 }))[0];
}

export function workOf(r: EscalationRow): EscalationWork {
  return { status: r.status, assigneeId: r.assigneeId, version: r.workVersion, acknowledgedAt: r.acknowledgedAt, acknowledgedBy: r.acknowledgedBy, resolvedAt: r.resolvedAt, resolvedBy: r.resolvedBy, resolution: r.resolution };
}

/**
 * Writes the escalation's new work state, only if it is still at `expectedVersion` (a concurrent
 * action makes the batch fail with escalation_changed: nothing of it is written).
 */
export function escalationWorkWrite(db: Db, franchiseId: string, escalationId: string, expectedVersion: number, w: EscalationWork, assigned: { at: string; by: string } | null, now: string): Statement[] {
  const current = sql`COALESCE((SELECT version FROM dunning_escalation_work WHERE escalation_id = ${escalationId} AND franchise_id = ${franchiseId}), 0)`;
  const row = { status: w.status, assigneeId: w.assigneeId, version: w.version, acknowledgedAt: w.acknowledgedAt, acknowledgedBy: w.acknowledgedBy, resolvedAt: w.resolvedAt, resolvedBy: w.resolvedBy, resolution: w.resolution, updatedAt: now, ...(assigned ? { assignedAt: assigned.at, assignedBy: assigned.by } : {}) };
  return [
    assertInBatch(db, "escalation_changed", sql`${current} = ${expectedVersion}`),
    db
      .insert(dunningEscalationWork)
      .values({ escalationId, franchiseId, ...row })
      .onConflictDoUpdate({ target: dunningEscalationWork.escalationId, set: row }),
  ];
}

/** An active staff user of the franchise, with the branches a branch manager is limited to. */
export async function activeStaff(db: Db, franchiseId: string, staffId: string): Promise<{ id: string; name: string; role: string; branchIds: string[] } | undefined> {
  const row = await db
    .select({ id: staffUsers.id, name: staffUsers.name, role: staffUsers.role, branchIds: sql<string>`(SELECT json_group_array(branch_id) FROM staff_branch_assignments WHERE staff_user_id = ${staffUsers.id} AND franchise_id = ${staffUsers.franchiseId})` })
    .from(staffUsers)
    .where(and(eq(staffUsers.franchiseId, franchiseId), eq(staffUsers.id, staffId), sql`${staffUsers.deactivatedAt} IS NULL`))
    .get();
  return row ? { ...row, branchIds: JSON.parse(row.branchIds) as string[] } : undefined;
}

export async function getEscalationSettings(db: Db, franchiseId: string) {
  return db.select().from(dunningEscalationSettings).where(eq(dunningEscalationSettings.franchiseId, franchiseId)).get();
}

export function escalationSettingsUpsert(db: Db, franchiseId: string, collectionsAssigneeId: string | null, now: string, actor: string): Statement {
  const set = { collectionsAssigneeId, updatedAt: now, updatedBy: actor };
  return db
    .insert(dunningEscalationSettings)
    .values({ franchiseId, ...set })
    .onConflictDoUpdate({ target: dunningEscalationSettings.franchiseId, set });
}
