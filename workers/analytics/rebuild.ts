// Rebuilds a franchise's rollup from scratch out of the billing tables, as one batch. D1 has no
// snapshot reads, so the outbox seq is read before and after the scan: equal means no change
// landed meanwhile (every change writes an event), and the write batch itself asserts the seq
// is still that one, so the rebuilt cells cover exactly the events up to it. Otherwise it tries again.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { isBatchAssertionFailure } from "../db/batch.ts";
import { addCellsStatements, clearRollupStatements, maxOutboxSeq, rawAssert, recordRebuildStatement, runRawBatch, type Cell } from "../db/analytics-rollups.ts";
import { issuedInvoiceIds, loadInvoiceFacts } from "../db/analytics-sources.ts";
import { CellAccumulator } from "../domain/analytics/cells.ts";
import { factContributions } from "./facts.ts";

const PAGE = 2000;
const ATTEMPTS = 5;

export interface RebuildResult {
  franchiseId: string;
  invoices: number;
  cells: number;
  throughSeq: number;
  attempts: number;
}

/** Every cell of the franchise, computed from the billing tables (nothing written). */
export async function computeCells(db: Db, franchiseId: string): Promise<{ cells: Cell[]; invoices: number }> {
  const acc = new CellAccumulator();
  let after = "";
  let invoices = 0;
  for (;;) {
    const ids = await issuedInvoiceIds(db, franchiseId, after, PAGE);
    if (ids.length === 0) break;
    for (const f of await loadInvoiceFacts(db, franchiseId, ids)) acc.add(factContributions(f));
    invoices += ids.length;
    after = ids[ids.length - 1] as string;
    if (ids.length < PAGE) break;
  }
  return { cells: acc.nonZero(), invoices };
}

export interface RebuildOptions {
  now: () => Date;
  /** Test seam: runs after the scan, just before the write batch (where a concurrent write would land). */
  beforeCommit?: (attempt: number) => Promise<void>;
}

export async function rebuildRollup(db: Db, franchiseId: string, { now, beforeCommit }: RebuildOptions): Promise<RebuildResult> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const before = await maxOutboxSeq(db, franchiseId);
    const { cells, invoices } = await computeCells(db, franchiseId);
    if ((await maxOutboxSeq(db, franchiseId)) !== before) continue;
    await beforeCommit?.(attempt);
    try {
      await runRawBatch(db, [
        rawAssert(db, "analytics_rebuild_stale", sql`COALESCE((SELECT MAX(seq) FROM outbox_events WHERE franchise_id = ${franchiseId}), 0) = ${before}`),
        ...clearRollupStatements(franchiseId),
        ...addCellsStatements(franchiseId, cells),
        recordRebuildStatement(franchiseId, before, now().toISOString(), cells.length),
      ]);
      return { franchiseId, invoices, cells: cells.length, throughSeq: before, attempts: attempt };
    } catch (error) {
      if (!isBatchAssertionFailure(error)) throw error;
    }
  }
  throw new Error(`analytics rebuild of ${franchiseId} kept racing with writes (${ATTEMPTS} attempts)`);
}
