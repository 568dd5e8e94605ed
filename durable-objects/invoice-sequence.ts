// InvoiceSequence: one instance per branch (named by branch id). It owns the branch's gapless
// document series. Numbering and the D1 write that uses the number happen under one lock, and
// the counter only advances after D1 accepted the write, so a number is never skipped; the
// unique (branch_id, seq) index in D1 means it is never reused either. D1 stays the source of
// truth: a fresh instance, or one whose write failed, re-reads the series head from D1.
import { DurableObject } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { database } from "../workers/db/client.ts";
import { franchiseDatabase } from "../workers/db/resolver.ts";
import { runBatch, isBatchAssertionFailure } from "../workers/db/batch.ts";
import { issueStatements, type IssueCommand } from "../workers/db/invoices.ts";
import { creditNoteStatements, type CreditNoteCommand } from "../workers/db/credit-notes.ts";
import { formatDocumentNumber, type DocumentSeries } from "../workers/domain/document-number.ts";
import { DomainError, conflict } from "../workers/domain/errors.ts";

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

const SERIES_TABLE: Record<DocumentSeries, "invoices" | "credit_notes"> = { invoice: "invoices", credit_note: "credit_notes" };

export class InvoiceSequence extends DurableObject<Env> {
  private lock: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
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

  /** The series head, for monitoring and tests. */
  async head(series: DocumentSeries, franchiseId: string, branchId: string): Promise<SeriesHead> {
    return this.serialized(() => this.loadHead(series, franchiseId, branchId));
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
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
    const head = await this.loadHead(series, franchiseId, branchId);
    // Numbers must follow the order of dates within a series (required e.g. in Spain).
    if (head.lastIssueDate !== null && issueDate < head.lastIssueDate) {
      return { ok: false, kind: "conflict", code: "issue_date_before_last_in_series", message: `the series already has a document dated ${head.lastIssueDate}; ${issueDate} would break date order` };
    }
    const seq = head.lastSeq + 1;
    const number = formatDocumentNumber(branchCode, series, seq);
    try {
      await runBatch(database(franchiseDatabase(this.env, franchiseId)), statementsFor(seq, number));
    } catch (error) {
      // Whatever happened, D1 knows whether the number was used: re-read before the next one.
      await this.resyncFromD1(series, franchiseId, branchId);
      if (isBatchAssertionFailure(error)) return { ok: false, ...errorData(conflict(assertionCode, assertionMessage)) };
      // Constraint and trigger violations keep their message across RPC; workers/api/error-handler.ts maps them.
      throw error;
    }
    this.saveHead(series, branchId, { lastSeq: seq, lastIssueDate: head.lastIssueDate !== null && head.lastIssueDate > issueDate ? head.lastIssueDate : issueDate });
    return { ok: true, value: { seq, number } };
  }
}

function errorData(e: DomainError) {
  return { kind: e.kind, code: e.code, message: e.message };
}
