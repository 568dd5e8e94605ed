// The daily BI feed: every franchise's export of the previous UTC day, queued on bi-export.
import { sql } from "drizzle-orm";
import { database, type Db } from "../db/client.ts";
import { newId } from "../db/ids.ts";
import { tenantDatabases } from "../db/resolver.ts";
import { addDays } from "../domain/dates.ts";
import type { Logger } from "../observability/logger.ts";
import type { BiExportMessage } from "./export.ts";
import { BI_TABLES } from "./tables.ts";

export const BI_EXPORT_CRON = "15 3 * * *";

/** Records a queued export and sends it to the bi-export queue. */
export async function queueBiExport(env: Env, db: Db, franchiseId: string, date: string, requestedBy: string, now: Date) {
  const id = newId("bix", now.getTime());
  const at = now.toISOString();
  await db.run(
    sql`INSERT INTO bi_exports (id, franchise_id, date, status, tables_done, tables_total, rows, error, requested_by, created_at, updated_at)
        VALUES (${id}, ${franchiseId}, ${date}, 'queued', 0, ${BI_TABLES.length}, 0, NULL, ${requestedBy}, ${at}, ${at})`,
  );
  await env.BI_EXPORT.send({ exportId: id, franchiseId, date } satisfies BiExportMessage);
  return id;
}

export async function scheduleDailyBiExports(env: Env, logger: Logger, now = new Date()): Promise<number> {
  const date = addDays(now.toISOString().slice(0, 10), -1);
  let queued = 0;
  for (const d1 of tenantDatabases(env)) {
    const db = database(d1);
    for (const { id } of await db.all<{ id: string }>(sql`SELECT id FROM franchises ORDER BY id`)) {
      await queueBiExport(env, db, id, date, "system:bi-cron", now);
      queued++;
    }
  }
  logger.info("bi exports queued", { date, franchises: queued });
  return queued;
}
