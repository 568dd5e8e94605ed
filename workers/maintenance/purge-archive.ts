// Daily: the e-invoice archive's documents whose retention has run out and that no legal hold
// keeps, in every franchise (workers/audit/retention.ts decides and records each purge).
import { purgeFranchiseArchive } from "../audit/retention.ts";
import { billingContext } from "../billing/context.ts";
import { database } from "../db/client.ts";
import { tenantDatabases } from "../db/resolver.ts";
import { franchises } from "../db/schema.ts";
import type { Logger } from "../observability/logger.ts";

export const ARCHIVE_PURGE_ACTOR = "system:archive-purge";

export async function purgeExpiredArchive(env: Env, logger: Logger, now: Date): Promise<{ examined: number; purged: number }> {
  let examined = 0;
  let purged = 0;
  for (const d1 of tenantDatabases(env)) {
    for (const { id } of await database(d1).select({ id: franchises.id }).from(franchises).all()) {
      const result = await purgeFranchiseArchive(billingContext(env, id, { now: () => now }, ARCHIVE_PURGE_ACTOR), now);
      examined += result.examined;
      purged += result.purged;
    }
  }
  logger.info("purged expired archive documents", { examined, purged });
  return { examined, purged };
}
