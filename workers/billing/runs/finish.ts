// The end of a run: done once no item is still planned; failed (with the reason) when the
// workflow gave up. Per-customer failures do not fail the run: they are its `errors`.
import { sql } from "drizzle-orm";
import { runBatch } from "../../db/batch.ts";
import { runCountersUpdate, setRunStatusStatement } from "../../db/billing-runs.ts";
import type { Db } from "../../db/client.ts";

export async function finishRun(db: Db, franchiseId: string, runId: string, now: Date): Promise<"done" | "running"> {
  const left = await db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM billing_run_items WHERE run_id = ${runId} AND franchise_id = ${franchiseId} AND status = 'planned'`);
  // Items still planned mean a chunk was skipped: the workflow must not call it done.
  if ((left?.n ?? 0) > 0) return "running";
  await runBatch(db, [runCountersUpdate(db, franchiseId, runId, now.toISOString()), setRunStatusStatement(db, franchiseId, runId, "done", now.toISOString())]);
  return "done";
}

export async function failRun(db: Db, franchiseId: string, runId: string, now: Date, reason: string): Promise<void> {
  await runBatch(db, [runCountersUpdate(db, franchiseId, runId, now.toISOString()), setRunStatusStatement(db, franchiseId, runId, "failed", now.toISOString(), reason.slice(0, 500))]);
}
