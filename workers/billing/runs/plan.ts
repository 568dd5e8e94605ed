// The plan step: fix the run's work list and mark it running. Ad-hoc items were written at
// submit; an agreements run reads the branch's agreements page by page and writes one item per
// customer with the lines of every agreement billing that month. Positions are deterministic
// (customer, agreement order) and inserts ignore existing positions, so re-executing the step
// after a crash or a restart neither loses nor doubles an item.
import { and, asc, eq, gt, or } from "drizzle-orm";
import { chargesForPeriod, type BillableAgreement } from "../../domain/agreements/invoice-lines.ts";
import type { Cadence } from "../../domain/agreements/cadence.ts";
import { runBatch } from "../../db/batch.ts";
import { countItems, getRun, markRunStarted, insertRunItemsStatement, runCountersUpdate, setRunStatusStatement, type NewRunItem } from "../../db/billing-runs.ts";
import type { Db } from "../../db/client.ts";
import { agreements } from "../../db/schema/billing-runs.ts";

/** Agreements per read: 6,000 (a 50,000-invoice run of 3 agreements each plans in 25 pages, not 75). */
const PAGE = 6_000;
/** Items per insert statement: one JSON parameter, kept well under D1's statement size. */
const ITEMS_PER_INSERT = 500;

export interface RunPlan {
  planned: number;
}

export async function planRun(db: Db, franchiseId: string, runId: string, now: Date): Promise<RunPlan> {
  const run = await getRun(db, franchiseId, runId);
  if (!run) throw new Error(`billing run ${runId} not found`);
  if (run.status === "done" || run.status === "failed") return { planned: run.planned };
  if (run.startedAt === null) await markRunStarted(db, franchiseId, runId, now.toISOString());
  if (run.source === "agreements") await planAgreements(db, franchiseId, runId, run.branchId, run.period);
  await runBatch(db, [setRunStatusStatement(db, franchiseId, runId, "running", now.toISOString()), runCountersUpdate(db, franchiseId, runId, now.toISOString())]);
  return { planned: await countItems(db, runId) };
}

async function planAgreements(db: Db, franchiseId: string, runId: string, branchId: string, period: string): Promise<void> {
  // A customer's agreements must land in one item, so pages break between customers only.
  let after: { customerId: string; id: string } | null = null;
  let position = 0;
  let carry: BillableAgreement[] = [];
  for (;;) {
    const page = await agreementsPage(db, franchiseId, branchId, after);
    const rows = [...carry, ...page];
    const last = page[page.length - 1];
    const done = page.length < PAGE;
    // Keep the last customer's agreements for the next page unless this was the last page.
    const cut = done ? rows.length : rows.findLastIndex((a) => a.customerId !== last?.customerId) + 1;
    const ready = rows.slice(0, cut);
    carry = rows.slice(cut);
    const items: NewRunItem[] = chargesForPeriod(ready, period).map((charge) => ({ position: position++, customerId: charge.customerId, billingKeys: charge.billingKeys, lines: charge.lines }));
    // A page's items in ONE batch (a round trip per page, not per 500 items).
    const inserts = [];
    for (let i = 0; i < items.length; i += ITEMS_PER_INSERT) inserts.push(insertRunItemsStatement(db, franchiseId, runId, items.slice(i, i + ITEMS_PER_INSERT)));
    await runBatch(db, inserts);
    if (done || !last) break;
    after = { customerId: last.customerId, id: last.id };
  }
}

async function agreementsPage(db: Db, franchiseId: string, branchId: string, after: { customerId: string; id: string } | null): Promise<BillableAgreement[]> {
  const rows = await db
    .select()
    .from(agreements)
    .where(
      and(
        eq(agreements.franchiseId, franchiseId),
        eq(agreements.branchId, branchId),
        after ? or(gt(agreements.customerId, after.customerId), and(eq(agreements.customerId, after.customerId), gt(agreements.id, after.id))) : undefined,
      ),
    )
    .orderBy(asc(agreements.customerId), asc(agreements.id))
    .limit(PAGE)
    .all();
  return rows.map((r) => ({ ...r, cadence: r.cadence as Cadence }));
}
