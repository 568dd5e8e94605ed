// Partner API keys. Only a SHA-256 of the key is stored; the key itself is returned once, at creation.
import { and, desc, eq, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { assertInBatch, isBatchAssertionFailure, runBatch, type Statement } from "./batch.ts";
import { apiKeys } from "./schema.ts";

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export function insertApiKeyStatement(db: Db, row: Omit<ApiKeyRow, "revokedAt">): Statement {
  return db.insert(apiKeys).values(row);
}

export async function getApiKey(db: Db, franchiseId: string, id: string): Promise<ApiKeyRow | undefined> {
  return db.select().from(apiKeys).where(and(eq(apiKeys.franchiseId, franchiseId), eq(apiKeys.id, id))).get();
}

/** Newest first, `limit + 1` rows from before the cursor (see resources/common.ts `page`). */
export async function listApiKeys(db: Db, franchiseId: string, opts: { before?: string | undefined; limit: number }): Promise<ApiKeyRow[]> {
  const where = opts.before ? and(eq(apiKeys.franchiseId, franchiseId), lt(apiKeys.id, opts.before)) : eq(apiKeys.franchiseId, franchiseId);
  return db.select().from(apiKeys).where(where).orderBy(desc(apiKeys.id)).limit(opts.limit + 1).all();
}

/** Revokes a live key; false when there is none. `extra` joins the batch (the idempotency commit). */
export async function revokeApiKey(db: Db, franchiseId: string, id: string, now: string, extra: Statement[] = []): Promise<boolean> {
  try {
    await runBatch(db, [
      assertInBatch(db, "api_key_live", sql`EXISTS (SELECT 1 FROM api_keys WHERE franchise_id = ${franchiseId} AND id = ${id} AND revoked_at IS NULL)`),
      db.update(apiKeys).set({ revokedAt: now }).where(and(eq(apiKeys.franchiseId, franchiseId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt))),
      ...extra,
    ]);
    return true;
  } catch (error) {
    if (isBatchAssertionFailure(error)) return false;
    throw error;
  }
}
