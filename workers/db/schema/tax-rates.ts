// Tax-rate updates (issue 10): changes a rate feed proposes, staged for a staff admin's decision.
// The rates themselves stay in the core `tax_rates` table (workers/db/schema.ts); an approved
// change is applied to it in the same batch that marks it approved.
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const taxRateChanges = sqliteTable(
  "tax_rate_changes",
  {
    id: text("id").primaryKey(),
    jurisdiction: text("jurisdiction").notNull(),
    category: text("category").notNull(),
    ratePpm: integer("rate_ppm").notNull(),
    effectiveFrom: text("effective_from").notNull(),
    effectiveTo: text("effective_to"),
    /** Where the feed says the value comes from (law, official page). */
    source: text("source").notNull(),
    /** Which configured feed proposed it. */
    feed: text("feed").notNull(),
    /** workers/domain/tax-periods.ts changeFingerprint: a feed row is staged once, even after a rejection. */
    fingerprint: text("fingerprint").notNull(),
    status: text("status").notNull(),
    stagedAt: text("staged_at").notNull(),
    decidedAt: text("decided_at"),
    /** "staff:<id>" */
    decidedBy: text("decided_by"),
    decisionReason: text("decision_reason"),
  },
  (t) => [
    uniqueIndex("tax_rate_changes_fingerprint").on(t.fingerprint),
    index("tax_rate_changes_status").on(t.status, t.effectiveFrom),
    check("tax_rate_changes_status", sql`${t.status} IN ('pending','approved','rejected')`),
    check("tax_rate_changes_rate", sql`${t.ratePpm} BETWEEN 0 AND 1000000`),
    check("tax_rate_changes_period", sql`${t.effectiveTo} IS NULL OR ${t.effectiveTo} > ${t.effectiveFrom}`),
  ],
);
