// A per-isolate cache of authenticated principals, so the hot path does not pay a D1 round trip
// (remote from most edge locations) on every request. Entries live 30 s: a revoked key or
// expired session stops working everywhere within that window, and at once in the isolate
// that revoked it.
import type { Principal } from "./principal.ts";

const TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;
const entries = new Map<string, { principal: Principal; until: number }>();

export function cachedPrincipal(tokenHash: string, now: number): Principal | undefined {
  const hit = entries.get(tokenHash);
  if (!hit) return undefined;
  if (hit.until <= now) {
    entries.delete(tokenHash);
    return undefined;
  }
  return hit.principal;
}

export function rememberPrincipal(tokenHash: string, principal: Principal, now: number, notAfter?: number): void {
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  entries.set(tokenHash, { principal, until: Math.min(now + TTL_MS, notAfter ?? Infinity) });
}

export function forgetPrincipal(match: (principal: Principal) => boolean): void {
  for (const [hash, entry] of entries) if (match(entry.principal)) entries.delete(hash);
}
