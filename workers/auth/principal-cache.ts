// A per-isolate cache of authenticated principals, so the hot path does not pay a D1 round trip
// (remote from most edge locations) on every request. Entries live 30 s: a revoked key or
// expired session stops working everywhere within that window, and at once in the isolate
// that revoked it. A session entry never outlives the session's own expiry.
//
// Unknown tokens are cached too (negatively, 10 s, bounded), so a flood repeating junk tokens
// does not reach D1 per request. A token only becomes valid when this service creates it, from
// 256 random bits nobody could have sent before; the creating isolate still drops it from the
// negative cache (forgetUnknown) so that even a token seen as unknown here works at once.
import type { Principal } from "./principal.ts";

const TTL_MS = 30_000;
const UNKNOWN_TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;
const MAX_UNKNOWN = 10_000;
const entries = new Map<string, { principal: Principal; until: number }>();
const unknown = new Map<string, number>();

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

/** Drops one token (logout): the next request with it is looked up again. */
export function forgetToken(tokenHash: string): void {
  entries.delete(tokenHash);
}

export function isKnownUnknown(tokenHash: string, now: number): boolean {
  const until = unknown.get(tokenHash);
  if (until === undefined) return false;
  if (until <= now) {
    unknown.delete(tokenHash);
    return false;
  }
  return true;
}

export function rememberUnknown(tokenHash: string, now: number): void {
  // Oldest first out: a flood of distinct junk cycles through the map without growing it.
  if (unknown.size >= MAX_UNKNOWN) unknown.delete(unknown.keys().next().value!);
  unknown.set(tokenHash, now + UNKNOWN_TTL_MS);
}

/** A token this isolate just created (API key, session) must work at once. */
export function forgetUnknown(tokenHash: string): void {
  unknown.delete(tokenHash);
}

/** Number of negatively cached tokens, for tests and monitoring. */
export function unknownTokenCount(): number {
  return unknown.size;
}
