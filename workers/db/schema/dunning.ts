// Dunning (automated reminders) tables. Every row carries franchise_id. Communications are
// append-only (triggers in the dunning_history migration): a status change is a new row.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { customers, franchises, invoices } from "../schema.ts";

/** Per-franchise settings: the aging buckets (JSON AgingBucketDef[]) and holidays. */
export const dunningSettings = sqliteTable("dunning_settings", {
  franchiseId: text("franchise_id").primaryKey().references(() => franchises.id),
  buckets: text("buckets").notNull(),
  /** JSON { "*": dates[], "<branchId>": dates[] }: local dates on which nothing is sent. */
  holidays: text("holidays").notNull().default("{}"),
  updatedAt: text("updated_at").notNull(),
});

/** A cadence template; `version` is its current version (see dunning_cadence_versions). */
export const dunningCadences = sqliteTable(
  "dunning_cadences",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    name: text("name").notNull(),
    /** JSON string[]; [] = every segment. */
    segments: text("segments").notNull(),
    version: integer("version").notNull(),
    status: text("status").notNull().default("active"), // active | archived
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("dunning_cadences_franchise").on(t.franchiseId, t.id)],
);

/** Immutable versions: a running sequence keeps the version it started with. */
export const dunningCadenceVersions = sqliteTable(
  "dunning_cadence_versions",
  {
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    cadenceId: text("cadence_id").notNull().references(() => dunningCadences.id),
    version: integer("version").notNull(),
    /** JSON { defaultLanguage, steps, suppression } (workers/domain/dunning/cadence.ts). */
    definition: text("definition").notNull(),
    createdAt: text("created_at").notNull(),
    createdBy: text("created_by").notNull(),
  },
  (t) => [primaryKey({ columns: [t.cadenceId, t.version] })],
);

/** Dunning-only profile fields beside the customer's segment, language and timezone. */
export const customerDunningProfiles = sqliteTable("customer_dunning_profiles", {
  customerId: text("customer_id").primaryKey().references(() => customers.id),
  franchiseId: text("franchise_id").notNull().references(() => franchises.id),
  /** JSON Channel[] in order of preference. */
  preferredChannels: text("preferred_channels").notNull(),
  doNotContact: integer("do_not_contact", { mode: "boolean" }).notNull().default(false),
  /** JSON { "<channel>": instant }: permanent failures (invalid number, hard bounce). */
  unreachable: text("unreachable").notNull().default("{}"),
  /**
   * Dunning segment that picks the cadence instead of the customer's own segment; null = theirs.
   * `segment_source` says who set it: "staff" (by hand, never overridden) or "risk" (the
   * late-payment model: workers/risk/dunning-segment.ts sets and clears it after each training).
   */
  segment: text("segment"),
  segmentSource: text("segment_source"),
  segmentSetAt: text("segment_set_at"),
  updatedAt: text("updated_at").notNull(),
});

export const invoiceDisputes = sqliteTable(
  "invoice_disputes",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    invoiceId: text("invoice_id").notNull().references(() => invoices.id),
    customerId: text("customer_id").notNull().references(() => customers.id),
    reason: text("reason").notNull(),
    openedAt: text("opened_at").notNull(),
    resolvedAt: text("resolved_at"),
    resolution: text("resolution"),
    openedBy: text("opened_by").notNull(),
  },
  (t) => [index("invoice_disputes_customer").on(t.franchiseId, t.customerId), index("invoice_disputes_invoice").on(t.franchiseId, t.invoiceId)],
);

export const promisesToPay = sqliteTable(
  "promises_to_pay",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    customerId: text("customer_id").notNull().references(() => customers.id),
    until: text("until").notNull(),
    amount: integer("amount"),
    createdAt: text("created_at").notNull(),
    createdBy: text("created_by").notNull(),
  },
  (t) => [index("promises_to_pay_customer").on(t.franchiseId, t.customerId)],
);

/**
 * Append-only history: every attempt, send, delivery status, failure, suppression (with reason),
 * opt-out/opt-in, dispute, promise and escalation. `idempotency_key` is unique for sends, so a
 * redelivered queue message or a re-run alarm cannot record (or send) twice.
 */
export const communications = sqliteTable(
  "communications",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    customerId: text("customer_id").notNull().references(() => customers.id),
    kind: text("kind").notNull(),
    channel: text("channel"),
    stepId: text("step_id"),
    cadenceId: text("cadence_id"),
    cadenceVersion: integer("cadence_version"),
    /** JSON string[]. */
    invoiceIds: text("invoice_ids").notNull(),
    reason: text("reason"),
    address: text("address"),
    subject: text("subject"),
    body: text("body"),
    contentHash: text("content_hash"),
    providerMessageId: text("provider_message_id"),
    idempotencyKey: text("idempotency_key"),
    actor: text("actor").notNull(),
    occurredAt: text("occurred_at").notNull(),
  },
  (t) => [
    index("communications_customer").on(t.franchiseId, t.customerId, t.id),
    uniqueIndex("communications_idempotency").on(t.franchiseId, t.kind, t.idempotencyKey),
    index("communications_provider_message").on(t.providerMessageId),
  ],
);
