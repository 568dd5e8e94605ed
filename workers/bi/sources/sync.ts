// What the ERP sync capability has for the BI feed: per connection and UTC day, the records that
// reached the ERP (with their issue-to-synced lag), the attempts that failed or were retries, and
// the conflicts raised. Lags are measured as GET /v1/integrations/{id}/status measures them.
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";

export interface ConnectionRow {
  id: string;
  provider: string;
}

/** Every connection the franchise ever had (a disconnected one still has history). */
export async function connections(db: Db, franchiseId: string): Promise<ConnectionRow[]> {
  return db.all<ConnectionRow>(sql`SELECT id, provider FROM erp_connections WHERE franchise_id = ${franchiseId} ORDER BY id`);
}

/** Seconds from the change in Ledgerline to its sync, per document or payment synced that day, per connection (contact records are not in the SLA, as in GET …/status). */
export async function syncedLagsOfDay(db: Db, franchiseId: string, day: string): Promise<{ connectionId: string; lag: number }[]> {
  return db.all(
    sql`SELECT connection_id AS connectionId, max(0, (julianday(synced_at) - julianday(source_at)) * 86400.0) AS lag
        FROM erp_sync_records
        WHERE franchise_id = ${franchiseId} AND synced_at >= ${day} AND synced_at < ${`${day}~`} AND substr(synced_at, 1, 10) = ${day} AND entity_type != 'customer'`,
  );
}

export interface AttemptCounts {
  connectionId: string;
  attempts: number;
  failed: number;
  retried: number;
}

/** Attempts made that day: failed = any outcome but synced/linked; retried = a record's attempt after an earlier one (a retry or a replay: a replay restarts the attempt counter, so the counter cannot tell). */
export async function attemptCountsOfDay(db: Db, franchiseId: string, day: string): Promise<AttemptCounts[]> {
  return db.all<AttemptCounts>(
    sql`SELECT r.connection_id AS connectionId, count(*) AS attempts,
               sum(CASE WHEN t.outcome IN ('synced', 'linked') THEN 0 ELSE 1 END) AS failed,
               sum(CASE WHEN EXISTS (SELECT 1 FROM erp_sync_attempts AS e WHERE e.record_id = t.record_id AND e.franchise_id = t.franchise_id AND (e.at < t.at OR (e.at = t.at AND e.id < t.id))) THEN 1 ELSE 0 END) AS retried
        FROM erp_sync_attempts AS t
        JOIN erp_sync_records AS r ON r.id = t.record_id AND r.franchise_id = t.franchise_id
        WHERE t.franchise_id = ${franchiseId} AND t.at >= ${day} AND t.at < ${`${day}~`} AND substr(t.at, 1, 10) = ${day}
        GROUP BY r.connection_id`,
  );
}

/** Conflicts raised that day per connection. */
export async function conflictsOfDay(db: Db, franchiseId: string, day: string): Promise<{ connectionId: string; n: number }[]> {
  return db.all(
    sql`SELECT connection_id AS connectionId, count(*) AS n FROM erp_conflicts
        WHERE franchise_id = ${franchiseId} AND created_at >= ${day} AND created_at < ${`${day}~`} AND substr(created_at, 1, 10) = ${day}
        GROUP BY connection_id`,
  );
}
