// Back-off for staff logins, per account (the email tried, known or not, so the answer does not
// reveal which accounts exist) and per client address. Counters live in the directory database:
// logins are rare, the check must hold across every isolate and location, and one upsert per
// failure (`failures = failures + 1`, atomic in SQLite) counts concurrent attempts exactly.
// A Durable Object would add a binding and a hop for no stronger guarantee at this rate.
//
// Policy: the first FREE_FAILURES failures in a row cost nothing; each one after that blocks the
// scope for 2^(n - FREE_FAILURES) seconds, capped at MAX_BLOCK. A blocked scope gets 429 with
// Retry-After without even checking the password. A success resets the account's counter (not
// the address's: one valid account must not unlock guessing at others); failures older than
// WINDOW are forgotten.
import { directoryDatabase } from "../db/resolver.ts";

const FREE_FAILURES = { account: 4, ip: 20 } as const;
const MAX_BLOCK_MS = 15 * 60_000;
const WINDOW_MS = 60 * 60_000;

export type ThrottleScope = `account:${string}` | `ip:${string}`;

export function scopesFor(email: string, clientAddress: string | undefined): ThrottleScope[] {
  const scopes: ThrottleScope[] = [`account:${email.toLowerCase()}`];
  if (clientAddress) scopes.push(`ip:${clientAddress}`);
  return scopes;
}

/** Milliseconds until the most blocked scope may try again, or 0. */
export async function blockedForMs(env: Env, scopes: ThrottleScope[], nowMs: number): Promise<number> {
  const db = directoryDatabase(env);
  const rows = await db
    .prepare(`SELECT blocked_until FROM login_attempts WHERE scope IN (${scopes.map(() => "?").join(", ")}) AND blocked_until IS NOT NULL`)
    .bind(...scopes)
    .all<{ blocked_until: string }>();
  return Math.max(0, ...rows.results.map((r) => Date.parse(r.blocked_until) - nowMs));
}

/** The block after the n-th failure in a row: none while free, then 1 s, 2 s, 4 s... capped. */
export function backoffMs(failures: number, freeFailures: number): number {
  if (failures <= freeFailures) return 0;
  return Math.min(MAX_BLOCK_MS, 1000 * 2 ** Math.min(failures - freeFailures - 1, 20));
}

export async function recordFailure(env: Env, scopes: ThrottleScope[], nowMs: number): Promise<void> {
  const db = directoryDatabase(env);
  const now = new Date(nowMs).toISOString();
  const windowStart = new Date(nowMs - WINDOW_MS).toISOString();
  for (const scope of scopes) {
    const row = await db
      .prepare(
        `INSERT INTO login_attempts (scope, failures, last_failure_at) VALUES (?1, 1, ?2)
         ON CONFLICT (scope) DO UPDATE SET failures = CASE WHEN last_failure_at < ?3 THEN 1 ELSE failures + 1 END, last_failure_at = ?2
         RETURNING failures`,
      )
      .bind(scope, now, windowStart)
      .first<{ failures: number }>();
    const block = backoffMs(row?.failures ?? 1, scope.startsWith("ip:") ? FREE_FAILURES.ip : FREE_FAILURES.account);
    if (block > 0) {
      // MAX: a concurrent failure that computed a shorter block never shortens this one.
      await db.prepare("UPDATE login_attempts SET blocked_until = MAX(COALESCE(blocked_until, ''), ?) WHERE scope = ?").bind(new Date(nowMs + block).toISOString(), scope).run();
    }
  }
}

export async function recordSuccess(env: Env, email: string): Promise<void> {
  await directoryDatabase(env).prepare("DELETE FROM login_attempts WHERE scope = ?").bind(`account:${email.toLowerCase()}`).run();
}

/** Counters nobody failed against for a whole window (cron). */
export async function purgeStaleAttempts(env: Env, nowMs: number): Promise<number> {
  const result = await directoryDatabase(env).prepare("DELETE FROM login_attempts WHERE last_failure_at < ?").bind(new Date(nowMs - WINDOW_MS).toISOString()).run();
  return result.meta.changes;
}
