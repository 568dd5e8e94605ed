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

/**
 * Per-route request metrics in dev and tests (production also writes Workers Analytics Engine):
 * one row per franchise, minute and route, with counts and a latency histogram whose buckets
 * b0..b12 follow BUCKET_BOUNDS_MS (workers/domain/latency-histogram.ts). Rows older than a day
 * are purged by the flush itself.
 */
export const routeMetrics = sqliteTable(
  "route_metrics",
  {
    franchiseId: text("franchise_id").notNull(),
    /** UTC minute, "YYYY-MM-DDTHH:MM". */
    minute: text("minute").notNull(),
    /** "GET /v1/invoices/:id". */
    route: text("route").notNull(),
    count: integer("count").notNull(),
    /** 5xx answers. */
    errors: integer("errors").notNull(),
    /** 429 answers (rate, cap or concurrency limits). */
    throttled: integer("throttled").notNull(),
    b0: integer("b0").notNull(),
    b1: integer("b1").notNull(),
    b2: integer("b2").notNull(),
    b3: integer("b3").notNull(),
    b4: integer("b4").notNull(),
    b5: integer("b5").notNull(),
    b6: integer("b6").notNull(),
    b7: integer("b7").notNull(),
    b8: integer("b8").notNull(),
    b9: integer("b9").notNull(),
    b10: integer("b10").notNull(),
    b11: integer("b11").notNull(),
    b12: integer("b12").notNull(),
  },
  (t) => [primaryKey({ columns: [t.franchiseId, t.minute, t.route] })],
);
