// Daily clean-up of records that only matter for a while: idempotency records past their 24 h
// (in every tenant database), ended staff sessions, and stale login-throttle counters; and the
// archived e-invoice documents whose retention has run out and that no legal hold keeps (issue 10).
import { purgeEndedSessions } from "../auth/sessions.ts";
import { purgeStaleAttempts } from "../auth/login-throttle.ts";
import { purgeExpiredKeys } from "../db/idempotency.ts";
import { tenantDatabases } from "../db/resolver.ts";
import type { Logger } from "../observability/logger.ts";
import { purgeExpiredArchive } from "./purge-archive.ts";

export const PURGE_CRON = "30 2 * * *";

export async function purgeExpired(env: Env, logger: Logger, nowMs = Date.now()): Promise<void> {
  let idempotencyKeys = 0;
  for (const db of tenantDatabases(env)) idempotencyKeys += await purgeExpiredKeys(db, new Date(nowMs).toISOString());
  const sessions = await purgeEndedSessions(env, nowMs);
  const loginAttempts = await purgeStaleAttempts(env, nowMs);
  logger.info("purged expired records", { idempotencyKeys, sessions, loginAttempts });
  await purgeExpiredArchive(env, logger, new Date(nowMs));
}
