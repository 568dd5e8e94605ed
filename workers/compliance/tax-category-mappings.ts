// Use cases for the EN 16931 tax-category mapping: read what is in force per jurisdiction
// (stored rows over the defaults) and let staff change or reset one entry.
import { eq } from "drizzle-orm";
import type { BillingContext } from "../billing/context.ts";
import { runBatch } from "../db/batch.ts";
import { deleteMappingStatement, mappingRows, toStoredMapping, upsertMappingStatement } from "../db/einvoice-tax-categories.ts";
import { branches } from "../db/schema.ts";
import { DEFAULT_MAPPING, mappingFor, validateTaxCategoryMapping, type TaxCategoryMapping } from "../domain/einvoice/tax-categories.ts";
import { invalid } from "../domain/errors.ts";
import { TAX_CATEGORIES, type TaxCategory } from "../domain/tax.ts";

export interface MappingEntry extends TaxCategoryMapping {
  jurisdiction: string;
  internalCategory: TaxCategory;
  source: "default" | "custom";
  updatedAt: string | null;
  updatedBy: string | null;
}

const JURISDICTION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

export function assertJurisdiction(value: string, field = "jurisdiction"): string {
  if (!JURISDICTION.test(value)) throw invalid("invalid_jurisdiction", field, `${value} is not a jurisdiction code such as ES or US-CA`);
  return value;
}

/** The mapping in force for every internal category of one jurisdiction. */
export async function mappingTableFor(ctx: BillingContext, jurisdiction: string): Promise<Record<TaxCategory, TaxCategoryMapping>> {
  const stored = (await mappingRows(ctx.db, ctx.franchiseId, [jurisdiction])).map(toStoredMapping);
  return Object.fromEntries(TAX_CATEGORIES.map((c) => [c, mappingFor(stored, jurisdiction, c)])) as Record<TaxCategory, TaxCategoryMapping>;
}

/** Entries for `jurisdiction`, or for every jurisdiction the franchise's branches invoice under. */
export async function listMappings(ctx: BillingContext, jurisdiction?: string): Promise<MappingEntry[]> {
  const jurisdictions = jurisdiction
    ? [assertJurisdiction(jurisdiction)]
    : [...new Set((await ctx.db.select({ j: branches.jurisdiction }).from(branches).where(eq(branches.franchiseId, ctx.franchiseId)).all()).map((r) => r.j))].sort();
  const rows = await mappingRows(ctx.db, ctx.franchiseId, jurisdictions);
  return jurisdictions.flatMap((j) =>
    TAX_CATEGORIES.map((category): MappingEntry => {
      const row = rows.find((r) => r.jurisdiction === j && r.internalCategory === category);
      if (!row) return { jurisdiction: j, internalCategory: category, ...DEFAULT_MAPPING[category], source: "default", updatedAt: null, updatedBy: null };
      return { ...toStoredMapping(row), source: "custom", updatedAt: row.updatedAt, updatedBy: row.updatedBy };
    }),
  );
}

export async function setMapping(ctx: BillingContext, jurisdiction: string, category: TaxCategory, input: { code: string; exemptionReasonCode?: string | null; exemptionReason?: string | null }): Promise<MappingEntry> {
  assertJurisdiction(jurisdiction);
  const mapping = validateTaxCategoryMapping(category, input);
  const now = ctx.clock.now().toISOString();
  await runBatch(ctx.db, [upsertMappingStatement(ctx.db, ctx.franchiseId, jurisdiction, category, mapping, now, ctx.actor)]);
  return { jurisdiction, internalCategory: category, ...mapping, source: "custom", updatedAt: now, updatedBy: ctx.actor };
}

export async function resetMapping(ctx: BillingContext, jurisdiction: string, category: TaxCategory): Promise<MappingEntry> {
  assertJurisdiction(jurisdiction);
  await runBatch(ctx.db, [deleteMappingStatement(ctx.db, ctx.franchiseId, jurisdiction, category)]);
  return { jurisdiction, internalCategory: category, ...DEFAULT_MAPPING[category], source: "default", updatedAt: null, updatedBy: null };
}
