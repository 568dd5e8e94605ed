// Scale and performance: partner rate plans (data, changeable without a deploy).
// A plan gives each API key a GCRA limit (burst + sustained per minute), the franchise a cap
// across all its keys, and a concurrency limit for expensive endpoints. An assignment binds a
// plan to a franchise (subject "franchise": its cap and its keys' default) or to one API key
// (subject = the key id: that key's own limit). No assignment = DEFAULT_RATE_PLAN in code.
import { check, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";
import { franchises } from "../schema.ts";

export const ratePlans = sqliteTable(
  "rate_plans",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    keyBurst: integer("key_burst").notNull(),
    keyPerMinute: integer("key_per_minute").notNull(),
    franchiseBurst: integer("franchise_burst").notNull(),
    franchisePerMinute: integer("franchise_per_minute").notNull(),
    /** Requests to expensive endpoints (billing runs, exports, analytics) in flight at once, per franchise. */
    expensiveConcurrency: integer("expensive_concurrency").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    check(
      "rate_plans_positive",
      sql`${t.keyBurst} >= 1 AND ${t.keyPerMinute} >= 1 AND ${t.franchiseBurst} >= 1 AND ${t.franchisePerMinute} >= 1 AND ${t.expensiveConcurrency} >= 1`,
    ),
  ],
);

export const ratePlanAssignments = sqliteTable(
  "rate_plan_assignments",
  {
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    /** "franchise", or the id of one of the franchise's API keys. */
    subject: text("subject").notNull(),
    ratePlanId: text("rate_plan_id").notNull().references(() => ratePlans.id),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.franchiseId, t.subject] })],
);

