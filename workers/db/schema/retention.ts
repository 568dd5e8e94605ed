// Retention and legal holds (issue 10). Policies are reference data (seeded by migration
// `retention` from workers/domain/retention.ts RETENTION_POLICIES); holds are tenant data: a
// staff admin's hold on one archived document, set and lifted with a reason.
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";
import { franchises } from "../schema.ts";

export const retentionPolicies = sqliteTable(
  "retention_policies",
  {
    jurisdiction: text("jurisdiction").notNull(),
    documentClass: text("document_class").notNull(),
    months: integer("months").notNull(),
    /** JSON of workers/domain/retention.ts RetentionStart */
    start: text("start").notNull(),
    source: text("source").notNull(),
  },
  (t) => [primaryKey({ columns: [t.jurisdiction, t.documentClass] }), check("retention_policies_months", sql`${t.months} BETWEEN 1 AND 1200`)],
);

export const legalHolds = sqliteTable(
  "legal_holds",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    documentKind: text("document_kind").notNull(),
    documentId: text("document_id").notNull(),
    reason: text("reason").notNull(),
    setBy: text("set_by").notNull(),
    setAt: text("set_at").notNull(),
    liftedAt: text("lifted_at"),
    liftedBy: text("lifted_by"),
    liftReason: text("lift_reason"),
  },
  (t) => [
    index("legal_holds_document").on(t.franchiseId, t.documentKind, t.documentId),
    // one active hold per document
    uniqueIndex("legal_holds_active").on(t.franchiseId, t.documentKind, t.documentId).where(sql`lifted_at IS NULL`),
    check("legal_holds_kind", sql`${t.documentKind} IN ('invoice','credit_note')`),
    check("legal_holds_lift", sql`(${t.liftedAt} IS NULL) = (${t.liftedBy} IS NULL) AND (${t.liftedAt} IS NULL) = (${t.liftReason} IS NULL)`),
  ],
);
