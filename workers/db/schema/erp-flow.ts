// Accounting integrations, changes flowing back (issue 8): every change read from an ERP with the
// decision taken on it (applied, ignored, conflict), unique per remote document version so a
// payment seen by both a webhook and a poll is applied once; the polling watermark per remote
// resource (payments, invoices…); and the alerts raised on a
// connection's lag or failures, one open alert per (connection, kind) until it clears.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { erpConnections } from "./erp.ts";

export const erpInboundChanges = sqliteTable(
  "erp_inbound_changes",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull(),
    connectionId: text("connection_id")
      .notNull()
      .references(() => erpConnections.id),
    /** payment | invoice | contact */
    remoteType: text("remote_type").notNull(),
    remoteId: text("remote_id").notNull(),
    /** The remote document's modification stamp ("" for documents that never change, e.g. payments). */
    remoteVersion: text("remote_version").notNull(),
    /** amounts | payment | status | contact */
    fieldGroup: text("field_group").notNull(),
    /** applied | ignored | conflict */
    decision: text("decision").notNull(),
    /** What it became in Ledgerline (a payment id, an invoice id, a customer id). */
    localId: text("local_id"),
    /** Why: shown to staff for ignored and conflict decisions. */
    detail: text("detail").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("erp_inbound_changes_remote").on(t.connectionId, t.remoteType, t.remoteId, t.remoteVersion, t.fieldGroup),
    index("erp_inbound_changes_franchise").on(t.franchiseId, t.connectionId, t.createdAt),
  ],
);

export const erpAlerts = sqliteTable(
  "erp_alerts",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull(),
    connectionId: text("connection_id")
      .notNull()
      .references(() => erpConnections.id),
    /** lag (p95 issue-to-synced over maxLagSeconds) | failed (failed records over maxFailed) */
    kind: text("kind").notNull(),
    /** open | cleared */
    status: text("status").notNull(),
    value: integer("value").notNull(),
    threshold: integer("threshold").notNull(),
    message: text("message").notNull(),
    /** JSON: { webhook?: "sent" | "failed: …", email?: "sent" | "failed: …" } */
    notified: text("notified").notNull().default("{}"),
    openedAt: text("opened_at").notNull(),
    clearedAt: text("cleared_at"),
  },
  (t) => [
    // At most one open alert per (connection, kind): the de-duplication is the database's.
    uniqueIndex("erp_alerts_open").on(t.connectionId, t.kind).where(sql`status = 'open'`),
    index("erp_alerts_franchise").on(t.franchiseId, t.connectionId, t.openedAt),
  ],
);

export const erpPollWatermarks = sqliteTable(
  "erp_poll_watermarks",
  {
    franchiseId: text("franchise_id").notNull(),
    connectionId: text("connection_id")
      .notNull()
      .references(() => erpConnections.id),
    /** The remote list polled (Xero: Payments, Invoices; other ERPs their own names). */
    resource: text("resource").notNull(),
    /** The newest remote change applied (ISO): the next poll asks for what changed after it. */
    watermark: text("watermark").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.resource] })],
);
