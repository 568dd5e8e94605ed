// Audit-log witnesses (issue 10): the webhook each franchise names to receive its signed
// checkpoints (a copy held outside our control, which makes a rollback of the log visible), the
// push's signing secret sealed with AES-GCM (never stored in clear), and one row per checkpoint
// pushed with its outcome and attempts (retried hourly until delivered or out of attempts).
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { franchises } from "../schema.ts";

export const auditWitnesses = sqliteTable("audit_witnesses", {
  franchiseId: text("franchise_id").primaryKey().references(() => franchises.id),
  url: text("url").notNull(),
  /** AES-256-GCM sealed (workers/integrations/erp/token-crypto.ts), the franchise id as associated data; null: pushes unsigned. */
  secretSealed: text("secret_sealed"),
  /** First 8 hex digits of SHA-256(secret): lets an admin tell which secret is set without revealing it. */
  secretFingerprint: text("secret_fingerprint"),
  version: integer("version").notNull().default(1),
  updatedBy: text("updated_by").notNull(),
  updatedAt: text("updated_at").notNull(),
});

export const auditWitnessPushes = sqliteTable(
  "audit_witness_pushes",
  {
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    /** The checkpoint's tree size (one checkpoint per size per log). */
    size: integer("size").notNull(),
    url: text("url").notNull(),
    /** delivered | failed (retried while attempts < the limit) */
    status: text("status").notNull(),
    httpStatus: integer("http_status"),
    error: text("error"),
    attempts: integer("attempts").notNull(),
    firstAttemptAt: text("first_attempt_at").notNull(),
    lastAttemptAt: text("last_attempt_at").notNull(),
    deliveredAt: text("delivered_at"),
  },
  (t) => [primaryKey({ columns: [t.franchiseId, t.size] }), index("audit_witness_pushes_pending").on(t.status, t.franchiseId)],
);
