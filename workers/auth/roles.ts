// Staff roles and what each may do. The read/write scopes every route already checks are derived
// from the role; branch managers are further limited to their assigned branches (branchScopeOf).
import type { Principal, Scope } from "./principal.ts";

export const STAFF_ROLES = ["admin", "finance", "branch_manager", "viewer"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export function isStaffRole(value: string): value is StaffRole {
  return (STAFF_ROLES as readonly string[]).includes(value);
}

/** A role this build does not know (an older row, a typo) gets the least: read-only, like viewer. */
export function roleOf(value: string): StaffRole {
  return isStaffRole(value) ? value : "viewer";
}

export function scopesForRole(role: StaffRole): Set<Scope> {
  return new Set<Scope>(role === "viewer" ? ["read"] : ["read", "write"]);
}

/**
 * The branches a principal is limited to: the assigned ones for a branch manager, null (every
 * branch of the franchise) for everyone else, partner keys included.
 */
export function branchScopeOf(principal: Pick<Principal, "kind" | "role" | "branchIds">): readonly string[] | null {
  if (principal.kind !== "staff" || principal.role !== "branch_manager") return null;
  return principal.branchIds ?? [];
}
