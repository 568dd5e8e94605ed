// Staff management by a franchise's admins: invite (with a one-time initial password), change
// role and branches, deactivate. The initial password is returned once and only its PBKDF2 hash
// is stored; a deactivated user's sessions end in the same batch and, in this isolate, at once.
import type { BillingContext } from "../billing/context.ts";
import { conflict, invalid, notFound } from "../domain/errors.ts";
import { isBatchAssertionFailure, runBatch } from "../db/batch.ts";
import { idempotencyCommit } from "../db/idempotency.ts";
import { newId } from "../db/ids.ts";
import { deactivateStaffStatements, emailTaken, existingBranchIds, getStaffUser, insertStaffStatements, updateStaffStatements, type StaffUserWithBranches } from "../db/staff.ts";
import { forgetPrincipal } from "./principal-cache.ts";
import { roleOf, type StaffRole } from "./roles.ts";
import { base64url, hashPassword } from "./secrets.ts";

export interface NewStaffUser {
  email: string;
  name: string;
  role: StaffRole;
  branchIds?: string[] | undefined;
}

/** Branch managers need at least one branch of the franchise; other roles see all branches and take none. */
async function checkedBranches(ctx: BillingContext, role: StaffRole, branchIds: readonly string[]): Promise<string[]> {
  const unique = [...new Set(branchIds)].sort();
  if (role !== "branch_manager") {
    if (unique.length > 0) throw invalid("branches_only_for_branch_managers", "branchIds", `a ${role} sees every branch; branchIds is only for branch_manager`);
    return [];
  }
  if (unique.length === 0) throw invalid("branch_manager_needs_branches", "branchIds", "a branch_manager needs at least one branch");
  const existing = await existingBranchIds(ctx.db, ctx.franchiseId, unique);
  const index = branchIds.findIndex((id) => !existing.has(id));
  if (index >= 0) throw invalid("unknown_branch", `branchIds.${index}`, `branch ${branchIds[index]} does not exist`);
  return unique;
}

/** 18 random bytes: 24 base64url characters, comfortably above any guessing budget with login throttling. */
const newInitialPassword = () => base64url(crypto.getRandomValues(new Uint8Array(18)));

export async function createStaffUser(ctx: BillingContext, input: NewStaffUser): Promise<{ created: StaffUserWithBranches; initialPassword: string }> {
  const email = input.email.toLowerCase();
  const branchIds = await checkedBranches(ctx, input.role, input.branchIds ?? []);
  // Emails sign in without naming a franchise, so they are unique across the whole service.
  if (await emailTaken(ctx.db, email)) throw conflict("email_taken", "a staff user with this email already exists");
  const initialPassword = newInitialPassword();
  const now = ctx.clock.now();
  const row = { id: newId("usr", now.getTime()), franchiseId: ctx.franchiseId, email, name: input.name, role: input.role, passwordHash: await hashPassword(initialPassword), createdAt: now.toISOString() };
  try {
    await runBatch(ctx.db, [...insertStaffStatements(ctx.db, row, branchIds, ctx.actor), ...idempotencyCommit(ctx.db, ctx.idempotency, "staff.created", row.id)]);
  } catch (error) {
    if (error instanceof Error && /UNIQUE constraint failed: staff_users\.email/.test(error.message)) throw conflict("email_taken", "a staff user with this email already exists");
    throw error;
  }
  const { passwordHash: _, ...user } = row;
  return { created: { user: { ...user, deactivatedAt: null, version: 1 }, branchIds }, initialPassword };
}

async function loadActive(ctx: BillingContext, id: string): Promise<StaffUserWithBranches> {
  const found = await getStaffUser(ctx.db, ctx.franchiseId, id);
  if (!found) throw notFound("staff_user", id);
  if (found.user.deactivatedAt !== null) throw conflict("staff_user_deactivated", "the staff user is deactivated");
  return found;
}

async function runOnActive(ctx: BillingContext, statements: Parameters<typeof runBatch>[1]): Promise<void> {
  try {
    await runBatch(ctx.db, statements);
  } catch (error) {
    if (isBatchAssertionFailure(error)) throw conflict("staff_user_changed", "the staff user changed or was deactivated meanwhile; read it again");
    throw error;
  }
}

/** The acting admin's own staff id, when the actor is a staff session ("staff:<id>"). */
const actingStaffId = (ctx: BillingContext) => (ctx.actor.startsWith("staff:") ? ctx.actor.slice("staff:".length) : undefined);

export async function updateStaffUser(ctx: BillingContext, id: string, change: { name?: string | undefined; role?: StaffRole | undefined; branchIds?: string[] | undefined }): Promise<void> {
  const current = await loadActive(ctx, id);
  const role = change.role ?? roleOf(current.user.role);
  // An admin cannot demote themselves: the franchise always keeps the admin who is acting.
  if (id === actingStaffId(ctx) && role !== current.user.role) throw conflict("cannot_change_own_role", "you cannot change your own role; ask another admin");
  // Leaving branch_manager drops the assignments; staying keeps them unless new ones are given.
  const branchIds = await checkedBranches(ctx, role, change.branchIds ?? (role === "branch_manager" ? current.branchIds : []));
  await runOnActive(ctx, [
    ...updateStaffStatements(ctx.db, current, { name: change.name ?? current.user.name, role, branchIds }, ctx.clock.now().toISOString(), ctx.actor),
    ...idempotencyCommit(ctx.db, ctx.idempotency, "staff.updated", id),
  ]);
  // The new role and branches apply at once in this isolate (others within the cache's 30 s).
  forgetPrincipal((p) => p.kind === "staff" && p.id === id);
}

export async function deactivateStaffUser(ctx: BillingContext, id: string): Promise<void> {
  const current = await loadActive(ctx, id);
  if (id === actingStaffId(ctx)) throw conflict("cannot_deactivate_self", "you cannot deactivate yourself; ask another admin");
  await runOnActive(ctx, [...deactivateStaffStatements(ctx.db, current, ctx.clock.now().toISOString(), ctx.actor), ...idempotencyCommit(ctx.db, ctx.idempotency, "staff.deactivated", id)]);
  forgetPrincipal((p) => p.kind === "staff" && p.id === id);
}
