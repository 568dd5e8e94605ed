// E-invoicing (issue 9): how each internal tax category is written as an EN 16931 VAT category
// in each jurisdiction, per franchise (workers/domain/einvoice/tax-categories.ts validates the
// rows; a missing row means the default mapping).
import { check, index, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";
import { franchises } from "../schema.ts";

export const einvoiceTaxCategories = sqliteTable(
  "einvoice_tax_categories",
  {
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    jurisdiction: text("jurisdiction").notNull(),
    /** workers/domain/tax.ts TAX_CATEGORIES */
    internalCategory: text("internal_category").notNull(),
    /** UNCL5305 code */
    code: text("code").notNull(),
    exemptionReasonCode: text("exemption_reason_code"),
    exemptionReason: text("exemption_reason"),
    updatedAt: text("updated_at").notNull(),
    /** The staff actor who last changed it ("staff:<id>"). */
    updatedBy: text("updated_by").notNull(),
  },
  (t) => [
    uniqueIndex("einvoice_tax_categories_pk").on(t.franchiseId, t.jurisdiction, t.internalCategory),
    index("einvoice_tax_categories_franchise").on(t.franchiseId),
    check("einvoice_tax_categories_code", sql`${t.code} IN ('S','Z','E','AE','K','G','O','L','M')`),
  ],
);
