// Recurring service agreements (issue 13): reads scoped by franchise and branch scope, and the
// statements of each change for the caller to run as one batch.
import { and, desc, eq, lt, sql } from "drizzle-orm";
import { assertInBatch, type Statement } from "./batch.ts";
import { inBranchScope, type BranchScope } from "./branch-scope.ts";
import type { Db } from "./client.ts";
import { agreements } from "./schema/billing-runs.ts";

export type AgreementRow = typeof agreements.$inferSelect;
export type NewAgreement = typeof agreements.$inferInsert;

export async function getAgreement(db: Db, franchiseId: string, id: string, scope: BranchScope): Promise<AgreementRow | undefined> {
  return db.select().from(agreements).where(and(eq(agreements.franchiseId, franchiseId), eq(agreements.id, id), inBranchScope(agreements.branchId, scope))).get();
}

export interface AgreementFilters {
  branchId?: string | undefined;
  customerId?: string | undefined;
  before?: string | undefined;
  limit: number;
  scope: BranchScope;
}

export async function listAgreements(db: Db, franchiseId: string, f: AgreementFilters): Promise<AgreementRow[]> {
  const conditions = [eq(agreements.franchiseId, franchiseId), inBranchScope(agreements.branchId, f.scope)];
  if (f.branchId) conditions.push(eq(agreements.branchId, f.branchId));
  if (f.customerId) conditions.push(eq(agreements.customerId, f.customerId));
  if (f.before) conditions.push(lt(agreements.id, f.before));
  return db.select().from(agreements).where(and(...conditions)).orderBy(desc(agreements.id)).limit(f.limit + 1).all();
}

export function insertAgreementStatement(db: Db, row: NewAgreement): Statement {
  return db.insert(agreements).values(row);
}

/** Aborts the batch unless the agreement is still at `version` (optimistic concurrency). */
export function agreementAtVersion(db: Db, franchiseId: string, id: string, version: number): Statement {
  return assertInBatch(db, "agreement_unchanged", sql`EXISTS (SELECT 1 FROM agreements WHERE id = ${id} AND franchise_id = ${franchiseId} AND version = ${version})`);
}

export function updateAgreementStatement(db: Db, franchiseId: string, id: string, changes: Partial<Pick<AgreementRow, "description" | "endDate">>, now: string): Statement {
  return db
    .update(agreements)
    .set({ ...changes, updatedAt: now, version: sql`${agreements.version} + 1` })
    .where(and(eq(agreements.franchiseId, franchiseId), eq(agreements.id, id)));
}
