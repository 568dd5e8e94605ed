// Partner API keys. Only a SHA-256 of the key is stored; the key itself is returned once, at creation.
import { and, desc, eq, isNull, lt } from "drizzle-orm";
import type { Db } from "./client.ts";
import { apiKeys } from "./schema.ts";

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export async function insertApiKey(db: Db, row: Omit<ApiKeyRow, "revokedAt">): Promise<void> {
  await db.insert(apiKeys).values(row);
}

/** Newest first, `limit + 1` rows from before the cursor (see resources/common.ts `page`). */
export async function listApiKeys(db: Db, franchiseId: string, opts: { before?: string | undefined; limit: number }): Promise<ApiKeyRow[]> {
  const where = opts.before ? and(eq(apiKeys.franchiseId, franchiseId), lt(apiKeys.id, opts.before)) : eq(apiKeys.franchiseId, franchiseId);
  return db.select().from(apiKeys).where(where).orderBy(desc(apiKeys.id)).limit(opts.limit + 1).all();
}

export async function revokeApiKey(db: Db, franchiseId: string, id: string, now: string): Promise<boolean> {
  const result = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.franchiseId, franchiseId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .run();
  return result.meta.changes === 1;
}
