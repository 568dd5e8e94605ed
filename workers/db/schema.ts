// D1 schema (drizzle). Every table holding tenant data carries franchise_id; money columns are
// integer minor units of the row's ISO 4217 currency. Invariants that must hold even under
// concurrent writers are CHECK constraints or triggers (see migrations/0001_invariants.sql),
// because D1 offers batches, not interactive transactions.
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const createdAt = () => text("created_at").notNull();

export const franchises = sqliteTable("franchises", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdAt: createdAt(),
});

export const branches = sqliteTable(
  "branches",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    code: text("code").notNull(),
    name: text("name").notNull(),
    timezone: text("timezone").notNull(),
    currency: text("currency").notNull(),
    /** Tax jurisdiction the branch invoices under, e.g. "ES", "GB", "US-CA". */
    jurisdiction: text("jurisdiction").notNull(),
    taxId: text("tax_id"),
    /** JSON PostalAddress (workers/domain/postal-address.ts); was free text before migration "addresses". */
    address: text("address"),
    /** The legal entity the branch invoices as (seller on its documents); null = its name. */
    legalName: text("legal_name"),
    contactEmail: text("contact_email"),
    contactPhone: text("contact_phone"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("branches_franchise_code").on(t.franchiseId, t.code)],
);

export const serviceTypes = sqliteTable(
  "service_types",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    code: text("code").notNull(),
    name: text("name").notNull(),
    defaultTaxCategory: text("default_tax_category").notNull(),
    /** Direct cost as a share of net revenue, in basis points (6200 = 62 %): drives profitability. */
    costRateBps: integer("cost_rate_bps").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("service_types_franchise_code").on(t.franchiseId, t.code),
    check("service_types_cost_rate", sql`${t.costRateBps} BETWEEN 0 AND 100000`),
  ],
);

export const customers = sqliteTable(
  "customers",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    /** Branch that owns the relationship (optional: a customer may buy from several branches). */
    homeBranchId: text("home_branch_id").references(() => branches.id),
    externalRef: text("external_ref"),
    name: text("name").notNull(),
    email: text("email"),
    phone: text("phone"),
    segment: text("segment").notNull(),
    language: text("language").notNull(),
    timezone: text("timezone").notNull(),
    taxId: text("tax_id"),
    /** JSON PostalAddress (workers/domain/postal-address.ts). */
    address: text("address"),
    status: text("status").notNull().default("active"),
    version: integer("version").notNull().default(1),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("customers_franchise_id").on(t.franchiseId, t.id),
    uniqueIndex("customers_franchise_external_ref").on(t.franchiseId, t.externalRef),
  ],
);

/** One row per customer and channel: where to reach them, and whether we may. */
export const customerChannels = sqliteTable(
  "customer_channels",
  {
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    customerId: text("customer_id").notNull().references(() => customers.id),
    channel: text("channel").notNull(), // email | sms | whatsapp
    address: text("address").notNull(),
    consent: text("consent").notNull(), // granted | not_given
    consentAt: text("consent_at"),
    optedOutAt: text("opted_out_at"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("customer_channels_pk").on(t.customerId, t.channel)],
);

/**
 * Tax rates are reference data per jurisdiction, not tenant data. A rate is in force on
 * [effective_from, effective_to): effective_to is exclusive, null means open-ended.
 * rate_ppm is parts per million (21 % = 210000, 8.875 % = 88750).
 */
export const taxRates = sqliteTable(
  "tax_rates",
  {
    id: text("id").primaryKey(),
    jurisdiction: text("jurisdiction").notNull(),
    category: text("category").notNull(),
    ratePpm: integer("rate_ppm").notNull(),
    effectiveFrom: text("effective_from").notNull(),
    effectiveTo: text("effective_to"),
    source: text("source").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("tax_rates_jurisdiction_category_from").on(t.jurisdiction, t.category, t.effectiveFrom),
    check("tax_rates_rate", sql`${t.ratePpm} BETWEEN 0 AND 1000000`),
  ],
);

export const invoices = sqliteTable(
  "invoices",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    branchId: text("branch_id").notNull().references(() => branches.id),
    customerId: text("customer_id").notNull().references(() => customers.id),
    /** Position in the branch's gapless series; null while draft. */
    seq: integer("seq"),
    number: text("number"),
    status: text("status").notNull(), // draft | issued | partially_paid | paid | void
    currency: text("currency").notNull(),
    issueDate: text("issue_date"),
    dueDate: text("due_date"),
    /** For drafts without a fixed due date: due = issue date + this many days. */
    dueInDays: integer("due_in_days"),
    /** Tax point (chargeable event / date of supply) when it differs from the issue date; it chooses the tax rate. Null: the issue date. */
    taxPointDate: text("tax_point_date"),
    subtotal: integer("subtotal").notNull(),
    taxTotal: integer("tax_total").notNull(),
    total: integer("total").notNull(),
    /** Maintained by triggers on payment_allocations / credit_notes (migration 0001). */
    amountPaid: integer("amount_paid").notNull().default(0),
    amountCredited: integer("amount_credited").notNull().default(0),
    /** JSON: [{ category, ratePpm, taxableAmount, taxAmount }] */
    taxBreakdown: text("tax_breakdown").notNull(),
    memo: text("memo"),
    /** JSON snapshots of seller and buyer (workers/domain/party-snapshot.ts), frozen at issue. */
    seller: text("seller"),
    buyer: text("buyer"),
    voidReason: text("void_reason"),
    version: integer("version").notNull().default(1),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
    issuedAt: text("issued_at"),
    voidedAt: text("voided_at"),
  },
  (t) => [
    uniqueIndex("invoices_branch_seq").on(t.branchId, t.seq),
    index("invoices_franchise_id").on(t.franchiseId, t.id),
    index("invoices_franchise_customer").on(t.franchiseId, t.customerId, t.id),
    index("invoices_franchise_status_due").on(t.franchiseId, t.status, t.dueDate),
    index("invoices_franchise_branch_issue").on(t.franchiseId, t.branchId, t.issueDate),
    check("invoices_amounts_non_negative", sql`${t.subtotal} >= 0 AND ${t.taxTotal} >= 0 AND ${t.total} = ${t.subtotal} + ${t.taxTotal}`),
    check(
      "invoices_settlement_within_total",
      sql`${t.amountPaid} >= 0 AND ${t.amountCredited} >= 0 AND ${t.amountPaid} + ${t.amountCredited} <= ${t.total}`,
    ),
    check("invoices_status", sql`${t.status} IN ('draft','issued','partially_paid','paid','void')`),
    check("invoices_number_when_issued", sql`(${t.status} = 'draft') = (${t.seq} IS NULL) OR ${t.status} = 'void'`),
  ],
);

export const invoiceLines = sqliteTable(
  "invoice_lines",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    invoiceId: text("invoice_id").notNull().references(() => invoices.id),
    position: integer("position").notNull(),
    description: text("description").notNull(),
    /** Quantity in thousandths (1.5 h = 1500), so line arithmetic stays in integers. */
    quantityMilli: integer("quantity_milli").notNull(),
    unitPrice: integer("unit_price").notNull(),
    discountBps: integer("discount_bps").notNull().default(0),
    discountAmount: integer("discount_amount").notNull().default(0),
    netAmount: integer("net_amount").notNull(),
    serviceTypeId: text("service_type_id").references(() => serviceTypes.id),
    taxCategory: text("tax_category").notNull(),
    taxRatePpm: integer("tax_rate_ppm").notNull(),
    servicePeriodStart: text("service_period_start"),
    servicePeriodEnd: text("service_period_end"),
  },
  (t) => [uniqueIndex("invoice_lines_position").on(t.invoiceId, t.position), index("invoice_lines_franchise").on(t.franchiseId, t.invoiceId)],
);

export const creditNotes = sqliteTable(
  "credit_notes",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    invoiceId: text("invoice_id").notNull().references(() => invoices.id),
    branchId: text("branch_id").notNull().references(() => branches.id),
    customerId: text("customer_id").notNull().references(() => customers.id),
    seq: integer("seq").notNull(),
    number: text("number").notNull(),
    currency: text("currency").notNull(),
    reason: text("reason").notNull(),
    issueDate: text("issue_date").notNull(),
    subtotal: integer("subtotal").notNull(),
    taxTotal: integer("tax_total").notNull(),
    total: integer("total").notNull(),
    taxBreakdown: text("tax_breakdown").notNull(),
    /** Copied from the invoice: a credit note names the same parties. */
    seller: text("seller"),
    buyer: text("buyer"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("credit_notes_branch_seq").on(t.branchId, t.seq),
    index("credit_notes_franchise_invoice").on(t.franchiseId, t.invoiceId),
    index("credit_notes_franchise_customer").on(t.franchiseId, t.customerId, t.currency),
    check("credit_notes_amounts", sql`${t.total} > 0 AND ${t.total} = ${t.subtotal} + ${t.taxTotal}`),
  ],
);

export const creditNoteLines = sqliteTable(
  "credit_note_lines",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    creditNoteId: text("credit_note_id").notNull().references(() => creditNotes.id),
    position: integer("position").notNull(),
    description: text("description").notNull(),
    quantityMilli: integer("quantity_milli").notNull(),
    unitPrice: integer("unit_price").notNull(),
    netAmount: integer("net_amount").notNull(),
    taxCategory: text("tax_category").notNull(),
    taxRatePpm: integer("tax_rate_ppm").notNull(),
  },
  (t) => [uniqueIndex("credit_note_lines_position").on(t.creditNoteId, t.position)],
);

export const payments = sqliteTable(
  "payments",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    customerId: text("customer_id").notNull().references(() => customers.id),
    currency: text("currency").notNull(),
    amount: integer("amount").notNull(),
    receivedAt: text("received_at").notNull(),
    method: text("method").notNull(),
    reference: text("reference"),
    /** Bumped by each later allocation (POST /v1/payments/{id}/allocations). */
    version: integer("version").notNull().default(1),
    createdAt: createdAt(),
  },
  (t) => [index("payments_franchise_customer").on(t.franchiseId, t.customerId, t.id), check("payments_amount_positive", sql`${t.amount} > 0`)],
);

export const paymentAllocations = sqliteTable(
  "payment_allocations",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    paymentId: text("payment_id").notNull().references(() => payments.id),
    invoiceId: text("invoice_id").notNull().references(() => invoices.id),
    amount: integer("amount").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("payment_allocations_payment_invoice").on(t.paymentId, t.invoiceId),
    index("payment_allocations_invoice").on(t.invoiceId),
    check("payment_allocations_amount_positive", sql`${t.amount} > 0`),
  ],
);

/** Money paid back to a customer out of their credit (see workers/domain/customer-ledger.ts). */
export const refunds = sqliteTable(
  "refunds",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    customerId: text("customer_id").notNull().references(() => customers.id),
    currency: text("currency").notNull(),
    amount: integer("amount").notNull(),
    refundedAt: text("refunded_at").notNull(),
    method: text("method").notNull(),
    reference: text("reference"),
    createdAt: createdAt(),
  },
  (t) => [index("refunds_franchise_customer").on(t.franchiseId, t.customerId, t.currency), check("refunds_amount_positive", sql`${t.amount} > 0`)],
);

/** Customer credit applied to an open invoice; counts in the invoice's amount_credited. */
export const creditApplications = sqliteTable(
  "credit_applications",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    customerId: text("customer_id").notNull().references(() => customers.id),
    invoiceId: text("invoice_id").notNull().references(() => invoices.id),
    currency: text("currency").notNull(),
    amount: integer("amount").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("credit_applications_franchise_customer").on(t.franchiseId, t.customerId, t.currency), check("credit_applications_amount_positive", sql`${t.amount} > 0`)],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    name: text("name").notNull(),
    /** The first characters of the key, shown in listings so a key can be recognised. */
    prefix: text("prefix").notNull(),
    /** SHA-256 of the full key, hex. Keys carry 256 bits of entropy, so a fast hash is enough. */
    keyHash: text("key_hash").notNull(),
    scopes: text("scopes").notNull(), // space-separated: "read write"
    createdAt: createdAt(),
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash").on(t.keyHash)],
);

export const staffUsers = sqliteTable(
  "staff_users",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role").notNull(), // admin | finance | branch_manager | viewer (workers/auth/roles.ts)
    /** "pbkdf2-sha256$<iterations>$<salt b64url>$<hash b64url>" */
    passwordHash: text("password_hash").notNull(),
    createdAt: createdAt(),
    /** Set when an admin deactivates the user: no sign-in, and their sessions stop authenticating. */
    deactivatedAt: text("deactivated_at"),
    /** Bumped by every change (role, branches, deactivation): the staff.* events' aggregate version. */
    version: integer("version").notNull().default(1),
  },
  (t) => [uniqueIndex("staff_users_email").on(t.email)],
);

/** The branches a branch_manager may see and change (other roles ignore assignments). */
export const staffBranchAssignments = sqliteTable(
  "staff_branch_assignments",
  {
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    staffUserId: text("staff_user_id").notNull().references(() => staffUsers.id),
    branchId: text("branch_id").notNull().references(() => branches.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.staffUserId, t.branchId] }), index("staff_branch_assignments_franchise").on(t.franchiseId, t.staffUserId)],
);

export const staffSessions = sqliteTable(
  "staff_sessions",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    staffUserId: text("staff_user_id").notNull().references(() => staffUsers.id),
    tokenHash: text("token_hash").notNull(),
    createdAt: createdAt(),
    expiresAt: text("expires_at").notNull(),
    /** Set by POST /auth/logout: the token stops working before it expires. */
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("staff_sessions_token").on(t.tokenHash), index("staff_sessions_expires").on(t.expiresAt)],
);

/** Failed staff logins per scope ("account:<email>" or "ip:<address>"), for back-off (workers/auth/login-throttle.ts). */
export const loginAttempts = sqliteTable(
  "login_attempts",
  {
    scope: text("scope").primaryKey(),
    failures: integer("failures").notNull(),
    lastFailureAt: text("last_failure_at").notNull(),
    blockedUntil: text("blocked_until"),
  },
  (t) => [index("login_attempts_last_failure").on(t.lastFailureAt)],
);

/**
 * A POST under an Idempotency-Key (workers/db/idempotency.ts): pending while a lease holder runs
 * it, committed in the same batch as the change (resource_type/resource_id say what it made),
 * done once the response is stored. Never holds a secret.
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    key: text("key").notNull(),
    /** The caller, e.g. "api_key:key_…" or "staff:usr_…": only it may replay. */
    principal: text("principal").notNull().default(""),
    requestHash: text("request_hash").notNull(),
    state: text("state").notNull(), // pending | committed | done
    leaseToken: text("lease_token"),
    leaseUntil: text("lease_until"),
    /** What the change made, e.g. "invoice.issued", so a lost response can be rebuilt. */
    resourceType: text("resource_type"),
    resourceId: text("resource_id"),
    statusCode: integer("status_code"),
    responseBody: text("response_body"),
    responseHeaders: text("response_headers"),
    createdAt: createdAt(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [uniqueIndex("idempotency_keys_pk").on(t.franchiseId, t.key), index("idempotency_keys_expires").on(t.expiresAt)],
);

/** Domain events, written in the same batch as the change; relayed to the domain-events queue. */
export const outboxEvents = sqliteTable(
  "outbox_events",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    type: text("type").notNull(),
    aggregateType: text("aggregate_type").notNull(),
    aggregateId: text("aggregate_id").notNull(),
    aggregateVersion: integer("aggregate_version").notNull().default(1),
    actor: text("actor").notNull().default("system:unknown"),
    payload: text("payload").notNull(),
    occurredAt: text("occurred_at").notNull(),
    publishedAt: text("published_at"),
    /**
     * Per-franchise position, assigned in the writing batch as MAX(seq) + 1 (D1 runs a batch
     * serially, so it is gapless). Null only for rows written before this column existed until
     * the backfill migration numbers them.
     */
    seq: integer("seq"),
  },
  (t) => [
    index("outbox_unpublished").on(t.publishedAt, t.id),
    index("outbox_franchise_aggregate").on(t.franchiseId, t.aggregateId),
    uniqueIndex("outbox_franchise_seq").on(t.franchiseId, t.seq),
    index("outbox_pending_by_franchise").on(t.franchiseId, t.seq).where(sql`published_at IS NULL`),
  ],
);

/**
 * One relay at a time per franchise publishes its outbox, in seq order. The holder keeps the
 * lease while it works; a relay that died mid-chunk leaves it to expire, so the chunk it may have
 * sent is re-sent only after `leased_until`.
 */
export const outboxRelayLeases = sqliteTable("outbox_relay_leases", {
  franchiseId: text("franchise_id").primaryKey(),
  token: text("token").notNull(),
  leasedUntil: text("leased_until").notNull(),
});

/** What each subscriber of the domain-events queue did with each event: dedupe and last error. */
export const processedEvents = sqliteTable(
  "processed_events",
  {
    subscriber: text("subscriber").notNull(),
    eventId: text("event_id").notNull(),
    franchiseId: text("franchise_id").notNull(),
    status: text("status").notNull(), // done | failed
    attempts: integer("attempts").notNull(),
    lastError: text("last_error"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("processed_events_pk").on(t.subscriber, t.eventId), index("processed_events_event").on(t.franchiseId, t.eventId)],
);

/**
 * Messages a queue gave up on (after max_retries), kept for inspection and replay. No foreign
 * key on franchise_id: a malformed message may name no franchise, or one that does not exist.
 */
export const deadLetters = sqliteTable(
  "dead_letters",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id"),
    /** The queue the message was meant for (the DLQ's name without "-dlq"). */
    queue: text("queue").notNull(),
    messageId: text("message_id").notNull(),
    /** The message body as canonical JSON. */
    body: text("body").notNull(),
    attempts: integer("attempts").notNull(),
    lastError: text("last_error"),
    createdAt: createdAt(),
    replayedAt: text("replayed_at"),
  },
  (t) => [uniqueIndex("dead_letters_queue_message").on(t.queue, t.messageId), index("dead_letters_franchise").on(t.franchiseId, t.id)],
);
