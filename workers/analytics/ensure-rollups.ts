// Builds the rollup of every franchise that has none yet (a fresh seed, or after
// `npm run analytics:rebuild` cleared them). Runs on the per-minute cron, so a freshly seeded
// demo has its rollups within a minute of `npm start` (which also fires it once at start-up).
// Costs one indexed query when every franchise has its rollup.
import { sql } from "drizzle-orm";
import { database } from "../db/client.ts";
import { tenantDatabases } from "../db/resolver.ts";
import type { Logger } from "../observability/logger.ts";
import { rebuildRollup, type RebuildResult } from "./rebuild.ts";

export async function ensureRollups(env: Env, logger: Logger): Promise<RebuildResult[]> {
  const done: RebuildResult[] = [];
  for (const d1 of tenantDatabases(env)) {
    const db = database(d1);
    const missing = await db.all<{ id: string }>(sql`SELECT id FROM franchises WHERE id NOT IN (SELECT franchise_id FROM analytics_state) ORDER BY id`);
    for (const { id } of missing) {
      const started = Date.now();
      const result = await rebuildRollup(db, id, { now: () => new Date() });
      logger.info("analytics rollup built", { franchiseId: id, invoices: result.invoices, cells: result.cells, ms: Date.now() - started });
      done.push(result);
    }
  }
  return done;
}
