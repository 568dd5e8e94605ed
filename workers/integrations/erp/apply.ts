// Applying changes read back from an ERP (webhooks, polling), for any provider. The connector
// turns its ERP's documents into the neutral shapes below; here each one is compared with the
// last synced snapshot and with Ledgerline (workers/domain/erp/remote-changes.ts) and then:
// applied through the normal use cases as `system:erp-sync` (a payment recorded and allocated,
// an unpaid invoice voided), so every change emits its normal events; ignored with a record of
// why (a Ledgerline-owned group); or sent to the review queue (both sides changed it).
// A remote payment is applied once per remote payment id, even when a webhook and a poll (or two
// polls) see it at the same time: an idempotency key commits in the payment's own batch.
import { and, eq } from "drizzle-orm";
import { billingContext } from "../../billing/context.ts";
import { recordPayment } from "../../billing/payments.ts";
import { voidInvoice } from "../../billing/invoices.ts";
import { database, type Db } from "../../db/client.ts";
import { runBatch, type Statement } from "../../db/batch.ts";
import { insertConflict, insertSyncRecord, syncedRecordRow, updateSyncRecord, type ErpConnectionRow, type ErpSyncRecordRow } from "../../db/erp.ts";
import { findInboundChange, insertInboundChange, recordByRemoteId } from "../../db/erp-flow.ts";
import { loadKey, releaseKey, reserveKey, settleCommitted } from "../../db/idempotency.ts";
import { newId } from "../../db/ids.ts";
import { franchiseDatabase } from "../../db/resolver.ts";
import { erpConflicts } from "../../db/schema/erp.ts";
import { invoices } from "../../db/schema.ts";
import { systemClock } from "../../domain/clock.ts";
import { DomainError } from "../../domain/errors.ts";
import { planRemoteInvoice, planRemotePayment, type InvoiceView, type LocalInvoice } from "../../domain/erp/remote-changes.ts";
import type { ContactOwner, FieldGroup } from "../../domain/erp/three-way.ts";

/** The actor on every change an ERP makes in Ledgerline. */
export const ERP_SYNC_ACTOR = "system:erp-sync";

/** An invoice as the ERP has it now, in Ledgerline's terms (amounts in minor units). */
export interface RemoteInvoice {
  remoteId: string;
  /** The ERP's modification stamp of this state (Xero UpdatedDateUTC, QBO SyncToken, …). */
  version: string;
  view: InvoiceView;
}

/** A payment recorded in the ERP against an invoice Ledgerline sent. */
export interface RemotePayment {
  remoteId: string;
  remoteInvoiceId: string;
  amount: number;
  currency: string;
  receivedAt: string;
  /** Why this payment cannot be applied as one allocation (e.g. split over several invoices): it goes to review. */
  needsReview?: string | undefined;
}

export type ApplyDecision = "applied" | "ignored" | "conflict" | "skipped" | "busy";
export interface ApplyOutcome {
  group: FieldGroup;
  decision: ApplyDecision;
  detail: string;
  /** The ERP's paid amount moved: its payments should be read now. */
  pollPayments?: boolean;
}

/** How the connectors' snapshots name a status (Xero AUTHORISED/PAID/VOIDED, others similar). */
export function statusView(remote: string): InvoiceView["status"] {
  if (/void|deleted/i.test(remote)) return "void";
  if (/paid/i.test(remote)) return "paid";
  return "open";
}

function localView(row: { status: string; total: number; amountPaid: number; amountCredited: number }): LocalInvoice {
  return {
    status: row.status === "void" ? "void" : row.status === "paid" ? "paid" : "open",
    total: row.total,
    amountPaid: row.amountPaid,
    amountCredited: row.amountCredited,
  };
}

export const contactOwnerOf = (c: ErpConnectionRow): ContactOwner => (c.contactOwner === "ledgerline" || c.contactOwner === "erp" ? c.contactOwner : "review");

async function loadInvoice(db: Db, franchiseId: string, id: string) {
  return db
    .select({
      id: invoices.id,
      customerId: invoices.customerId,
      currency: invoices.currency,
      status: invoices.status,
      total: invoices.total,
      amountPaid: invoices.amountPaid,
      amountCredited: invoices.amountCredited,
    })
    .from(invoices)
    .where(and(eq(invoices.franchiseId, franchiseId), eq(invoices.id, id)))
    .get();
}

export function conflictStatements(
  db: Db,
  record: ErpSyncRecordRow,
  group: FieldGroup,
  sides: { ours: unknown; theirs: unknown; base: unknown },
  reason: string,
  at: string,
): Statement[] {
  return [
    insertConflict(db, {
      id: newId("erx"),
      franchiseId: record.franchiseId,
      connectionId: record.connectionId,
      recordId: record.id,
      fieldGroup: group,
      ours: JSON.stringify(sides.ours),
      theirs: JSON.stringify(sides.theirs),
      base: JSON.stringify(sides.base),
      status: "open",
      resolution: null,
      resolvedBy: null,
      createdAt: at,
      resolvedAt: null,
    }),
    updateSyncRecord(db, record.franchiseId, record.id, {
      state: "conflict",
      lastErrorClass: "conflict",
      lastError: `changed in the ERP: ${reason}`,
      lastFix: "Decide which side wins under Integrations → Conflicts.",
      updatedAt: at,
    }),
  ];
}

export async function hasOpenConflict(db: Db, record: ErpSyncRecordRow, group: string): Promise<boolean> {
  const open = await db
    .select({ id: erpConflicts.id })
    .from(erpConflicts)
    .where(
      and(
        eq(erpConflicts.franchiseId, record.franchiseId),
        eq(erpConflicts.recordId, record.id),
        eq(erpConflicts.fieldGroup, group),
        eq(erpConflicts.status, "open"),
      ),
    )
    .all();
  return open.length > 0;
}

export const inbound = (
  connection: ErpConnectionRow,
  remoteType: string,
  remoteId: string,
  remoteVersion: string,
  group: FieldGroup,
  decision: string,
  localId: string | null,
  detail: string,
  at: string,
) => ({
  id: newId("eri"),
  franchiseId: connection.franchiseId,
  connectionId: connection.id,
  remoteType,
  remoteId,
  remoteVersion,
  fieldGroup: group,
  decision,
  localId,
  detail,
  createdAt: at,
});

/** Compares an ERP invoice with the last synced state and ours, and acts per field group. */
export async function applyRemoteInvoice(env: Env, connection: ErpConnectionRow, remote: RemoteInvoice): Promise<ApplyOutcome[]> {
  const db = database(franchiseDatabase(env, connection.franchiseId));
  const record = await recordByRemoteId(db, connection.franchiseId, connection.id, "invoice", remote.remoteId);
  if (!record?.syncedSnapshot || record.operation !== "create") return [];
  const local = await loadInvoice(db, connection.franchiseId, record.entityId);
  if (!local) return [];
  const snapshot = JSON.parse(record.syncedSnapshot) as { status?: string; total?: number; amountPaid?: number } & Record<string, unknown>;
  const base: InvoiceView = {
    status: statusView(String(snapshot.status ?? "")),
    total: Number(snapshot.total ?? local.total),
    amountPaid: Number(snapshot.amountPaid ?? 0),
  };
  // QBO and NetSuite zero a voided invoice's total: that is the void, not a second change of its amounts.
  const theirs = remote.view.status === "void" && remote.view.total === 0 ? { ...remote.view, total: base.total } : remote.view;
  const actions = planRemoteInvoice(base, localView(local), theirs, contactOwnerOf(connection));
  const outcomes: ApplyOutcome[] = [];
  const at = new Date().toISOString();
  for (const action of actions) {
    if (action.kind === "poll_payments") {
      outcomes.push({ group: action.group, decision: "skipped", detail: "paid in the ERP: its payments are read and applied one by one", pollPayments: true });
      continue;
    }
    if (action.kind === "ignore") {
      await runBatch(db, [
        insertInboundChange(db, inbound(connection, "invoice", remote.remoteId, remote.version, action.group, "ignored", local.id, action.reason, at)),
      ]);
      outcomes.push({ group: action.group, decision: "ignored", detail: action.reason });
      continue;
    }
    if (action.kind === "conflict") {
      if (await hasOpenConflict(db, record, action.group)) {
        outcomes.push({ group: action.group, decision: "skipped", detail: "a conflict is already waiting for review" });
        continue;
      }
      const sides = { ours: toRemoteWords(action.ours), theirs: toRemoteWords(action.theirs), base: toRemoteWords(action.base) };
      await runBatch(db, [
        ...conflictStatements(db, record, action.group, sides, action.reason, at),
        insertInboundChange(db, inbound(connection, "invoice", remote.remoteId, remote.version, action.group, "conflict", local.id, action.reason, at)),
      ]);
      outcomes.push({ group: action.group, decision: "conflict", detail: action.reason });
      continue;
    }
    // A void made only in the ERP, of an invoice unpaid here: the void use case, as the ERP.
    const ctx = billingContext(env, connection.franchiseId, systemClock, ERP_SYNC_ACTOR);
    try {
      await voidInvoice(ctx, local.id, `voided in ${connection.provider}`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // It changed here meanwhile (paid, or voided already): a person looks at it.
      const reason = `voided in the ERP, but Ledgerline refused: ${error.message}`;
      await runBatch(db, [
        ...conflictStatements(
          db,
          record,
          "status",
          { ours: { status: local.status }, theirs: { status: "VOIDED" }, base: { status: String(snapshot.status ?? "") } },
          reason,
          at,
        ),
      ]);
      outcomes.push({ group: "status", decision: "conflict", detail: reason });
      continue;
    }
    await runBatch(db, [
      updateSyncRecord(db, record.franchiseId, record.id, { syncedSnapshot: JSON.stringify({ ...snapshot, status: "VOIDED" }), updatedAt: at }),
      insertInboundChange(
        db,
        inbound(connection, "invoice", remote.remoteId, remote.version, "status", "applied", local.id, "voided in the ERP; voided here as system:erp-sync", at),
      ),
    ]);
    outcomes.push({ group: "status", decision: "applied", detail: "voided" });
  }
  return outcomes;
}

/** Conflict sides in the words the review page shows (and the conflicts API has always used). */
function toRemoteWords(fields: Record<string, unknown>): Record<string, unknown> {
  const out = { ...fields };
  if (typeof out.status === "string") out.status = out.status === "void" ? "VOIDED" : out.status === "paid" ? "PAID" : "AUTHORISED";
  return out;
}

/** Records a payment the ERP holds for one of our invoices, once per remote payment id. */
export async function applyRemotePayment(env: Env, connection: ErpConnectionRow, remote: RemotePayment): Promise<ApplyOutcome> {
  const d1 = franchiseDatabase(env, connection.franchiseId);
  const db = database(d1);
  const group = "payment" as const;
  const [ours, applied, invoiceRecord] = await Promise.all([
    recordByRemoteId(db, connection.franchiseId, connection.id, "payment", remote.remoteId),
    findInboundChange(db, connection.franchiseId, connection.id, "payment", remote.remoteId, "", group),
    recordByRemoteId(db, connection.franchiseId, connection.id, "invoice", remote.remoteInvoiceId),
  ]);
  const local = invoiceRecord && invoiceRecord.operation === "create" ? await loadInvoice(db, connection.franchiseId, invoiceRecord.entityId) : undefined;
  const plan = planRemotePayment({
    ours: ours !== undefined,
    alreadyApplied: applied !== undefined,
    invoice: local ? { ...localView(local), currency: local.currency } : null,
    amount: remote.amount,
    currency: remote.currency,
    needsReview: remote.needsReview,
  });
  const at = new Date().toISOString();
  if (plan.kind === "skip") return { group, decision: "skipped", detail: plan.reason };
  if (plan.kind === "ignore") {
    await runBatch(db, [insertInboundChange(db, inbound(connection, "payment", remote.remoteId, "", group, "ignored", null, plan.reason, at))]);
    return { group, decision: "ignored", detail: plan.reason };
  }
  if (plan.kind === "conflict") return paymentConflict(db, connection, remote, invoiceRecord!, local!, plan.reason, at);

  // Apply: reserve the remote id, record the payment with the reservation committed in its batch.
  const key = `erp:${connection.id}:payment:${remote.remoteId}`;
  const claim = { franchiseId: connection.franchiseId, key, leaseToken: crypto.randomUUID() };
  if (
    !(await reserveKey(d1, {
      franchiseId: connection.franchiseId,
      key,
      principal: ERP_SYNC_ACTOR,
      requestHash: remote.remoteId,
      leaseToken: claim.leaseToken,
      nowMs: Date.now(),
    }))
  ) {
    const held = await loadKey(d1, connection.franchiseId, key);
    if (held?.resourceId && (held.state === "committed" || held.state === "done")) {
      // Recorded by the other sighting, which may have died before noting it: note it now.
      await runBatch(db, finishStatements(db, connection, remote, held.resourceId, local!.id, at));
      return { group, decision: "skipped", detail: "already applied" };
    }
    return { group, decision: "busy", detail: "another sighting of this payment is being applied" };
  }
  let paymentId: string;
  try {
    const ctx = { ...billingContext(env, connection.franchiseId, systemClock, ERP_SYNC_ACTOR), idempotency: claim };
    paymentId = await recordPayment(ctx, {
      customerId: local!.customerId,
      currency: remote.currency,
      amount: remote.amount,
      receivedAt: remote.receivedAt,
      method: "bank_transfer",
      reference: `${connection.provider}:${remote.remoteId}`.slice(0, 200),
      allocations: [{ invoiceId: local!.id, amount: remote.amount }],
    });
  } catch (error) {
    await releaseKey(d1, claim);
    if (!(error instanceof DomainError)) throw error;
    return paymentConflict(db, connection, remote, invoiceRecord!, local!, `Ledgerline refused the ERP's payment: ${error.message}`, at);
  }
  await runBatch(db, finishStatements(db, connection, remote, paymentId, local!.id, at));
  await settleCommitted(d1, claim);
  return { group, decision: "applied", detail: `recorded as payment ${paymentId}` };
}

/**
 * After the payment: note the remote id as applied, and give the allocation a synced record
 * holding the remote id, so the outbound sync never sends the ERP its own payment back.
 */
function finishStatements(db: Db, connection: ErpConnectionRow, remote: RemotePayment, paymentId: string, invoiceId: string, at: string): Statement[] {
  return [
    insertInboundChange(
      db,
      inbound(
        connection,
        "payment",
        remote.remoteId,
        "",
        "payment",
        "applied",
        paymentId,
        `recorded in ${connection.provider}; recorded here as ${ERP_SYNC_ACTOR}`,
        at,
      ),
    ),
    insertSyncRecord(
      db,
      syncedRecordRow(
        {
          id: newId("esr"),
          franchiseId: connection.franchiseId,
          connectionId: connection.id,
          entityType: "payment",
          entityId: `${paymentId}:${invoiceId}`,
          operation: "create",
          entityNumber: `${connection.provider}:${remote.remoteId}`.slice(0, 200),
          payload: JSON.stringify({
            id: `${paymentId}:${invoiceId}`,
            paymentId,
            invoiceId,
            amount: remote.amount,
            currency: remote.currency,
            receivedAt: remote.receivedAt,
            origin: "erp",
          }),
          syncedSnapshot: null,
          remoteId: remote.remoteId,
        },
        at,
      ),
    ),
  ];
}

async function paymentConflict(
  db: Db,
  connection: ErpConnectionRow,
  remote: RemotePayment,
  record: ErpSyncRecordRow,
  local: { id: string; amountPaid: number },
  reason: string,
  at: string,
): Promise<ApplyOutcome> {
  const snapshot = record.syncedSnapshot ? (JSON.parse(record.syncedSnapshot) as { amountPaid?: number }) : {};
  await runBatch(db, [
    ...conflictStatements(
      db,
      record,
      "payment",
      { ours: { amountPaid: local.amountPaid }, theirs: { amountPaid: local.amountPaid + remote.amount }, base: { amountPaid: snapshot.amountPaid ?? 0 } },
      reason,
      at,
    ),
    insertInboundChange(db, inbound(connection, "payment", remote.remoteId, "", "payment", "conflict", local.id, reason, at)),
  ]);
  return { group: "payment", decision: "conflict", detail: reason };
}
