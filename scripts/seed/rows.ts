// Row shapes of the seeded tables. Field names are the SQL column names (snake_case), so the
// SQL writer can emit any table generically. Invoices are inserted as 'issued' with nothing paid:
// the triggers of migration 0001 move amount_paid, amount_credited and status as allocations
// and credit notes are inserted after them.

import type { AgreementRow } from "./agreements.ts";

export type SqlValue = string | number | null;

export interface FranchiseRow { id: string; name: string; created_at: string }

export interface BranchRow {
  id: string; franchise_id: string; code: string; name: string; timezone: string; currency: string;
  jurisdiction: string; tax_id: string | null;
  /** JSON PostalAddress. */
  address: string | null;
  legal_name: string | null; contact_email: string | null; contact_phone: string | null; created_at: string;
}

export interface ServiceTypeRow {
  id: string; franchise_id: string; code: string; name: string; default_tax_category: string;
  cost_rate_bps: number; created_at: string;
}

export interface TaxRateRow {
  id: string; jurisdiction: string; category: string; rate_ppm: number; effective_from: string;
  effective_to: string | null; source: string; created_at: string;
}

export interface CustomerRow {
  id: string; franchise_id: string; home_branch_id: string | null; external_ref: string | null; name: string;
  email: string | null; phone: string | null; segment: string; language: string; timezone: string;
  tax_id: string | null;
  /** JSON PostalAddress. */
  address: string | null;
  status: string; version: number; created_at: string; updated_at: string;
}

export interface CustomerChannelRow {
  franchise_id: string; customer_id: string; channel: string; address: string; consent: string;
  consent_at: string | null; opted_out_at: string | null; updated_at: string;
}

export interface StaffUserRow {
  id: string; franchise_id: string; email: string; name: string; role: string; password_hash: string; created_at: string;
}

export interface StaffBranchAssignmentRow {
  franchise_id: string; staff_user_id: string; branch_id: string; created_at: string;
}

export interface ApiKeyRow {
  id: string; franchise_id: string; name: string; prefix: string; key_hash: string; scopes: string;
  created_at: string; revoked_at: string | null;
}

export interface InvoiceRow {
  id: string; franchise_id: string; branch_id: string; customer_id: string; seq: number; number: string;
  status: string; currency: string; issue_date: string; due_date: string; due_in_days: number;
  subtotal: number; tax_total: number; total: number; amount_paid: number; amount_credited: number;
  tax_breakdown: string; memo: string | null; version: number; created_at: string; updated_at: string; issued_at: string;
}

export interface InvoiceLineRow {
  id: string; franchise_id: string; invoice_id: string; position: number; description: string;
  quantity_milli: number; unit_price: number; discount_bps: number; discount_amount: number; net_amount: number;
  service_type_id: string | null; tax_category: string; tax_rate_ppm: number;
  service_period_start: string | null; service_period_end: string | null;
}

export interface CreditNoteRow {
  id: string; franchise_id: string; invoice_id: string; branch_id: string; customer_id: string; seq: number;
  number: string; currency: string; reason: string; issue_date: string; subtotal: number; tax_total: number;
  total: number; tax_breakdown: string; created_at: string;
}

export interface CreditNoteLineRow {
  id: string; franchise_id: string; credit_note_id: string; position: number; description: string;
  quantity_milli: number; unit_price: number; net_amount: number; tax_category: string; tax_rate_ppm: number;
}

export interface PaymentRow {
  id: string; franchise_id: string; customer_id: string; currency: string; amount: number; received_at: string;
  method: string; reference: string | null; created_at: string;
}

export interface PaymentAllocationRow {
  id: string; franchise_id: string; payment_id: string; invoice_id: string; amount: number; created_at: string;
}

// Dunning (issue 7): JSON columns are strings, booleans 0/1.
export interface DunningSettingsRow { franchise_id: string; buckets: string; holidays: string; updated_at: string }

export interface DunningCadenceRow {
  id: string; franchise_id: string; name: string; segments: string; version: number; status: string; created_at: string; updated_at: string;
}

export interface DunningCadenceVersionRow {
  franchise_id: string; cadence_id: string; version: number; definition: string; created_at: string; created_by: string;
}

export interface CustomerDunningProfileRow {
  customer_id: string; franchise_id: string; preferred_channels: string; do_not_contact: number; unreachable: string; updated_at: string;
}

export interface InvoiceDisputeRow {
  id: string; franchise_id: string; invoice_id: string; customer_id: string; reason: string; opened_at: string;
  resolved_at: string | null; resolution: string | null; opened_by: string;
}

export interface PromiseToPayRow { id: string; franchise_id: string; customer_id: string; until: string; amount: number | null; created_at: string; created_by: string }

export interface CommunicationRow {
  id: string; franchise_id: string; customer_id: string; kind: string; channel: string | null; step_id: string | null;
  cadence_id: string | null; cadence_version: number | null; invoice_ids: string; reason: string | null; address: string | null;
  subject: string | null; body: string | null; content_hash: string | null; provider_message_id: string | null;
  idempotency_key: string | null; actor: string; occurred_at: string;
}

/** Seeded tables, keyed by SQL table name, in an order that satisfies foreign keys and triggers. */
export interface DemoTables {
  franchises: FranchiseRow[];
  branches: BranchRow[];
  service_types: ServiceTypeRow[];
  tax_rates: TaxRateRow[];
  customers: CustomerRow[];
  customer_channels: CustomerChannelRow[];
  agreements: AgreementRow[]; // billing runs (issue 13): scripts/seed/agreements.ts
  staff_users: StaffUserRow[];
  staff_branch_assignments: StaffBranchAssignmentRow[];
  api_keys: ApiKeyRow[];
  invoices: InvoiceRow[];
  invoice_lines: InvoiceLineRow[];
  credit_notes: CreditNoteRow[];
  credit_note_lines: CreditNoteLineRow[];
  payments: PaymentRow[];
  payment_allocations: PaymentAllocationRow[];
  dunning_settings: DunningSettingsRow[];
  dunning_cadences: DunningCadenceRow[];
  dunning_cadence_versions: DunningCadenceVersionRow[];
  customer_dunning_profiles: CustomerDunningProfileRow[];
  invoice_disputes: InvoiceDisputeRow[];
  promises_to_pay: PromiseToPayRow[];
  communications: CommunicationRow[];
}

export const INSERT_ORDER: ReadonlyArray<keyof DemoTables> = [
  "franchises",
  "branches",
  "service_types",
  "tax_rates",
  "customers",
  "customer_channels",
  "agreements",
  "staff_users",
  "staff_branch_assignments",
  "api_keys",
  "invoices",
  "invoice_lines",
  // Credit notes before allocations: each credit note is dated before any payment on its
  // invoice, so the balances the triggers see are the chronological ones.
  "credit_notes",
  "credit_note_lines",
  "payments",
  "payment_allocations",
  // Dunning (issue 7): after the customers and invoices they name.
  "dunning_settings",
  "dunning_cadences",
  "dunning_cadence_versions",
  "customer_dunning_profiles",
  "invoice_disputes",
  "promises_to_pay",
  "communications",
];

export interface DemoCredentials {
  franchiseId: string;
  apiKey: string;
  readOnlyApiKey: string;
  /** The admin's sign-in (also the first entry of `staff`). */
  staffEmail: string;
  staffPassword: string;
  /** One demo user per role of the first franchise; branchIds only for the branch manager. */
  staff: Array<{ role: string; email: string; password: string; branchIds?: string[] }>;
  others: Array<{ franchiseId: string; apiKey: string }>;
}

export interface DemoData extends DemoTables {
  credentials: DemoCredentials;
}
