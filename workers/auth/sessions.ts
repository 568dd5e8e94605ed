// Staff sessions: created at login (the token is shown once, only its SHA-256 is stored),
// revoked at logout, expiring after SESSION_HOURS. The auth middleware refuses revoked and
// expired sessions; the principal cache never keeps one past its expiry.
import { directoryDatabase } from "../db/resolver.ts";
import { newId } from "../db/ids.ts";
import { forgetToken, forgetUnknown } from "./principal-cache.ts";
import { newSecretToken, SESSION_TOKEN_PREFIX, sha256Hex } from "./secrets.ts";

export const SESSION_HOURS = 12;

export async function createSession(env: Env, user: { id: string; franchiseId: string }, nowMs: number): Promise<{ token: string; expiresAt: string }> {
  const token = newSecretToken(SESSION_TOKEN_PREFIX);
  const tokenHash = await sha256Hex(token);
  const expiresAt = new Date(nowMs + SESSION_HOURS * 3_600_000).toISOString();
  await directoryDatabase(env)
    .prepare("INSERT INTO staff_sessions (id, franchise_id, staff_user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(newId("ses"), user.franchiseId, user.id, tokenHash, new Date(nowMs).toISOString(), expiresAt)
    .run();
  forgetUnknown(tokenHash);
  return { token, expiresAt };
}

/** Revokes the session the token belongs to (if any); it is refused at once in this isolate. */
export async function revokeSession(env: Env, token: string, nowMs: number): Promise<void> {
  const tokenHash = await sha256Hex(token);
  await directoryDatabase(env).prepare("UPDATE staff_sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL").bind(new Date(nowMs).toISOString(), tokenHash).run();
  forgetToken(tokenHash);
}

/** Sessions expired or revoked more than a day ago (cron). */
export async function purgeEndedSessions(env: Env, nowMs: number): Promise<number> {
  const cutoff = new Date(nowMs - 24 * 3_600_000).toISOString();
  const result = await directoryDatabase(env).prepare("DELETE FROM staff_sessions WHERE expires_at < ?1 OR revoked_at < ?1").bind(cutoff).run();
  return result.meta.changes;
}
