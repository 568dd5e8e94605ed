// Who is calling: a partner's API key or a staff session. Either way it belongs to exactly one
// franchise, and every data access is scoped by that franchise.
export type Scope = "read" | "write";

export interface Principal {
  kind: "api_key" | "staff";
  /** The api key id or the staff user id. */
  id: string;
  franchiseId: string;
  scopes: ReadonlySet<Scope>;
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
