// Stored EN 16931 tax-category mappings (schema/einvoice.ts), always scoped by franchise.
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "./client.ts";
import type { Statement } from "./batch.ts";
import { einvoiceTaxCategories } from "./schema/einvoice.ts";
import type { StoredMapping, TaxCategoryMapping } from "../domain/einvoice/tax-categories.ts";
import type { TaxCategory } from "../domain/tax.ts";

export type TaxCategoryMappingRow = typeof einvoiceTaxCategories.$inferSelect;

export async function mappingRows(db: Db, franchiseId: string, jurisdictions: readonly string[]): Promise<TaxCategoryMappingRow[]> {
  if (jurisdictions.length === 0) return [];
  return db
    .select()
    .from(einvoiceTaxCategories)
    .where(and(eq(einvoiceTaxCategories.franchiseId, franchiseId), inArray(einvoiceTaxCategories.jurisdiction, [...jurisdictions])))
    .all();
}

export const toStoredMapping = (row: TaxCategoryMappingRow): StoredMapping => ({
  jurisdiction: row.jurisdiction,
  internalCategory: row.internalCategory as TaxCategory,
  code: row.code as StoredMapping["code"],
  exemptionReasonCode: row.exemptionReasonCode,
  exemptionReason: row.exemptionReason,
});

export function upsertMappingStatement(db: Db, franchiseId: string, jurisdiction: string, internal: TaxCategory, m: TaxCategoryMapping, now: string, actor: string): Statement {
  const values = { code: m.code, exemptionReasonCode: m.exemptionReasonCode, exemptionReason: m.exemptionReason, updatedAt: now, updatedBy: actor };
  return db
    .insert(einvoiceTaxCategories)
    .values({ franchiseId, jurisdiction, internalCategory: internal, ...values })
    .onConflictDoUpdate({ target: [einvoiceTaxCategories.franchiseId, einvoiceTaxCategories.jurisdiction, einvoiceTaxCategories.internalCategory], set: values });
}

export function deleteMappingStatement(db: Db, franchiseId: string, jurisdiction: string, internal: TaxCategory): Statement {
  return db
    .delete(einvoiceTaxCategories)
    .where(and(eq(einvoiceTaxCategories.franchiseId, franchiseId), eq(einvoiceTaxCategories.jurisdiction, jurisdiction), eq(einvoiceTaxCategories.internalCategory, internal)));
}
