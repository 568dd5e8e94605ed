// InvoiceSequence: one instance per branch (named by branch id). It owns the branch's gapless
// document series. Numbering and the D1 write that uses the number happen under one lock, and
// the counter only advances after D1 accepted the write, so a number is never skipped; the
// unique (branch_id, seq) index in D1 means it is never reused either. D1 stays the source of
// truth: a fresh instance, or one whose write failed, re-reads the series head from D1.
// Every numbering batch also asserts in D1 that seq = MAX(seq) + 1 for the series, so a counter
// that drifted from D1 (restored storage, a hand fix, a hung call released by the lock timeout)
// can neither skip nor collide: the batch aborts, the drift is logged at error, the head is
// re-read from D1 and the write retried once.
import { DurableObject } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { database } from "../workers/db/client.ts";
import { franchiseDatabase } from "../workers/db/resolver.ts";
import { assertInBatch, runBatch, isBatchAssertionFailure, type Statement } from "../workers/db/batch.ts";
import { issueStatements, type IssueCommand } from "../workers/db/invoices.ts";
import { creditNoteStatements, type CreditNoteCommand } from "../workers/db/credit-notes.ts";
import { blockIssueStatements, type BlockCommand } from "../workers/db/invoice-blocks.ts";
import { formatDocumentNumber, type DocumentSeries } from "../workers/domain/document-number.ts";
import { type DomainError, conflict } from "../workers/domain/errors.ts";
import { createLogger, type Logger } from "../workers/observability/logger.ts";
import { SerialLock } from "./serial-lock.ts";

/** How long one call may hold a branch's numbering before the next one is let through. */
export const SEQUENCE_LOCK_TIMEOUT_MS = 10_000;

export interface IssuedNumber {
  seq: number;
  number: string;
}

interface SeriesHead {
  lastSeq: number;
  lastIssueDate: string | null;
}

/** Errors cross the RPC boundary as plain data; the caller turns them back into DomainErrors. */
export type SequenceResult = { ok: true; value: IssuedNumber } | { ok: false; kind: DomainError["kind"]; code: string; message: string };

/** A block's numbers: first..last, consecutive; empty blocks take none (first > last). */
export type BlockResult = { ok: true; value: { firstSeq: number; lastSeq: number } } | { ok: false; kind: DomainError["kind"]; code: string; message: string };

const SERIES_TABLE: Record<DocumentSeries, "invoices" | "credit_notes"> = { invoice: "invoices", credit_note: "credit_notes" };

export class InvoiceSequence extends DurableObject<Env> {
  private readonly logger: Logger;
  private lock: SerialLock;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.logger = createLogger(env.LOG_LEVEL, { durableObject: "InvoiceSequence" });
    this.lock = new SerialLock(SEQUENCE_LOCK_TIMEOUT_MS, () => this.logger.error("numbering call exceeded the lock timeout; letting the next one through", { timeoutMs: SEQUENCE_LOCK_TIMEOUT_MS }));
    ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS series (
        series TEXT PRIMARY KEY, branch_id TEXT NOT NULL, last_seq INTEGER NOT NULL, last_issue_date TEXT
      )`);
    });
  }

  async issueInvoice(branchCode: string, cmd: IssueCommand): Promise<SequenceResult> {
    return this.serialized(() =>
      this.commitNext("invoice", cmd.franchiseId, cmd.branchId, branchCode, cmd.issueDate, (seq, number) => issueStatements(database(franchiseDatabase(this.env, cmd.franchiseId)), cmd, seq, number), "invoice_not_draft", "the invoice is no longer the draft that was priced (issued, voided or changed meanwhile)"),
    );
  }

  async issueCreditNote(branchCode: string, cmd: CreditNoteCommand): Promise<SequenceResult> {
    return this.serialized(() =>
      this.commitNext("credit_note", cmd.franchiseId, cmd.branchId, branchCode, cmd.issueDate, (seq, number) => creditNoteStatements(database(franchiseDatabase(this.env, cmd.franchiseId)), cmd, seq, number), "invoice_not_open", "the invoice is no longer open"),
    );
  }

  /**
   * Billing runs (issue 13): reserves the next `cmd.invoices.length` numbers as ONE block and
   * writes the whole block (create + issue) in ONE D1 batch under the numbering lock. The block is
   * exactly as large as the invoices it carries (the run prices and drops failing customers
   * before calling), and the counter only moves past it after D1 accepted the batch: a block is
   * either fully used or not taken at all, so it can never leave a gap. Same series assertion
   * and drift recovery as single invoices.
   */
  async issueBlock(branchCode: string, cmd: BlockCommand): Promise<BlockResult> {
    if (cmd.invoices.length === 0) return { ok: true, value: { firstSeq: 1, lastSeq: 0 } };
    return this.serialized(async () => {
      const db = database(franchiseDatabase(this.env, cmd.franchiseId));
      let head = await this.loadHead("invoice", cmd.franchiseId, cmd.branchId);
      for (let attempt = 1; ; attempt++) {
        if (head.lastIssueDate !== null && cmd.issueDate < head.lastIssueDate) {
          return { ok: false, kind: "conflict", code: "issue_date_before_last_in_series", message: `the series already has a document dated ${head.lastIssueDate}; ${cmd.issueDate} would break date order` };
        }
        const firstSeq = head.lastSeq + 1;
        const lastSeq = head.lastSeq + cmd.invoices.length;
        try {
          const { inserts, bookkeeping } = blockIssueStatements(db, cmd, firstSeq, (seq) => formatDocumentNumber(branchCode, "invoice", seq));
          await this.writeBatch(cmd.franchiseId, [this.nextInSeriesAssertion("invoice", cmd.franchiseId, cmd.branchId, firstSeq), ...inserts, ...bookkeeping]);
        } catch (error) {
          const actual = await this.resyncFromD1("invoice", cmd.franchiseId, cmd.branchId);
          if (!isBatchAssertionFailure(error) || actual.lastSeq === head.lastSeq) throw error;
          this.logger.error("document series drifted from D1; resynchronised from D1", { branchId: cmd.branchId, series: "invoice", counterLastSeq: head.lastSeq, d1LastSeq: actual.lastSeq, attempt });
          if (attempt >= 2) return { ok: false, ...errorData(conflict("numbering_contended", "the branch's numbering moved while this block was being numbered; retry")) };
          head = actual;
          continue;
        }
        this.saveHead("invoice", cmd.branchId, { lastSeq, lastIssueDate: head.lastIssueDate !== null && head.lastIssueDate > cmd.issueDate ? head.lastIssueDate : cmd.issueDate });
        return { ok: true, value: { firstSeq, lastSeq } };
      }
    });
  }

  /** The series head, for monitoring and tests. */
  async head(series: DocumentSeries, franchiseId: string, branchId: string): Promise<SeriesHead> {
    return this.serialized(() => this.loadHead(series, franchiseId, branchId));
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    return this.lock.run(fn);
  }

  /** The one D1 write of a numbering call (a method, so tests can make it hang). */
  private async writeBatch(franchiseId: string, statements: Statement[]): Promise<void> {
    await runBatch(database(franchiseDatabase(this.env, franchiseId)), statements);
  }

  /** Aborts the batch unless `seq` is exactly the next number of the series in D1. */
  private nextInSeriesAssertion(series: DocumentSeries, franchiseId: string, branchId: string, seq: number): Statement {
    const db = database(franchiseDatabase(this.env, franchiseId));
    const table = sql.identifier(SERIES_TABLE[series]);
    return assertInBatch(db, "series_next_seq", sql`${seq} = (SELECT COALESCE(MAX(seq), 0) + 1 FROM ${table} WHERE franchise_id = ${franchiseId} AND branch_id = ${branchId})`);
  }

  private async loadHead(series: DocumentSeries, franchiseId: string, branchId: string): Promise<SeriesHead> {
    const row = this.ctx.storage.sql.exec<{ last_seq: number; last_issue_date: string | null }>("SELECT last_seq, last_issue_date FROM series WHERE series = ?", series).toArray()[0];
    if (row) return { lastSeq: row.last_seq, lastIssueDate: row.last_issue_date };
    return this.resyncFromD1(series, franchiseId, branchId);
  }

  private async resyncFromD1(series: DocumentSeries, franchiseId: string, branchId: string): Promise<SeriesHead> {
    const table = SERIES_TABLE[series];
    const db = database(franchiseDatabase(this.env, franchiseId));
    const result = await db.get<{ last_seq: number | null; last_issue_date: string | null }>(
      sql`SELECT MAX(seq) AS last_seq, MAX(issue_date) AS last_issue_date FROM ${sql.identifier(table)} WHERE franchise_id = ${franchiseId} AND branch_id = ${branchId} AND seq IS NOT NULL`,
    );
    const head = { lastSeq: result?.last_seq ?? 0, lastIssueDate: result?.last_issue_date ?? null };
    this.saveHead(series, branchId, head);
    return head;
  }

  private saveHead(series: DocumentSeries, branchId: string, head: SeriesHead): void {
    this.ctx.storage.sql.exec(
      `INSERT INTO series (series, branch_id, last_seq, last_issue_date) VALUES (?, ?, ?, ?)
       ON CONFLICT (series) DO UPDATE SET last_seq = excluded.last_seq, last_issue_date = excluded.last_issue_date`,
      series, branchId, head.lastSeq, head.lastIssueDate,
    );
  }

  private async commitNext(
    series: DocumentSeries,
    franchiseId: string,
    branchId: string,
    branchCode: string,
    issueDate: string,
    statementsFor: (seq: number, number: string) => ReturnType<typeof issueStatements>,
    assertionCode: string,
    assertionMessage: string,
  ): Promise<SequenceResult> {
    let head = await this.loadHead(series, franchiseId, branchId);
    for (let attempt = 1; ; attempt++) {
      // Numbers must follow the order of dates within a series (required e.g. in Spain).
      if (head.lastIssueDate !== null && issueDate < head.lastIssueDate) {
        return { ok: false, kind: "conflict", code: "issue_date_before_last_in_series", message: `the series already has a document dated ${head.lastIssueDate}; ${issueDate} would break date order` };
      }
      const seq = head.lastSeq + 1;
      const number = formatDocumentNumber(branchCode, series, seq);
      try {
        await this.writeBatch(franchiseId, [this.nextInSeriesAssertion(series, franchiseId, branchId, seq), ...statementsFor(seq, number)]);
      } catch (error) {
        // Whatever happened, D1 knows whether the number was used: re-read before the next one.
        const actual = await this.resyncFromD1(series, franchiseId, branchId);
        // Constraint and trigger violations keep their message across RPC; workers/api/error-handler.ts maps them.
        if (!isBatchAssertionFailure(error)) throw error;
        // The head was right, so the batch's own precondition failed (e.g. no longer a draft).
        if (actual.lastSeq === head.lastSeq) return { ok: false, ...errorData(conflict(assertionCode, assertionMessage)) };
        this.logger.error("document series drifted from D1; resynchronised from D1", { branchId, series, counterLastSeq: head.lastSeq, d1LastSeq: actual.lastSeq, attempt });
        if (attempt >= 2) return { ok: false, ...errorData(conflict("numbering_contended", "the branch's numbering moved while this document was being numbered; retry")) };
        head = actual;
        continue;
      }
      this.saveHead(series, branchId, { lastSeq: seq, lastIssueDate: head.lastIssueDate !== null && head.lastIssueDate > issueDate ? head.lastIssueDate : issueDate });
      return { ok: true, value: { seq, number } };
    }
  }
}

function errorData(e: DomainError) {
  return { kind: e.kind, code: e.code, message: e.message };
}
