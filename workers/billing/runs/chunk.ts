// One chunk of a billing run: price its planned items like the API prices a draft, report the
// customers that cannot be billed (unknown or archived customer, a missing tax rate, a bad line)
// without stopping the run, and have the branch's InvoiceSequence number and write the rest as
// one block in one D1 batch. Safe to run any number of times: only items still "planned" are
// read, an item's status flips in the same batch as its invoice, and billing keys already
// invoiced (by this or any run) are never billed again (billing_run_invoices' primary key).
import { addDays } from "../../domain/dates.ts";
import { DomainError } from "../../domain/errors.ts";
import { DEFAULT_DUE_IN_DAYS, priceDraft, type DraftLineInput } from "../../domain/invoice-draft.ts";
import { runBatch } from "../../db/batch.ts";
import { chunkWork, markItemsFailedStatement, runCountersUpdate, type ItemFailure } from "../../db/billing-runs.ts";
import type { Db } from "../../db/client.ts";
import { newId } from "../../db/ids.ts";
import type { BlockInvoice } from "../../db/invoice-blocks.ts";
import { partiesAtIssue } from "../parties.ts";
import { sequenceFor } from "../sequence-client.ts";
import { createLogger } from "../../observability/logger.ts";
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
  const t0 = performance.now();
  const run = opts.context === undefined ? await loadRunContext(db, franchiseId, runId) : opts.context;
  if (!run) return { issued: 0, failed: 0 };
  const items = await chunkWork(db, franchiseId, runId, chunk * RUN_CHUNK_SIZE, (chunk + 1) * RUN_CHUNK_SIZE);
  if (items.length === 0) return { issued: 0, failed: 0 };
  const { branch, taxRates } = run;
  const categories = new Map(run.categories);
  const t1 = performance.now();
  const failures: ItemFailure[] = [];
  const block: BlockInvoice[] = [];
  for (const item of items) {
    const keys = JSON.parse(item.billingKeys) as string[];
    const fail = (code: string, message: string) => failures.push({ position: item.position, code, message });
    const customer = item.customer;
    if (!customer) { fail("unknown_customer", `customer ${item.customerId} does not exist`); continue; }
    if (customer.status !== "active") { fail("customer_archived", `customer ${item.customerId} is archived`); continue; }
    if (item.billedKey) { fail("already_billed", `${item.billedKey} was already invoiced`); continue; }
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
  const t2 = performance.now();
  let t3 = t2;
  if (block.length > 0) {
    if (opts.turn) await opts.turn.catch(() => undefined);
    t3 = performance.now();
    const result = await sequenceFor(env, branch.id).issueBlock(branch.code, { franchiseId, branchId: branch.id, runId, currency: branch.currency, issueDate: run.issueDate, now: now.toISOString(), actor, invoices: block });
    if (!result.ok) {
      // A refusal that retrying cannot fix (e.g. the series already has a later date): report it per customer.
      if (result.code === "numbering_contended") throw new Error(result.message);
      await runBatch(db, [markItemsFailedStatement(db, runId, block.map((b) => ({ position: b.position, code: result.code, message: result.message }))), runCountersUpdate(db, franchiseId, runId, now.toISOString())]);
      return { issued: 0, failed: failures.length + block.length };
    }
  }
  // Where a chunk's time goes (reads, pricing, waiting for the previous chunk, the DO's numbering + batch).
  createLogger(env.LOG_LEVEL, { runId }).info("billing run chunk", { chunk, issued: block.length, failed: failures.length, readMs: Math.round(t1 - t0), priceMs: Math.round(t2 - t1), waitMs: Math.round(t3 - t2), issueMs: Math.round(performance.now() - t3) });
  return { issued: block.length, failed: failures.length };
}
