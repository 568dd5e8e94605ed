// One chunk of a billing run: price its planned items like the API prices a draft, report the
// customers that cannot be billed (unknown or archived customer, a missing tax rate, a bad line)
// without stopping the run, and have the branch's InvoiceSequence number and write the rest as
// one block in one D1 batch. Safe to run any number of times: only items still "planned" are
// read, an item's status flips in the same batch as its invoice, and billing keys already
// invoiced (by this or any run) are never billed again (billing_run_invoices' primary key).
import { and, eq, sql } from "drizzle-orm";
import { addDays } from "../../domain/dates.ts";
import { DomainError } from "../../domain/errors.ts";
import { DEFAULT_DUE_IN_DAYS, priceDraft, type DraftLineInput } from "../../domain/invoice-draft.ts";
import { runBatch } from "../../db/batch.ts";
import { billedKeys, markItemsFailedStatement, plannedItems, runCountersUpdate, type ItemFailure } from "../../db/billing-runs.ts";
import type { Db } from "../../db/client.ts";
import type { CustomerRow } from "../../db/customers.ts";
import { newId } from "../../db/ids.ts";
import type { BlockInvoice } from "../../db/invoice-blocks.ts";
import { customers } from "../../db/schema.ts";
import { partiesAtIssue } from "../parties.ts";
import { sequenceFor } from "../sequence-client.ts";
import { loadRunContext, type RunContext } from "./run-context.ts";

/**
 * Invoices per chunk: one DO call and one D1 batch each. 500, not 100: the fixed cost of a chunk
 * (workflow step, reads, DO hop, batch round trip) is paid 5x less often, while the batch's rows
 * still travel in statements of a few bound parameters each (workers/db/invoice-blocks.ts).
 */
export const RUN_CHUNK_SIZE = 500;

export interface ChunkOutcome {
  issued: number;
  failed: number;
}

export interface ChunkOptions {
  /** The run's reference data, read once per run; read here when absent (a direct call, a test). */
  context?: RunContext | null | undefined;
  /**
   * Settles when the previous chunk has been numbered. The workflow overlaps a chunk's reads and
   * pricing with the previous chunk's write, but numbers must still follow the run's order, so
   * the DO call waits for this.
   */
  turn?: Promise<unknown> | undefined;
}

export async function billChunk(env: Env, db: Db, franchiseId: string, runId: string, chunk: number, now: Date, actor: string, opts: ChunkOptions = {}): Promise<ChunkOutcome> {
  const run = opts.context === undefined ? await loadRunContext(db, franchiseId, runId) : opts.context;
  if (!run) return { issued: 0, failed: 0 };
  const items = await plannedItems(db, franchiseId, runId, chunk * RUN_CHUNK_SIZE, (chunk + 1) * RUN_CHUNK_SIZE);
  if (items.length === 0) return { issued: 0, failed: 0 };
  const { branch, taxRates } = run;
  const categories = new Map(run.categories);
  const [buyers, billed] = await Promise.all([
    customersById(db, franchiseId, items.map((i) => i.customerId)),
    billedKeys(db, franchiseId, items.flatMap((i) => JSON.parse(i.billingKeys) as string[])),
  ]);
  const failures: ItemFailure[] = [];
  const block: BlockInvoice[] = [];
  for (const item of items) {
    const keys = JSON.parse(item.billingKeys) as string[];
    const fail = (code: string, message: string) => failures.push({ position: item.position, code, message });
    const customer = buyers.get(item.customerId);
    if (!customer) { fail("unknown_customer", `customer ${item.customerId} does not exist`); continue; }
    if (customer.status !== "active") { fail("customer_archived", `customer ${item.customerId} is archived`); continue; }
    const already = keys.find((k) => billed.has(k));
    if (already) { fail("already_billed", `${already} was already invoiced`); continue; }
    try {
      const priced = priceDraft({ issueDate: run.issueDate, dueInDays: DEFAULT_DUE_IN_DAYS, lines: JSON.parse(item.lines) as DraftLineInput[] }, { jurisdiction: branch.jurisdiction, taxRates, serviceTypeTaxCategory: categories, today: run.issueDate });
      block.push({
        invoiceId: newId("inv", now.getTime()),
        customerId: customer.id,
        billingKeys: keys,
        position: item.position,
        dueDate: addDays(run.issueDate, DEFAULT_DUE_IN_DAYS),
        memo: `Billing run ${run.period}`,
        lines: priced.lines,
        totals: priced.totals,
        parties: partiesAtIssue(branch, customer),
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const field = error.issues[0]?.field;
      fail(error.code, field ? `${field}: ${error.message}` : error.message);
    }
  }
  // Failures are rare: their counters are recounted from the items (exact whatever ran before).
  if (failures.length > 0) await runBatch(db, [markItemsFailedStatement(db, runId, failures), runCountersUpdate(db, franchiseId, runId, now.toISOString())]);
  if (block.length > 0) {
    if (opts.turn) await opts.turn.catch(() => undefined);
    const result = await sequenceFor(env, branch.id).issueBlock(branch.code, { franchiseId, branchId: branch.id, runId, currency: branch.currency, issueDate: run.issueDate, now: now.toISOString(), actor, invoices: block });
    if (!result.ok) {
      // A refusal that retrying cannot fix (e.g. the series already has a later date): report it per customer.
      if (result.code === "numbering_contended") throw new Error(result.message);
      await runBatch(db, [markItemsFailedStatement(db, runId, block.map((b) => ({ position: b.position, code: result.code, message: result.message }))), runCountersUpdate(db, franchiseId, runId, now.toISOString())]);
      return { issued: 0, failed: failures.length + block.length };
    }
  }
  return { issued: block.length, failed: failures.length };
}

async function customersById(db: Db, franchiseId: string, ids: string[]): Promise<Map<string, CustomerRow>> {
  const rows = await db
    .select()
    .from(customers)
    .where(and(eq(customers.franchiseId, franchiseId), sql`${customers.id} IN (SELECT value FROM json_each(${JSON.stringify([...new Set(ids)])}))`))
    .all();
  return new Map(rows.map((r) => [r.id, r]));
}
