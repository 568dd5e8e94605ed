// Tax-rate reference data and the staged changes of the rate feed (issue 10). Tax rates are
// directory data (workers/db/resolver.ts): not scoped by franchise. The events that record an
// applied change go to the outbox of every franchise invoicing in that jurisdiction.
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { SourcedTaxRate, RateChange, RateChangePlan } from "../domain/tax-periods.ts";
import { assertInBatch, type Statement } from "./batch.ts";
import type { Db } from "./client.ts";
import { newId } from "./ids.ts";
import { outboxInsert } from "./outbox.ts";
import { branches, serviceTypes, taxRates } from "./schema.ts";
import { taxRateChanges } from "./schema/tax-rates.ts";

export type TaxRateRow = typeof taxRates.$inferSelect;
export type TaxRateChangeRow = typeof taxRateChanges.$inferSelect;
export type ChangeStatus = "pending" | "approved" | "rejected";

export async function listTaxRates(db: Db, jurisdiction?: string): Promise<TaxRateRow[]> {
  return db
    .select()
    .from(taxRates)
    .where(jurisdiction ? eq(taxRates.jurisdiction, jurisdiction) : undefined)
    .orderBy(asc(taxRates.jurisdiction), asc(taxRates.category), asc(taxRates.effectiveFrom))
    .all();
}

export async function rateChain(db: Db, jurisdiction: string, category: string): Promise<SourcedTaxRate[]> {
  return db
    .select({ jurisdiction: taxRates.jurisdiction, category: taxRates.category, ratePpm: taxRates.ratePpm, effectiveFrom: taxRates.effectiveFrom, effectiveTo: taxRates.effectiveTo, source: taxRates.source })
    .from(taxRates)
    .where(and(eq(taxRates.jurisdiction, jurisdiction), eq(taxRates.category, category)))
    .orderBy(asc(taxRates.effectiveFrom))
    .all();
}

/** `jurisdictions`: only changes there (a franchise's admin reviews where it invoices); undefined = all. */
export async function listChanges(db: Db, opts: { statuses: ChangeStatus[]; limit: number; jurisdictions?: readonly string[] | undefined }): Promise<TaxRateChangeRow[]> {
  return db
    .select()
    .from(taxRateChanges)
    .where(and(inArray(taxRateChanges.status, opts.statuses), opts.jurisdictions ? inArray(taxRateChanges.jurisdiction, [...opts.jurisdictions]) : undefined))
    .orderBy(desc(taxRateChanges.effectiveFrom), asc(taxRateChanges.id))
    .limit(opts.limit)
    .all();
}

export async function getChange(db: Db, id: string): Promise<TaxRateChangeRow | undefined> {
  return db.select().from(taxRateChanges).where(eq(taxRateChanges.id, id)).get();
}

/** Stages feed rows; a fingerprint already staged (pending, approved or rejected) is skipped. */
export function stageStatements(db: Db, changes: readonly (RateChange & { fingerprint: string })[], feed: string, now: string): Statement[] {
  return changes.map((c) =>
    db
      .insert(taxRateChanges)
      .values({ id: newId("trc"), jurisdiction: c.jurisdiction, category: c.category, ratePpm: c.ratePpm, effectiveFrom: c.effectiveFrom, effectiveTo: c.effectiveTo, source: c.source, feed, fingerprint: c.fingerprint, status: "pending", stagedAt: now })
      .onConflictDoNothing({ target: taxRateChanges.fingerprint }),
  );
}

/** Franchises with a branch invoicing under `jurisdiction` (their audit logs record the change). */
export async function franchisesInvoicingIn(db: Db, jurisdiction: string): Promise<string[]> {
  const rows = await db.selectDistinct({ franchiseId: branches.franchiseId }).from(branches).where(eq(branches.jurisdiction, jurisdiction)).orderBy(asc(branches.franchiseId)).all();
  return rows.map((r) => r.franchiseId);
}

/** Every franchise with a branch (a sweep over all of them: the daily alerts). */
export async function franchisesWithBranches(db: Db): Promise<string[]> {
  const rows = await db.selectDistinct({ franchiseId: branches.franchiseId }).from(branches).orderBy(asc(branches.franchiseId)).all();
  return rows.map((r) => r.franchiseId);
}

/** The jurisdictions `franchiseId`'s branches invoice under. */
export async function franchiseJurisdictions(db: Db, franchiseId: string): Promise<string[]> {
  const rows = await db.selectDistinct({ jurisdiction: branches.jurisdiction }).from(branches).where(eq(branches.franchiseId, franchiseId)).orderBy(asc(branches.jurisdiction)).all();
  return rows.map((r) => r.jurisdiction);
}

/** Every (jurisdiction, category) a franchise's branch can invoice in: its standard rate and the franchise's service types' categories. */
export async function ratesInUse(db: Db, franchiseId: string): Promise<{ jurisdiction: string; category: string }[]> {
  const standard = await db.selectDistinct({ jurisdiction: branches.jurisdiction }).from(branches).where(eq(branches.franchiseId, franchiseId)).all();
  const typed = await db
    .selectDistinct({ jurisdiction: branches.jurisdiction, category: serviceTypes.defaultTaxCategory })
    .from(branches)
    .innerJoin(serviceTypes, and(eq(serviceTypes.franchiseId, branches.franchiseId)))
    .where(eq(branches.franchiseId, franchiseId))
    .all();
  return [...standard.map((s) => ({ jurisdiction: s.jurisdiction, category: "standard" })), ...typed];
}

export interface ApplyChange {
  change: TaxRateChangeRow;
  plan: RateChangePlan;
  actor: string;
  now: string;
  franchiseIds: readonly string[];
}

/**
 * One batch: the change is still pending (else abort), it becomes approved, the chain's last
 * period is closed and the new ones appended (the triggers of migration tax_rate_changes check the
 * chain), and a tax_rate.changed event goes to each affected franchise's outbox.
 */
export function applyStatements(db: Db, a: ApplyChange): Statement[] {
  const { change, plan } = a;
  const statements: Statement[] = [
    assertInBatch(db, "tax_rate_change_not_pending", sql`EXISTS (SELECT 1 FROM ${taxRateChanges} WHERE ${taxRateChanges.id} = ${change.id} AND ${taxRateChanges.status} = 'pending')`),
    db.update(taxRateChanges).set({ status: "approved", decidedAt: a.now, decidedBy: a.actor }).where(eq(taxRateChanges.id, change.id)),
  ];
  if (plan.close) {
    statements.push(
      db
        .update(taxRates)
        .set({ effectiveTo: plan.close.effectiveTo })
        .where(and(eq(taxRates.jurisdiction, change.jurisdiction), eq(taxRates.category, change.category), eq(taxRates.effectiveFrom, plan.close.effectiveFrom))),
    );
  }
  for (const r of plan.insert) {
    statements.push(db.insert(taxRates).values({ id: newId("tax"), jurisdiction: r.jurisdiction, category: r.category, ratePpm: r.ratePpm, effectiveFrom: r.effectiveFrom, effectiveTo: r.effectiveTo, source: r.source, createdAt: a.now }));
  }
  const payload = {
    taxRateChange: { id: change.id, jurisdiction: change.jurisdiction, category: change.category, ratePpm: change.ratePpm, effectiveFrom: change.effectiveFrom, effectiveTo: change.effectiveTo, source: change.source, feed: change.feed },
    periods: {
      closed: plan.close ? { ...plan.close } : null,
      inserted: plan.insert.map((r) => ({ ratePpm: r.ratePpm, effectiveFrom: r.effectiveFrom, effectiveTo: r.effectiveTo, source: r.source })),
    },
  };
  for (const franchiseId of a.franchiseIds) {
    statements.push(outboxInsert(db, { franchiseId, type: "tax_rate.changed", aggregateType: "tax_rate", aggregateId: change.id, aggregateVersion: 1, actor: a.actor, payload, occurredAt: a.now }));
  }
  return statements;
}

export function rejectStatements(db: Db, id: string, actor: string, reason: string, now: string): Statement[] {
  return [
    assertInBatch(db, "tax_rate_change_not_pending", sql`EXISTS (SELECT 1 FROM ${taxRateChanges} WHERE ${taxRateChanges.id} = ${id} AND ${taxRateChanges.status} = 'pending')`),
    db.update(taxRateChanges).set({ status: "rejected", decidedAt: now, decidedBy: actor, decisionReason: reason }).where(eq(taxRateChanges.id, id)),
  ];
}
