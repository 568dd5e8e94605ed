// Who is calling: a partner's API key or a staff session. Either way it belongs to exactly one
// franchise, and every data access is scoped by that franchise.
import type { StaffRole } from "./roles.ts";

export type Scope = "read" | "write";

export interface Principal {
  kind: "api_key" | "staff";
  /** The api key id or the staff user id. */
  id: string;
  franchiseId: string;
  scopes: ReadonlySet<Scope>;
  /** Staff only: the user's role (workers/auth/roles.ts); the scopes above are derived from it. */
  role?: StaffRole | undefined;
  /** Staff branch managers only: the branches they are assigned to (see branchScopeOf). */
  branchIds?: readonly string[] | undefined;
}

/** The actor recorded on the events a principal causes. */
export function actorOf(principal: Pick<Principal, "kind" | "id">): string {
  return `${principal.kind}:${principal.id}`;
}

export function parseScopes(value: string): Set<Scope> {
  const scopes = new Set<Scope>();
  for (const s of value.split(/\s+/)) if (s === "read" || s === "write") scopes.add(s);
  return scopes;
}
