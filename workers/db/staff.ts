// Staff users and their branch assignments. Reads never return the password hash to callers
// that render users; statements are returned for the caller to run as one batch.
import { and, asc, desc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { assertInBatch, type Statement } from "./batch.ts";
import { selectInChunks, statementsInChunks } from "./chunks.ts";
import { branches, staffBranchAssignments, staffSessions, staffUsers } from "./schema.ts";
import { outboxInsert } from "./outbox.ts";
import { staffUserPayload } from "../events/payloads.ts";

export type StaffUserRow = Omit<typeof staffUsers.$inferSelect, "passwordHash">;
export interface StaffUserWithBranches {
  user: StaffUserRow;
  /** Sorted; empty for every role but branch_manager. */
  branchIds: string[];
}

const visibleColumns = {
  id: staffUsers.id,
  franchiseId: staffUsers.franchiseId,
  email: staffUsers.email,
  name: staffUsers.name,
  role: staffUsers.role,
  createdAt: staffUsers.createdAt,
  deactivatedAt: staffUsers.deactivatedAt,
  version: staffUsers.version,
};

export async function assignedBranchIds(db: Db, franchiseId: string, staffUserId: string): Promise<string[]> {
  const rows = await db
    .select({ branchId: staffBranchAssignments.branchId })
    .from(staffBranchAssignments)
    .where(and(eq(staffBranchAssignments.franchiseId, franchiseId), eq(staffBranchAssignments.staffUserId, staffUserId)))
    .orderBy(asc(staffBranchAssignments.branchId))
    .all();
  return rows.map((r) => r.branchId);
}

export async function getStaffUser(db: Db, franchiseId: string, id: string): Promise<StaffUserWithBranches | undefined> {
  const user = await db.select(visibleColumns).from(staffUsers).where(and(eq(staffUsers.franchiseId, franchiseId), eq(staffUsers.id, id))).get();
  return user && { user, branchIds: await assignedBranchIds(db, franchiseId, id) };
}

/** Newest first, `limit + 1` rows from before the cursor (see resources/common.ts `page`). */
export async function listStaffUsers(db: Db, franchiseId: string, opts: { before?: string | undefined; limit: number }): Promise<StaffUserWithBranches[]> {
  const where = and(eq(staffUsers.franchiseId, franchiseId), opts.before ? lt(staffUsers.id, opts.before) : undefined);
  const users = await db.select(visibleColumns).from(staffUsers).where(where).orderBy(desc(staffUsers.id)).limit(opts.limit + 1).all();
  if (users.length === 0) return [];
  const assignments = await selectInChunks(users.map((u) => u.id), (ids) =>
    db.select().from(staffBranchAssignments).where(and(eq(staffBranchAssignments.franchiseId, franchiseId), inArray(staffBranchAssignments.staffUserId, ids))),
  );
  const byUser = Map.groupBy(assignments, (a) => a.staffUserId);
  return users.map((user) => ({ user, branchIds: (byUser.get(user.id) ?? []).map((a) => a.branchId).sort() }));
}

export async function emailTaken(db: Db, email: string): Promise<boolean> {
  return (await db.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.email, email)).get()) !== undefined;
}

/** Which of `branchIds` are branches of the franchise. */
export async function existingBranchIds(db: Db, franchiseId: string, branchIds: readonly string[]): Promise<Set<string>> {
  const rows = await selectInChunks([...branchIds], (ids) => db.select({ id: branches.id }).from(branches).where(and(eq(branches.franchiseId, franchiseId), inArray(branches.id, ids))));
  return new Set(rows.map((r) => r.id));
}

function assignmentInserts(db: Db, franchiseId: string, staffUserId: string, branchIds: readonly string[], now: string): Statement[] {
  return statementsInChunks(branchIds, (chunk) => db.insert(staffBranchAssignments).values(chunk.map((branchId) => ({ franchiseId, staffUserId, branchId, createdAt: now }))));
}

function staffEvent(db: Db, type: "staff.created" | "staff.updated" | "staff.deactivated", u: StaffUserWithBranches, now: string, actor: string): Statement {
  return outboxInsert(db, {
    franchiseId: u.user.franchiseId,
    type,
    aggregateType: "staff_user",
    aggregateId: u.user.id,
    aggregateVersion: u.user.version,
    actor,
    payload: staffUserPayload({ ...u.user, branchIds: u.branchIds }),
    occurredAt: now,
  });
}

export function insertStaffStatements(db: Db, row: typeof staffUsers.$inferInsert & { createdAt: string }, branchIds: readonly string[], actor: string): Statement[] {
  const { passwordHash: _, ...visible } = row;
  return [
    db.insert(staffUsers).values(row),
    ...assignmentInserts(db, row.franchiseId, row.id, branchIds, row.createdAt),
    staffEvent(db, "staff.created", { user: { ...visible, role: row.role, deactivatedAt: null, version: 1 }, branchIds: [...branchIds] }, row.createdAt, actor),
  ];
}

/** The user is still active and unchanged since `current` was read; else the batch aborts. */
const unchangedAndActive = (db: Db, { user }: StaffUserWithBranches) =>
  assertInBatch(db, "staff_user_unchanged", sql`EXISTS (SELECT 1 FROM staff_users WHERE franchise_id = ${user.franchiseId} AND id = ${user.id} AND deactivated_at IS NULL AND version = ${user.version})`);

/** Changes name/role and replaces the branch assignments. */
export function updateStaffStatements(db: Db, current: StaffUserWithBranches, change: { name: string; role: string; branchIds: readonly string[] }, now: string, actor: string): Statement[] {
  const { franchiseId, id } = current.user;
  const next = { user: { ...current.user, name: change.name, role: change.role, version: current.user.version + 1 }, branchIds: [...change.branchIds] };
  return [
    unchangedAndActive(db, current),
    db.update(staffUsers).set({ name: change.name, role: change.role, version: sql`${staffUsers.version} + 1` }).where(and(eq(staffUsers.franchiseId, franchiseId), eq(staffUsers.id, id))),
    db.delete(staffBranchAssignments).where(and(eq(staffBranchAssignments.franchiseId, franchiseId), eq(staffBranchAssignments.staffUserId, id))),
    ...assignmentInserts(db, franchiseId, id, change.branchIds, now),
    staffEvent(db, "staff.updated", next, now, actor),
  ];
}

/** Deactivates the user and ends every session of theirs. */
export function deactivateStaffStatements(db: Db, current: StaffUserWithBranches, now: string, actor: string): Statement[] {
  const { franchiseId, id } = current.user;
  return [
    unchangedAndActive(db, current),
    db.update(staffUsers).set({ deactivatedAt: now, version: sql`${staffUsers.version} + 1` }).where(and(eq(staffUsers.franchiseId, franchiseId), eq(staffUsers.id, id))),
    staffEvent(db, "staff.deactivated", { user: { ...current.user, deactivatedAt: now, version: current.user.version + 1 }, branchIds: current.branchIds }, now, actor),
    db
      .update(staffSessions)
      .set({ revokedAt: now })
      .where(and(eq(staffSessions.franchiseId, franchiseId), eq(staffSessions.staffUserId, id), isNull(staffSessions.revokedAt))),
  ];
}
