// Staff login: throttled per account and client address, constant-ish time whether or not the
// email exists, a new session on success.
import { eq } from "drizzle-orm";
import { database } from "../db/client.ts";
import { directoryDatabase } from "../db/resolver.ts";
import { staffUsers } from "../db/schema.ts";
import { blockedForMs, recordFailure, recordSuccess, scopesFor } from "./login-throttle.ts";
import { createSession } from "./sessions.ts";
import { roleOf, type StaffRole } from "./roles.ts";
import { assignedBranchIds } from "../db/staff.ts";
import { hashPassword, verifyPassword } from "./secrets.ts";

export type LoginResult =
  | { ok: true; token: string; expiresAt: string; user: { id: string; email: string; name: string; role: StaffRole; franchiseId: string; branchIds?: string[] } }
  | { ok: false; reason: "invalid_credentials" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

// Verifying against a fixed hash when the email is unknown keeps response times alike, so the
// endpoint does not reveal which emails exist.
let decoyHash: Promise<string> | undefined;

export async function logIn(env: Env, input: { email: string; password: string; clientAddress: string | undefined }, nowMs: number): Promise<LoginResult> {
  const email = input.email.toLowerCase();
  const scopes = scopesFor(email, input.clientAddress);
  const blocked = await blockedForMs(env, scopes, nowMs);
  if (blocked > 0) return { ok: false, reason: "throttled", retryAfterSeconds: Math.ceil(blocked / 1000) };
  const user = await database(directoryDatabase(env)).select().from(staffUsers).where(eq(staffUsers.email, email)).get();
  decoyHash ??= hashPassword("not-a-password");
  const valid = await verifyPassword(input.password, user?.passwordHash ?? (await decoyHash));
  // A deactivated user is refused exactly like a wrong password (no hint that the account exists).
  if (!user || !valid || user.deactivatedAt !== null) {
    await recordFailure(env, scopes, nowMs);
    return { ok: false, reason: "invalid_credentials" };
  }
  await recordSuccess(env, email);
  const session = await createSession(env, user, nowMs);
  const role = roleOf(user.role);
  const branchIds = role === "branch_manager" ? await assignedBranchIds(database(directoryDatabase(env)), user.franchiseId, user.id) : undefined;
  return { ok: true, ...session, user: { id: user.id, email: user.email, name: user.name, role, franchiseId: user.franchiseId, ...(branchIds ? { branchIds } : {}) } };
}
