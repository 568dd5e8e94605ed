// Credit notes: the statements that record one (numbered by the branch's InvoiceSequence) and
// the reads. The credit_notes_guard / settle triggers keep the invoice's balance right.
import { and, asc, desc, eq, inArray, lt } from "drizzle-orm";
import type { Db } from "./client.ts";
import type { Statement } from "./batch.ts";
import { selectInChunks, statementsInChunks } from "./chunks.ts";
import { newId } from "./ids.ts";
import { inBranchScope, type BranchScope } from "./branch-scope.ts";
import { outboxInsert } from "./outbox.ts";
import { idempotencyCommit, type IdempotencyClaim } from "./idempotency.ts";
import { creditNotePayload } from "../events/payloads.ts";
import { creditNoteLines, creditNotes } from "./schema.ts";
import type { CreditNoteLine } from "../domain/credit-note.ts";
import type { InvoiceTotals, TaxGroup } from "../domain/invoice-totals.ts";

export type CreditNoteRow = typeof creditNotes.$inferSelect;
export type CreditNoteLineRow = typeof creditNoteLines.$inferSelect;

export interface CreditNoteCommand {
  franchiseId: string;
  creditNoteId: string;
  invoiceId: string;
  branchId: string;
  customerId: string;
  currency: string;
  reason: string;
  issueDate: string;
  lines: CreditNoteLine[];
  totals: InvoiceTotals;
  /** What the plan applies to the invoice's balance (the settle trigger applies the same MIN). */
  appliedToInvoice: number;
  /** JSON party snapshots copied from the invoice (null for invoices issued before snapshots). */
  seller: string | null;
  buyer: string | null;
  now: string;
  actor: string;
  /** The request's Idempotency-Key lease: the credit-note batch marks it committed. */
  idempotency?: IdempotencyClaim | undefined;
}

export function creditNoteStatements(db: Db, cmd: CreditNoteCommand, seq: number, number: string): Statement[] {
  const statements: Statement[] = [
    db.insert(creditNotes).values({
      id: cmd.creditNoteId,
      franchiseId: cmd.franchiseId,
      invoiceId: cmd.invoiceId,
      branchId: cmd.branchId,
      customerId: cmd.customerId,
      seq,
      number,
      currency: cmd.currency,
      reason: cmd.reason,
      issueDate: cmd.issueDate,
      subtotal: cmd.totals.subtotal,
      taxTotal: cmd.totals.taxTotal,
      total: cmd.totals.total,
      taxBreakdown: JSON.stringify(cmd.totals.taxBreakdown),
      seller: cmd.seller,
      buyer: cmd.buyer,
      createdAt: cmd.now,
    }),
  ];
  statements.push(
    ...statementsInChunks(cmd.lines, (lines) =>
      db.insert(creditNoteLines).values(
        lines.map((l) => ({
          id: newId("cnl"),
          franchiseId: cmd.franchiseId,
          creditNoteId: cmd.creditNoteId,
          position: l.position,
          description: l.description,
          quantityMilli: l.quantityMilli,
          unitPrice: l.unitPrice,
          netAmount: l.netAmount,
          taxCategory: l.taxCategory,
          taxRatePpm: l.taxRatePpm,
        })),
      ),
    ),
  );
  statements.push(
    outboxInsert(db, {
      franchiseId: cmd.franchiseId,
      type: "credit_note.issued",
      aggregateType: "credit_note",
      aggregateId: cmd.creditNoteId,
      aggregateVersion: 1,
      actor: cmd.actor,
      payload: creditNotePayload(
        { id: cmd.creditNoteId, number, invoiceId: cmd.invoiceId, branchId: cmd.branchId, customerId: cmd.customerId, currency: cmd.currency, reason: cmd.reason, issueDate: cmd.issueDate, subtotal: cmd.totals.subtotal, taxTotal: cmd.totals.taxTotal, total: cmd.totals.total, appliedToInvoice: cmd.appliedToInvoice, taxBreakdown: cmd.totals.taxBreakdown },
        cmd.lines,
      ),
      occurredAt: cmd.now,
    }),
    ...idempotencyCommit(db, cmd.idempotency, "credit_note.issued", cmd.creditNoteId),
  );
  return statements;
}

/** The tax groups of every credit note already issued against the invoice (for the per-group caps). */
export async function creditedGroupsOf(db: Db, franchiseId: string, invoiceId: string): Promise<TaxGroup[]> {
  const rows = await db
    .select({ taxBreakdown: creditNotes.taxBreakdown })
    .from(creditNotes)
    .where(and(eq(creditNotes.franchiseId, franchiseId), eq(creditNotes.invoiceId, invoiceId)))
    .all();
  return rows.flatMap((r) => JSON.parse(r.taxBreakdown) as TaxGroup[]);
}

export interface CreditNoteWithLines {
  creditNote: CreditNoteRow;
  lines: CreditNoteLineRow[];
}

/** `scope`: the caller's branches (workers/db/branch-scope.ts); a credit note outside them is not found. */
export async function getCreditNote(db: Db, franchiseId: string, id: string, scope?: BranchScope): Promise<CreditNoteWithLines | undefined> {
  const creditNote = await db.select().from(creditNotes).where(and(eq(creditNotes.franchiseId, franchiseId), eq(creditNotes.id, id), inBranchScope(creditNotes.branchId, scope))).get();
  if (!creditNote) return undefined;
  const lines = await db
    .select()
    .from(creditNoteLines)
    .where(and(eq(creditNoteLines.franchiseId, franchiseId), eq(creditNoteLines.creditNoteId, id)))
    .orderBy(asc(creditNoteLines.position))
    .all();
  return { creditNote, lines };
}

export async function listCreditNotes(db: Db, franchiseId: string, opts: { invoiceId?: string | undefined; before?: string | undefined; limit: number; branchScope?: BranchScope | undefined }): Promise<CreditNoteWithLines[]> {
  const conditions = [eq(creditNotes.franchiseId, franchiseId), inBranchScope(creditNotes.branchId, opts.branchScope)];
  if (opts.invoiceId) conditions.push(eq(creditNotes.invoiceId, opts.invoiceId));
  if (opts.before) conditions.push(lt(creditNotes.id, opts.before));
  const rows = await db.select().from(creditNotes).where(and(...conditions)).orderBy(desc(creditNotes.id)).limit(opts.limit + 1).all();
  if (rows.length === 0) return [];
  const lines = await selectInChunks(rows.map((r) => r.id), (ids) =>
    db.select().from(creditNoteLines).where(and(eq(creditNoteLines.franchiseId, franchiseId), inArray(creditNoteLines.creditNoteId, ids))).orderBy(asc(creditNoteLines.position)),
  );
  const byNote = Map.groupBy(lines, (l) => l.creditNoteId);
  return rows.map((creditNote) => ({ creditNote, lines: byNote.get(creditNote.id) ?? [] }));
}
