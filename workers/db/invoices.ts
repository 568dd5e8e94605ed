// Invoices and their lines: reads scoped by franchise, and the statements of each change
// (draft, issue, void) for the caller to run as one batch.
import { and, asc, desc, eq, gte, inArray, lt, lte, sql, type SQL } from "drizzle-orm";
import type { Db } from "./client.ts";
import { assertInBatch, type Statement } from "./batch.ts";
import { selectInChunks, statementsInChunks } from "./chunks.ts";
import { outboxInsert } from "./outbox.ts";
import { idempotencyCommit, type IdempotencyClaim } from "./idempotency.ts";
import { invoicePayload } from "../events/payloads.ts";
import { newId } from "./ids.ts";
import { inBranchScope, type BranchScope } from "./branch-scope.ts";
import { branches, customers, invoiceLines, invoices } from "./schema.ts";
import { arrayRowMapper, columnNames } from "./row-mapping.ts";
import type { DraftLine, PricedDraft } from "../domain/invoice-draft.ts";
import type { InvoiceTotals } from "../domain/invoice-totals.ts";
import type { InvoiceStatus } from "../domain/settlement.ts";
import type { PartySnapshots } from "../domain/party-snapshot.ts";

export type InvoiceRow = typeof invoices.$inferSelect;
export type InvoiceLineRow = typeof invoiceLines.$inferSelect;

export interface InvoiceWithLines {
  invoice: InvoiceRow;
  lines: InvoiceLineRow[];
}

/** `scope`: the caller's branches (workers/db/branch-scope.ts); an invoice outside them is not found. */
export async function getInvoice(db: Db, franchiseId: string, id: string, scope?: BranchScope): Promise<InvoiceWithLines | undefined> {
  // One round trip: D1 runs the batch's reads back to back (lines of a missing invoice are just empty).
  const [found, lines] = await db.batch([
    db.select().from(invoices).where(and(eq(invoices.franchiseId, franchiseId), eq(invoices.id, id), inBranchScope(invoices.branchId, scope))).limit(1),
    db
      .select()
      .from(invoiceLines)
      .where(and(eq(invoiceLines.franchiseId, franchiseId), eq(invoiceLines.invoiceId, id)))
      .orderBy(asc(invoiceLines.position)),
  ]);
  const invoice = found[0];
  return invoice ? { invoice, lines } : undefined;
}

/**
 * The invoice, its lines and its branch's timezone (for aging "today") in one D1 round trip of
 * two statements: the hot read path. The timezone rides on the invoice row (a join on the
 * branch's primary key) rather than a third statement: each statement in a batch has its own
 * cost in D1 (planning, result encoding), on top of the round trip.
 */
export async function getInvoiceView(db: Db, franchiseId: string, id: string, scope?: BranchScope): Promise<(InvoiceWithLines & { branchTimezone: string | undefined }) | undefined> {
  if (!scope) return getInvoiceViewUnscoped(db, franchiseId, id);
  const [found, lines] = await db.batch([
    db
      .select({ invoice: invoices, branchTimezone: branches.timezone })
      .from(invoices)
      .leftJoin(branches, and(eq(branches.franchiseId, invoices.franchiseId), eq(branches.id, invoices.branchId)))
      .where(and(eq(invoices.franchiseId, franchiseId), eq(invoices.id, id), inBranchScope(invoices.branchId, scope)))
      .limit(1),
    db
      .select()
      .from(invoiceLines)
      .where(and(eq(invoiceLines.franchiseId, franchiseId), eq(invoiceLines.invoiceId, id)))
      .orderBy(asc(invoiceLines.position)),
  ]);
  const row = found[0];
  return row ? { invoice: row.invoice, lines, branchTimezone: row.branchTimezone ?? undefined } : undefined;
}

// The same read as ONE fixed SQL statement for callers without a branch scope (partner keys,
// franchise-wide staff): every partner GET /v1/invoices/{id} runs it. Building the two statements
// with drizzle per request cost more CPU than D1 running them, and each statement of a batch has
// its own cost in D1 (planning, result encoding, tracing), so the lines ride on the invoice row as
// one JSON array of arrays, and the row itself is read raw (no per-row object built by D1).
// Columns are listed from the schema so the arrays' order is known. test/worker/invoice-view.test.ts
// holds both paths to the same result.
const invoiceColumns = columnNames(invoices);
const lineColumns = columnNames(invoiceLines);
const INVOICE_VIEW_SQL = `SELECT ${invoiceColumns.map((c) => `invoices.${c}`).join(", ")}, branches.timezone,
  (SELECT json_group_array(json_array(${lineColumns.join(", ")})) FROM invoice_lines WHERE invoice_lines.franchise_id = ?1 AND invoice_lines.invoice_id = ?2)
  FROM invoices LEFT JOIN branches ON branches.franchise_id = invoices.franchise_id AND branches.id = invoices.branch_id
  WHERE invoices.franchise_id = ?1 AND invoices.id = ?2 LIMIT 1`;
const invoiceFromValues = arrayRowMapper(invoices);
const lineFromValues = arrayRowMapper(invoiceLines);
const positionAt = lineColumns.indexOf("position");

async function getInvoiceViewUnscoped(db: Db, franchiseId: string, id: string): Promise<(InvoiceWithLines & { branchTimezone: string | undefined }) | undefined> {
  const [row] = await db.$client.prepare(INVOICE_VIEW_SQL).bind(franchiseId, id).raw();
  if (!row) return undefined;
  const timezone = row[invoiceColumns.length];
  // json_group_array's element order is unspecified in SQLite: the lines are put in position order here.
  const lineValues = (JSON.parse(String(row[invoiceColumns.length + 1])) as unknown[][]).sort((a, b) => Number(a[positionAt]) - Number(b[positionAt]));
  return { invoice: invoiceFromValues(row), lines: lineValues.map(lineFromValues), branchTimezone: typeof timezone === "string" ? timezone : undefined };
}

export async function getInvoicesByIds(db: Db, franchiseId: string, ids: string[], scope?: BranchScope): Promise<InvoiceRow[]> {
  return selectInChunks(ids, (chunk) => db.select().from(invoices).where(and(eq(invoices.franchiseId, franchiseId), inArray(invoices.id, chunk), inBranchScope(invoices.branchId, scope))));
}

export interface InvoiceFilters {
  status?: InvoiceStatus | undefined;
  branchId?: string | undefined;
  customerId?: string | undefined;
  dueFrom?: string | undefined;
  dueTo?: string | undefined;
  /** Overdue = open and due before "today" in each branch's timezone: branchId → today. */
  overdueAsOf?: ReadonlyMap<string, string> | undefined;
  /** Search text: an invoice number (exact or prefix) or part of the customer's name, case-insensitive. */
  search?: string | undefined;
  before?: string | undefined;
  limit: number;
  /** The caller's branches: invoices of other branches are left out. */
  branchScope?: BranchScope | undefined;
}

export async function listInvoices(db: Db, franchiseId: string, f: InvoiceFilters): Promise<InvoiceWithLines[]> {
  const conditions: Array<SQL | undefined> = [eq(invoices.franchiseId, franchiseId), inBranchScope(invoices.branchId, f.branchScope)];
  if (f.status) conditions.push(eq(invoices.status, f.status));
  if (f.branchId) conditions.push(eq(invoices.branchId, f.branchId));
  if (f.customerId) conditions.push(eq(invoices.customerId, f.customerId));
  if (f.dueFrom) conditions.push(gte(invoices.dueDate, f.dueFrom));
  if (f.dueTo) conditions.push(lte(invoices.dueDate, f.dueTo));
  if (f.before) conditions.push(lt(invoices.id, f.before));
  if (f.search) conditions.push(matchesSearch(franchiseId, f.search));
  if (f.overdueAsOf) {
    conditions.push(inArray(invoices.status, ["issued", "partially_paid"]));
    // The branch → today map travels as ONE JSON parameter, so any number of branches fits D1's
    // 100 bound parameters (a branch missing from the map compares with NULL: not overdue).
    const todays = JSON.stringify(Object.fromEntries(f.overdueAsOf));
    conditions.push(sql`${invoices.dueDate} < (SELECT value FROM json_each(${todays}) WHERE key = ${invoices.branchId})`);
  }
  const rows = await db.select().from(invoices).where(and(...conditions)).orderBy(desc(invoices.id)).limit(f.limit + 1).all();
  if (rows.length === 0) return [];
  const lines = await selectInChunks(rows.map((r) => r.id), (ids) =>
    db.select().from(invoiceLines).where(and(eq(invoiceLines.franchiseId, franchiseId), inArray(invoiceLines.invoiceId, ids))).orderBy(asc(invoiceLines.position)),
  );
  const byInvoice = Map.groupBy(lines, (l) => l.invoiceId);
  return rows.map((invoice) => ({ invoice, lines: byInvoice.get(invoice.id) ?? [] }));
}

/** LIKE wildcards in the caller's text match themselves (escaped with a backslash). */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Number prefix (an exact number is its own prefix) or customer name substring. SQLite's LIKE
 * ignores ASCII case. The customer subquery is scoped by franchise too, so a name can only ever
 * match this tenant's customers.
 */
function matchesSearch(franchiseId: string, search: string): SQL {
  const literal = likeLiteral(search);
  return sql`(${invoices.number} LIKE ${`${literal}%`} ESCAPE '\\'
    OR ${invoices.customerId} IN (SELECT ${customers.id} FROM ${customers} WHERE ${customers.franchiseId} = ${franchiseId} AND ${customers.name} LIKE ${`%${literal}%`} ESCAPE '\\'))`;
}

function lineValues(franchiseId: string, invoiceId: string, line: DraftLine) {
  return {
    id: newId("il"),
    franchiseId,
    invoiceId,
    position: line.position,
    description: line.description,
    quantityMilli: line.quantityMilli,
    unitPrice: line.unitPrice,
    discountBps: line.discountBps,
    discountAmount: line.discountAmount,
    netAmount: line.netAmount,
    serviceTypeId: line.serviceTypeId,
    taxCategory: line.taxCategory,
    taxRatePpm: line.taxRatePpm,
    servicePeriodStart: line.servicePeriodStart,
    servicePeriodEnd: line.servicePeriodEnd,
  };
}

/** Stored lines back into the domain's shape, for re-pricing at issue time. */
export function toDraftLine(row: InvoiceLineRow): DraftLine {
  return {
    position: row.position,
    description: row.description,
    quantityMilli: row.quantityMilli,
    unitPrice: row.unitPrice,
    discountBps: row.discountBps,
    discountAmount: row.discountAmount,
    netAmount: row.netAmount,
    serviceTypeId: row.serviceTypeId,
    taxCategory: row.taxCategory as DraftLine["taxCategory"],
    taxRatePpm: row.taxRatePpm,
    servicePeriodStart: row.servicePeriodStart,
    servicePeriodEnd: row.servicePeriodEnd,
  };
}

export interface NewDraft {
  id: string;
  franchiseId: string;
  branchId: string;
  customerId: string;
  currency: string;
  memo: string | null;
  priced: PricedDraft;
}

export function draftStatements(db: Db, d: NewDraft, now: string, actor: string): Statement[] {
  const { totals } = d.priced;
  const statements: Statement[] = [
    db.insert(invoices).values({
      id: d.id,
      franchiseId: d.franchiseId,
      branchId: d.branchId,
      customerId: d.customerId,
      status: "draft",
      currency: d.currency,
      issueDate: d.priced.issueDate,
      taxPointDate: d.priced.taxPointDate,
      dueDate: d.priced.dueDate,
      dueInDays: d.priced.dueInDays,
      subtotal: totals.subtotal,
      taxTotal: totals.taxTotal,
      total: totals.total,
      taxBreakdown: JSON.stringify(totals.taxBreakdown),
      memo: d.memo,
      createdAt: now,
      updatedAt: now,
    }),
  ];
  statements.push(...statementsInChunks(d.priced.lines, (lines) => db.insert(invoiceLines).values(lines.map((l) => lineValues(d.franchiseId, d.id, l)))));
  statements.push(
    outboxInsert(db, {
      franchiseId: d.franchiseId,
      type: "invoice.drafted",
      aggregateType: "invoice",
      aggregateId: d.id,
      aggregateVersion: 1,
      actor,
      payload: invoicePayload(
        { id: d.id, number: null, status: "draft", branchId: d.branchId, customerId: d.customerId, currency: d.currency, issueDate: d.priced.issueDate, dueDate: d.priced.dueDate, ...totals, amountPaid: 0, amountCredited: 0, memo: d.memo, voidReason: null, version: 1, issuedAt: null, voidedAt: null },
        d.priced.lines,
      ),
      occurredAt: now,
    }),
  );
  return statements;
}

export interface IssueCommand {
  franchiseId: string;
  invoiceId: string;
  branchId: string;
  customerId: string;
  currency: string;
  expectedVersion: number;
  /** Carried into the invoice.issued payload, which holds the whole invoice. */
  memo: string | null;
  issueDate: string;
  dueDate: string;
  /** Stored only when it differs from the issue date (null means "the issue date"). */
  taxPointDate: string;
  lines: DraftLine[];
  totals: InvoiceTotals;
  /** Seller and buyer as they stand at issue (workers/domain/party-snapshot.ts), frozen with the invoice. */
  parties: PartySnapshots;
  now: string;
  actor: string;
  /** The request's Idempotency-Key lease: the issue batch marks it committed. */
  idempotency?: IdempotencyClaim | undefined;
}

/** Draft → issued with its number. Aborts unless the invoice is still the draft that was priced. */
export function issueStatements(db: Db, cmd: IssueCommand, seq: number, number: string): Statement[] {
  const { franchiseId, invoiceId, totals } = cmd;
  const status = totals.total === 0 ? "paid" : "issued";
  return [
    assertInBatch(db, "invoice_still_draft", sql`EXISTS (SELECT 1 FROM invoices WHERE id = ${invoiceId} AND franchise_id = ${franchiseId} AND status = 'draft' AND version = ${cmd.expectedVersion})`),
    ...cmd.lines.map((line) =>
      db
        .update(invoiceLines)
        .set({ taxRatePpm: line.taxRatePpm, netAmount: line.netAmount })
        .where(and(eq(invoiceLines.franchiseId, franchiseId), eq(invoiceLines.invoiceId, invoiceId), eq(invoiceLines.position, line.position))),
    ),
    db
      .update(invoices)
      .set({
        status,
        seq,
        number,
        issueDate: cmd.issueDate,
        taxPointDate: cmd.taxPointDate === cmd.issueDate ? null : cmd.taxPointDate,
        dueDate: cmd.dueDate,
        subtotal: totals.subtotal,
        taxTotal: totals.taxTotal,
        total: totals.total,
        taxBreakdown: JSON.stringify(totals.taxBreakdown),
        seller: JSON.stringify(cmd.parties.seller),
        buyer: JSON.stringify(cmd.parties.buyer),
        issuedAt: cmd.now,
        updatedAt: cmd.now,
        version: sql`${invoices.version} + 1`,
      })
      .where(and(eq(invoices.franchiseId, franchiseId), eq(invoices.id, invoiceId))),
    outboxInsert(db, {
      franchiseId,
      type: "invoice.issued",
      aggregateType: "invoice",
      aggregateId: invoiceId,
      aggregateVersion: cmd.expectedVersion + 1,
      actor: cmd.actor,
      payload: invoicePayload(
        { id: invoiceId, number, status, branchId: cmd.branchId, customerId: cmd.customerId, currency: cmd.currency, issueDate: cmd.issueDate, dueDate: cmd.dueDate, ...totals, amountPaid: 0, amountCredited: 0, memo: cmd.memo, voidReason: null, version: cmd.expectedVersion + 1, issuedAt: cmd.now, voidedAt: null },
        cmd.lines,
      ),
      occurredAt: cmd.now,
    }),
    ...idempotencyCommit(db, cmd.idempotency, "invoice.issued", invoiceId),
  ];
}

/** Void: only a draft, or an issued invoice nothing has been paid or credited against. */
export function voidStatements(db: Db, franchiseId: string, { invoice, lines }: InvoiceWithLines, reason: string, now: string, actor: string): Statement[] {
  return [
    assertInBatch(
      db,
      "invoice_voidable",
      sql`EXISTS (SELECT 1 FROM invoices WHERE id = ${invoice.id} AND franchise_id = ${franchiseId} AND version = ${invoice.version}
          AND status IN ('draft', 'issued') AND amount_paid = 0 AND amount_credited = 0)`,
    ),
    db
      .update(invoices)
      .set({ status: "void", voidReason: reason, voidedAt: now, updatedAt: now, version: sql`${invoices.version} + 1` })
      .where(and(eq(invoices.franchiseId, franchiseId), eq(invoices.id, invoice.id))),
    outboxInsert(db, {
      franchiseId,
      type: "invoice.voided",
      aggregateType: "invoice",
      aggregateId: invoice.id,
      aggregateVersion: invoice.version + 1,
      actor,
      payload: invoicePayload({ ...invoice, status: "void", voidReason: reason, voidedAt: now, version: invoice.version + 1 }, lines),
      occurredAt: now,
    }),
  ];
}
