// Accounting integrations (issue 8): connections to an ERP, the franchise's mappings, one sync
// record per (connection, document, operation) with its attempt history, and conflicts waiting
// for review. Tokens are NOT here: the connection's ErpConnection Durable Object keeps them,
// encrypted (durable-objects/erp-connection.ts).
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { franchises } from "../schema.ts";

export const erpConnections = sqliteTable(
  "erp_connections",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    provider: text("provider").notNull(), // xero (qbo, netsuite later)
    /** pending (authorization started) | connected | reconnect_required | disconnected */
    status: text("status").notNull(),
    remoteTenantId: text("remote_tenant_id"),
    remoteTenantName: text("remote_tenant_name"),
    /** Where alerts go (JSON: { email?, webhookUrl?, maxLagSeconds, maxFailed }). */
    alerting: text("alerting").notNull().default("{}"),
    /** Which side owns contact details on a conflict: "ledgerline" | "erp" | "review". */
    contactOwner: text("contact_owner").notNull().default("review"),
    lastSyncedAt: text("last_synced_at"),
    lastPolledAt: text("last_polled_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("erp_connections_franchise").on(t.franchiseId, t.status)],
);

export const erpMappings = sqliteTable(
  "erp_mappings",
  {
    franchiseId: text("franchise_id").notNull(),
    connectionId: text("connection_id").notNull().references(() => erpConnections.id),
    kind: text("kind").notNull(), // tax | account | currency | contact
    localKey: text("local_key").notNull(),
    remoteCode: text("remote_code").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.kind, t.localKey] }), index("erp_mappings_franchise").on(t.franchiseId, t.connectionId)],
);

export const erpSyncRecords = sqliteTable(
  "erp_sync_records",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull(),
    connectionId: text("connection_id").notNull().references(() => erpConnections.id),
    entityType: text("entity_type").notNull(), // invoice | credit_note | payment | customer (a contact's last synced details)
    entityId: text("entity_id").notNull(),
    /** create | void | allocate (a credit note applied to its invoice); triggers refuse others (migration erp_allocations). */
    operation: text("operation").notNull(),
    /** The document's number (search-by-number before create) or the payment's reference. */
    entityNumber: text("entity_number"),
    /** The record that must be synced first (a payment's invoice, a void's create). */
    dependsOn: text("depends_on"),
    /** pending | syncing | synced | retrying | failed | conflict */
    state: text("state").notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** The document as the event carried it (canonical JSON): what is sent. */
    payload: text("payload").notNull(),
    /** What Xero holds for it after the last successful sync (JSON), the "base" of a three-way compare. */
    syncedSnapshot: text("synced_snapshot"),
    remoteId: text("remote_id"),
    /** When the change happened in Ledgerline (issue → synced lag). */
    sourceAt: text("source_at").notNull(),
    syncedAt: text("synced_at"),
    nextAttemptAt: text("next_attempt_at"),
    claimedUntil: text("claimed_until"),
    lastErrorClass: text("last_error_class"),
    lastError: text("last_error"),
    lastFix: text("last_fix"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("erp_sync_records_entity").on(t.connectionId, t.entityType, t.entityId, t.operation),
    index("erp_sync_records_state").on(t.franchiseId, t.connectionId, t.state, t.sourceAt),
    index("erp_sync_records_synced").on(t.connectionId, t.syncedAt),
  ],
);

export const erpSyncAttempts = sqliteTable(
  "erp_sync_attempts",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull(),
    recordId: text("record_id").notNull().references(() => erpSyncRecords.id),
    attempt: integer("attempt").notNull(),
    at: text("at").notNull(),
    /** synced | linked (found by number) | one of the failure classes */
    outcome: text("outcome").notNull(),
    httpStatus: integer("http_status"),
    message: text("message"),
  },
  (t) => [index("erp_sync_attempts_record").on(t.recordId, t.at), index("erp_sync_attempts_franchise").on(t.franchiseId, t.at)],
);

export const erpConflicts = sqliteTable(
  "erp_conflicts",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull(),
    connectionId: text("connection_id").notNull().references(() => erpConnections.id),
    recordId: text("record_id").notNull().references(() => erpSyncRecords.id),
    fieldGroup: text("field_group").notNull(), // amounts | status | contact
    /** JSON objects of the group's fields: ours now, theirs now, both at the last sync. */
    ours: text("ours").notNull(),
    theirs: text("theirs").notNull(),
    base: text("base").notNull(),
    /** open | resolved */
    status: text("status").notNull(),
    resolution: text("resolution"), // JSON: { field: "ours" | "theirs" }
    resolvedBy: text("resolved_by"),
    createdAt: text("created_at").notNull(),
    resolvedAt: text("resolved_at"),
  },
  (t) => [index("erp_conflicts_open").on(t.franchiseId, t.connectionId, t.status, t.createdAt)],
);
