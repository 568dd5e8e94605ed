// Branches, service types and tax rates: read-mostly data the billing flows price against.
import { and, asc, eq, gt } from "drizzle-orm";
import type { Db } from "./client.ts";
import { inBranchScope, type BranchScope } from "./branch-scope.ts";
import { branches, serviceTypes, taxRates } from "./schema.ts";
import type { TaxCategory, TaxRate } from "../domain/tax.ts";

export type BranchRow = typeof branches.$inferSelect;
export type ServiceTypeRow = typeof serviceTypes.$inferSelect;

/** `scope`: the caller's branches (workers/db/branch-scope.ts); a branch outside them is not found. */
export async function getBranch(db: Db, franchiseId: string, branchId: string, scope?: BranchScope): Promise<BranchRow | undefined> {
  return db.select().from(branches).where(and(eq(branches.franchiseId, franchiseId), eq(branches.id, branchId), inBranchScope(branches.id, scope))).get();
}

export async function listBranches(db: Db, franchiseId: string, opts: { after?: string | undefined; limit: number; branchScope?: BranchScope | undefined }): Promise<BranchRow[]> {
  const where = and(eq(branches.franchiseId, franchiseId), opts.after ? gt(branches.id, opts.after) : undefined, inBranchScope(branches.id, opts.branchScope));
  return db.select().from(branches).where(where).orderBy(asc(branches.id)).limit(opts.limit + 1).all();
}

export async function getServiceType(db: Db, franchiseId: string, id: string): Promise<ServiceTypeRow | undefined> {
  return db.select().from(serviceTypes).where(and(eq(serviceTypes.franchiseId, franchiseId), eq(serviceTypes.id, id))).get();
}

export async function listServiceTypes(db: Db, franchiseId: string, opts: { after?: string; limit: number }): Promise<ServiceTypeRow[]> {
  const where = opts.after ? and(eq(serviceTypes.franchiseId, franchiseId), gt(serviceTypes.id, opts.after)) : eq(serviceTypes.franchiseId, franchiseId);
  return db.select().from(serviceTypes).where(where).orderBy(asc(serviceTypes.id)).limit(opts.limit + 1).all();
}

export async function serviceTypeTaxCategories(db: Db, franchiseId: string): Promise<Map<string, TaxCategory>> {
  const rows = await db.select({ id: serviceTypes.id, category: serviceTypes.defaultTaxCategory }).from(serviceTypes).where(eq(serviceTypes.franchiseId, franchiseId)).all();
  return new Map(rows.map((r) => [r.id, r.category as TaxCategory]));
}

export async function taxRatesFor(db: Db, jurisdiction: string): Promise<TaxRate[]> {
  return db
    .select({ jurisdiction: taxRates.jurisdiction, category: taxRates.category, ratePpm: taxRates.ratePpm, effectiveFrom: taxRates.effectiveFrom, effectiveTo: taxRates.effectiveTo })
    .from(taxRates)
    .where(eq(taxRates.jurisdiction, jurisdiction))
    .all();
}
