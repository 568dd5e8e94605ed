// Recurring billing (issue 13): service agreements and billing runs.
// A billing run's work list is `billing_run_items` (one row per invoice to create, written by the
// plan step); `billing_run_invoices` is the dedupe ledger: one row per billing key (agreement ×
// period, or run × position for ad-hoc items), written in the SAME batch as the invoice it names,
// so its primary key makes a second invoice for the same key impossible, whatever the code does.
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { branches, customers, franchises, invoices, serviceTypes } from "../schema.ts";

export const agreements = sqliteTable(
  "agreements",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    branchId: text("branch_id").notNull().references(() => branches.id),
    customerId: text("customer_id").notNull().references(() => customers.id),
    serviceTypeId: text("service_type_id").notNull().references(() => serviceTypes.id),
    description: text("description").notNull(),
    /** Thousandths, like invoice lines. */
    quantityMilli: integer("quantity_milli").notNull(),
    /** Per unit and cadence period, in the branch currency's minor units. */
    unitPrice: integer("unit_price").notNull(),
    cadence: text("cadence").notNull(), // monthly | quarterly | annual
    startDate: text("start_date").notNull(),
    endDate: text("end_date"),
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("agreements_franchise").on(t.franchiseId, t.id),
    index("agreements_franchise_branch").on(t.franchiseId, t.branchId, t.id),
    // The plan step pages a branch's agreements by (customer, id): this index serves it in order.
    index("agreements_branch_customer").on(t.franchiseId, t.branchId, t.customerId, t.id),
    check("agreements_cadence", sql`${t.cadence} IN ('monthly','quarterly','annual')`),
    check("agreements_amounts", sql`${t.quantityMilli} > 0 AND ${t.unitPrice} >= 0`),
    check("agreements_dates", sql`${t.endDate} IS NULL OR ${t.endDate} >= ${t.startDate}`),
  ],
);

export const billingRuns = sqliteTable(
  "billing_runs",
  {
    id: text("id").primaryKey(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    branchId: text("branch_id").notNull().references(() => branches.id),
    /** The billed calendar month, YYYY-MM. */
    period: text("period").notNull(),
    source: text("source").notNull(), // agreements | items
    /** Every invoice of the run carries this issue date (the branch's today when it was submitted). */
    issueDate: text("issue_date").notNull(),
    status: text("status").notNull(), // queued | running | done | failed
    planned: integer("planned").notNull().default(0),
    created: integer("created").notNull().default(0),
    issued: integer("issued").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    /** Why the run as a whole failed (per-customer failures are billing_run_items rows). */
    error: text("error"),
    requestedBy: text("requested_by").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    /** When the plan step set it running (the workflow picked it up); the run's own clock starts here. */
    startedAt: text("started_at"),
    finishedAt: text("finished_at"),
  },
  (t) => [
    // One run per branch and month: a second submission is refused (409), never doubled.
    uniqueIndex("billing_runs_branch_period").on(t.franchiseId, t.branchId, t.period),
    index("billing_runs_franchise").on(t.franchiseId, t.id),
    index("billing_runs_status").on(t.status, t.updatedAt),
    check("billing_runs_status", sql`${t.status} IN ('queued','running','done','failed')`),
  ],
);

export const billingRunItems = sqliteTable(
  "billing_run_items",
  {
    runId: text("run_id").notNull().references(() => billingRuns.id),
    /** 0-based place in the run: chunks are ranges of positions, numbers follow this order. */
    position: integer("position").notNull(),
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    customerId: text("customer_id").notNull(),
    /** JSON string[]: the billing keys this invoice settles (one per agreement billed, or "run:<run>:<position>"). */
    billingKeys: text("billing_keys").notNull(),
    /** JSON DraftLineInput[] (workers/domain/invoice-draft.ts). */
    lines: text("lines").notNull(),
    status: text("status").notNull().default("planned"), // planned | issued | failed
    invoiceId: text("invoice_id"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
  },
  (t) => [primaryKey({ columns: [t.runId, t.position] }), index("billing_run_items_status").on(t.runId, t.status, t.position)],
);

export const billingRunInvoices = sqliteTable(
  "billing_run_invoices",
  {
    franchiseId: text("franchise_id").notNull().references(() => franchises.id),
    /** "agr:<agreementId>:<YYYY-MM>" or "run:<runId>:<position>". */
    billingKey: text("billing_key").notNull(),
    invoiceId: text("invoice_id").notNull().references(() => invoices.id),
    runId: text("run_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.franchiseId, t.billingKey] }), index("billing_run_invoices_invoice").on(t.invoiceId)],
);
