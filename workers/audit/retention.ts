// Retention and legal holds over the e-invoice archive (issue 10). An archived document
// (workers/compliance/archive.ts) is kept for its jurisdiction's policy, counted from the end of
// the period the law names (workers/domain/retention.ts); a staff admin can hold it (a tax audit,
// litigation) and lift the hold, each with a reason; deleting it earlier, or while held, is refused.
// Each purge, hold and lift is an event, so it lands in the franchise's audit log.
import type { BillingContext } from "../billing/context.ts";
import { archiveKeys, type ArchiveRecord } from "../compliance/archive.ts";
import { notFound, conflict } from "../domain/errors.ts";
import { checkDeletion, policyFor, retainedThrough, type DeletionCheck, type RetentionPolicy } from "../domain/retention.ts";
import { isBatchAssertionFailure, runBatch } from "../db/batch.ts";
import { database } from "../db/client.ts";
import { getCreditNote } from "../db/credit-notes.ts";
import { getInvoice } from "../db/invoices.ts";
import { outboxInsert } from "../db/outbox.ts";
import { directoryDatabase } from "../db/resolver.ts";
import { getHold, listHolds, listPolicies, liftHoldStatements, newHoldId, purgeRecorded, setHoldStatement, type HeldKind, type LegalHoldRow } from "../db/retention.ts";

const utcDay = (now: Date) => now.toISOString().slice(0, 10);

export async function retentionPolicies(env: Env): Promise<RetentionPolicy[]> {
  return listPolicies(database(directoryDatabase(env)));
}

async function archivedRecord(ctx: BillingContext, kind: HeldKind, id: string): Promise<ArchiveRecord | null> {
  const object = await ctx.env.ARCHIVE.get(archiveKeys.record(ctx.franchiseId, kind, id));
  return object ? ((await object.json()) as ArchiveRecord) : null;
}

export interface RetentionStatus {
  kind: HeldKind;
  id: string;
  /** False while the document is not archived yet (a draft, or the archive job has not run): then nothing else is known. */
  archived: boolean;
  jurisdiction: string | null;
  issueDate: string | null;
  policy: RetentionPolicy | null;
  retainedThrough: string | null;
  check: DeletionCheck;
  holds: LegalHoldRow[];
}

async function documentOf(ctx: BillingContext, kind: HeldKind, id: string) {
  const found = kind === "invoice" ? await getInvoice(ctx.db, ctx.franchiseId, id, ctx.branchScope) : await getCreditNote(ctx.db, ctx.franchiseId, id, ctx.branchScope);
  if (!found) throw notFound(kind, id);
  return found;
}

/** Where an archived document stands: its policy, until when it is kept, its active holds. */
export async function retentionStatus(ctx: BillingContext, kind: HeldKind, id: string, now: Date): Promise<RetentionStatus> {
  await documentOf(ctx, kind, id);
  const record = await archivedRecord(ctx, kind, id);
  if (!record) {
    const holds = await listHolds(ctx.db, ctx.franchiseId, { activeOnly: true, limit: 200, document: { kind, id } });
    return { kind, id, archived: false, jurisdiction: null, issueDate: null, policy: null, retainedThrough: null, check: { allowed: false, code: "not_archived", message: "the document is not archived", deletableFrom: null }, holds };
  }
  return statusOf(ctx, record, await retentionPolicies(ctx.env), now);
}

async function statusOf(ctx: BillingContext, record: ArchiveRecord, policies: readonly RetentionPolicy[], now: Date): Promise<RetentionStatus> {
  const policy = policyFor(policies, record.jurisdiction, "invoice") ?? null;
  const holds = await listHolds(ctx.db, ctx.franchiseId, { activeOnly: true, limit: 200, document: { kind: record.kind, id: record.id } });
  return {
    kind: record.kind,
    id: record.id,
    archived: true,
    jurisdiction: record.jurisdiction,
    issueDate: record.issueDate,
    policy,
    retainedThrough: policy ? retainedThrough(policy, record.issueDate) : null,
    check: checkDeletion({ policy: policy ?? undefined, documentDate: record.issueDate, today: utcDay(now), heldBy: holds }),
    holds,
  };
}

/** Removes the archived bytes and record once nothing requires keeping them, and records the purge. */
async function purge(ctx: BillingContext, record: ArchiveRecord, status: RetentionStatus, now: Date): Promise<void> {
  if (!(await purgeRecorded(ctx.db, ctx.franchiseId, record.id))) {
    // Recorded first: an interrupted purge retries (the daily job) and is recorded once; a purge
    // that happened unrecorded would be a gap in the audit trail.
    await runBatch(ctx.db, [
      outboxInsert(ctx.db, {
        franchiseId: ctx.franchiseId,
        type: "archive.purged",
        aggregateType: record.kind,
        aggregateId: record.id,
        aggregateVersion: 1,
        actor: ctx.actor,
        payload: {
          purged: { kind: record.kind, id: record.id, number: record.number, issueDate: record.issueDate, jurisdiction: record.jurisdiction, sha256: record.sha256, documentKey: record.documentKey },
          retention: { months: status.policy!.months, retainedThrough: status.retainedThrough, source: status.policy!.source },
        },
        occurredAt: now.toISOString(),
      }),
    ]);
  }
  await ctx.env.ARCHIVE.delete([record.documentKey, archiveKeys.record(ctx.franchiseId, record.kind, record.id)]);
}

/** DELETE of an archived document (staff admins): refused (409) before expiry, under a hold, or without a policy. */
export async function deleteArchived(ctx: BillingContext, kind: HeldKind, id: string, now: Date): Promise<void> {
  const record = await archivedRecord(ctx, kind, id);
  // A purged document's record is gone but its purge is recorded: deleting it again is a conflict, not a mystery.
  if (!record) {
    await documentOf(ctx, kind, id);
    throw conflict("document_not_archived", (await purgeRecorded(ctx.db, ctx.franchiseId, id)) ? "the archived document was already purged" : "the document is not archived");
  }
  const status = await statusOf(ctx, record, await retentionPolicies(ctx.env), now);
  if (!status.check.allowed) throw conflict(status.check.code, status.check.message);
  await purge(ctx, record, status, now);
}

/** The daily purge of one franchise's archive: only what has expired and is not held. */
export async function purgeFranchiseArchive(ctx: BillingContext, now: Date): Promise<{ examined: number; purged: number }> {
  const policies = await retentionPolicies(ctx.env);
  let examined = 0;
  let purged = 0;
  let cursor: string | undefined;
  do {
    const page = await ctx.env.ARCHIVE.list({ prefix: `einvoice/${ctx.franchiseId}/records/`, cursor, limit: 1000 });
    for (const object of page.objects) {
      examined++;
      const body = await ctx.env.ARCHIVE.get(object.key);
      if (!body) continue;
      const record = (await body.json()) as ArchiveRecord;
      const status = await statusOf(ctx, record, policies, now);
      if (!status.check.allowed) continue;
      await purge(ctx, record, status, now);
      purged++;
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return { examined, purged };
}

export async function listLegalHolds(ctx: BillingContext, activeOnly: boolean, limit: number): Promise<LegalHoldRow[]> {
  return listHolds(ctx.db, ctx.franchiseId, { activeOnly, limit });
}

const holdPayload = (h: LegalHoldRow) => ({ legalHold: { id: h.id, documentKind: h.documentKind, documentId: h.documentId, reason: h.reason, setBy: h.setBy, setAt: h.setAt, liftedAt: h.liftedAt, liftedBy: h.liftedBy, liftReason: h.liftReason } });

/** Holds an issued document of the franchise (archived or not yet: the hold waits for it). */
export async function setLegalHold(ctx: BillingContext, input: { documentKind: HeldKind; documentId: string; reason: string }, now: Date): Promise<LegalHoldRow> {
  const exists = await documentOf(ctx, input.documentKind, input.documentId);
  if ("invoice" in exists && exists.invoice.status === "draft") throw conflict("legal_hold_needs_issued_document", "a draft is not a record yet: issue it first");
  const active = await listHolds(ctx.db, ctx.franchiseId, { activeOnly: true, limit: 1, document: { kind: input.documentKind, id: input.documentId } });
  if (active.length > 0) throw conflict("legal_hold_exists", `the ${input.documentKind.replace("_", " ")} is already held (${active[0]!.id})`);
  const hold: LegalHoldRow = { id: newHoldId(), franchiseId: ctx.franchiseId, documentKind: input.documentKind, documentId: input.documentId, reason: input.reason, setBy: ctx.actor, setAt: now.toISOString(), liftedAt: null, liftedBy: null, liftReason: null };
  try {
    await runBatch(ctx.db, [
      setHoldStatement(ctx.db, hold),
      outboxInsert(ctx.db, { franchiseId: ctx.franchiseId, type: "legal_hold.set", aggregateType: "legal_hold", aggregateId: hold.id, aggregateVersion: 1, actor: ctx.actor, payload: holdPayload(hold), occurredAt: hold.setAt }),
    ]);
  } catch (error) {
    if (error instanceof Error && /UNIQUE constraint failed/.test(error.message)) throw conflict("legal_hold_exists", `the ${input.documentKind.replace("_", " ")} is already held`);
    throw error;
  }
  return hold;
}

export async function liftLegalHold(ctx: BillingContext, id: string, reason: string, now: Date): Promise<LegalHoldRow> {
  const hold = await getHold(ctx.db, ctx.franchiseId, id);
  if (!hold) throw notFound("legal_hold", id);
  if (hold.liftedAt !== null) throw conflict("legal_hold_already_lifted", "the hold is already lifted");
  const lifted: LegalHoldRow = { ...hold, liftedAt: now.toISOString(), liftedBy: ctx.actor, liftReason: reason };
  try {
    await runBatch(ctx.db, [
      ...liftHoldStatements(ctx.db, ctx.franchiseId, id, ctx.actor, reason, lifted.liftedAt!),
      outboxInsert(ctx.db, { franchiseId: ctx.franchiseId, type: "legal_hold.lifted", aggregateType: "legal_hold", aggregateId: id, aggregateVersion: 2, actor: ctx.actor, payload: holdPayload(lifted), occurredAt: lifted.liftedAt! }),
    ]);
  } catch (error) {
    if (isBatchAssertionFailure(error)) throw conflict("legal_hold_already_lifted", "the hold was lifted meanwhile");
    throw error;
  }
  return lifted;
}
