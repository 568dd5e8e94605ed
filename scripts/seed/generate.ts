// Deterministic demo data for Ledgerline: two franchises, twelve branches, three years of
// monthly invoices with seasonality and growth, and payments shaped by hidden customer
// behaviours. Pure: the same options give the same rows, byte for byte. No clock, no
// Math.random, no Node modules (it also runs inside workerd); async only for WebCrypto hashing.
import { addDays } from "../../workers/domain/dates.ts";
import { formatDocumentNumber } from "../../workers/domain/document-number.ts";
import { FRANCHISE_SPECS } from "./catalog.ts";
import { demoApiKey, demoPasswordHash } from "./credentials.ts";
import { planAgreements } from "./agreements.ts";
import type { CreditNotePlan } from "./credit-notes.ts";
import { planCustomer, type CustomerPlan } from "./customers.ts";
import { planDunning } from "./dunning.ts";
import { IdMaker } from "./id-maker.ts";
import { planInvoices, type InvoicePlan } from "./invoices.ts";
import { numberInBranchOrder, numberInvoices } from "./numbering.ts";
import { Random } from "./random.ts";
import type { ApiKeyRow, DemoCredentials, DemoData, DemoTables, StaffBranchAssignmentRow, StaffUserRow } from "./rows.ts";
import { settleCustomer, type PaymentPlan } from "./settlement.ts";
import { buildSetup, type FranchiseContext } from "./setup.ts";
import { isoInstant } from "./time.ts";
import { dataWindow, type DataWindow } from "./window.ts";

export type { DemoData } from "./rows.ts";

export interface GenerateOptions {
  seed?: number;
  /** Customers of each franchise, in catalog order (home services, then fitness). */
  customersPerFranchise?: number[];
  /** Full months of history before the anchor month. */
  months?: number;
  /** "YYYY-MM": the current month. Data runs up to its first day. */
  anchorMonth: string;
}

export const DEFAULT_SEED = 1;
export const DEFAULT_MONTHS = 36;
export const DEFAULT_CUSTOMERS_PER_FRANCHISE: readonly number[] = [1000, 1000];
export const DEMO_STAFF_PASSWORD = "demo-password-1";

function customerCounts(counts: readonly number[] | undefined): readonly number[] {
  const result = counts ?? DEFAULT_CUSTOMERS_PER_FRANCHISE;
  if (result.length !== FRANCHISE_SPECS.length || result.some((n) => !Number.isInteger(n) || n < 0 || n > 1_000_000)) {
    throw new RangeError(`customersPerFranchise must list ${FRANCHISE_SPECS.length} whole numbers from 0 to 1,000,000`);
  }
  return result;
}

function planAllCustomers(franchises: readonly FranchiseContext[], counts: readonly number[], window: DataWindow, rng: Random, ids: IdMaker): CustomerPlan[] {
  const customers = franchises.flatMap((f) =>
    Array.from({ length: counts[f.index]! }, (_, i) => planCustomer(f, i + 1, window, rng.derive("customer", f.spec.key, i + 1))),
  );
  customers.sort((a, b) => a.createdMs - b.createdMs || a.franchise.index - b.franchise.index || a.ordinal - b.ordinal);
  for (const c of customers) c.id = ids.next("cus", c.createdMs);
  return customers;
}

function settleAll(customers: readonly CustomerPlan[], invoices: readonly InvoicePlan[], window: DataWindow, ids: IdMaker): { creditNotes: CreditNotePlan[]; payments: PaymentPlan[] } {
  const byCustomer = new Map<CustomerPlan, InvoicePlan[]>();
  for (const inv of invoices) {
    const list = byCustomer.get(inv.customer);
    if (list) list.push(inv);
    else byCustomer.set(inv.customer, [inv]);
  }
  const creditNotes: CreditNotePlan[] = [];
  const payments: PaymentPlan[] = [];
  for (const customer of customers) {
    const settled = settleCustomer(customer, byCustomer.get(customer) ?? [], window);
    creditNotes.push(...settled.creditNotes);
    payments.push(...settled.payments);
  }
  const tieBreak = (a: CustomerPlan, b: CustomerPlan) => a.franchise.index - b.franchise.index || a.ordinal - b.ordinal;
  creditNotes.sort((a, b) => a.createdMs - b.createdMs || tieBreak(a.invoice.customer, b.invoice.customer));
  numberInBranchOrder(creditNotes, (cn) => cn.invoice.customer.branch.row.id, (cn, seq) => (cn.seq = seq));
  for (const cn of creditNotes) cn.id = ids.next("cn", cn.createdMs);
  payments.sort((a, b) => a.receivedMs - b.receivedMs || tieBreak(a.customer, b.customer));
  for (const p of payments) p.id = ids.next("pay", p.receivedMs);
  return { creditNotes, payments };
}

type DocumentTables = Pick<DemoTables, "customers" | "customer_channels" | "invoices" | "invoice_lines" | "credit_notes" | "credit_note_lines" | "payments" | "payment_allocations">;

/**
 * Plans → rows. Invoices start 'issued' and unpaid; the triggers settle them as allocations and
 * credit notes are inserted, and snapshot their seller and buyer (invoices_parties_on_insert).
 */
function documentTables(customers: readonly CustomerPlan[], invoices: readonly InvoicePlan[], creditNotes: readonly CreditNotePlan[], payments: readonly PaymentPlan[], ids: IdMaker): DocumentTables {
  const t: DocumentTables = { customers: [], customer_channels: [], invoices: [], invoice_lines: [], credit_notes: [], credit_note_lines: [], payments: [], payment_allocations: [] };
  for (const c of customers) {
    t.customers.push({ id: c.id, ...c.row });
    for (const ch of c.channels) t.customer_channels.push({ franchise_id: c.franchise.row.id, customer_id: c.id, ...ch });
  }
  for (const inv of invoices) {
    const issuedAt = isoInstant(inv.issuedMs);
    const franchiseId = inv.customer.franchise.row.id;
    t.invoices.push({
      id: inv.id, franchise_id: franchiseId, branch_id: inv.customer.branch.row.id, customer_id: inv.customer.id,
      seq: inv.seq, number: inv.number, status: "issued", currency: inv.customer.branch.spec.currency,
      issue_date: inv.issueDate, due_date: inv.dueDate, due_in_days: inv.dueInDays,
      subtotal: inv.totals.subtotal, tax_total: inv.totals.taxTotal, total: inv.totals.total, amount_paid: 0, amount_credited: 0,
      tax_breakdown: JSON.stringify(inv.totals.taxBreakdown), memo: inv.memo, version: 1,
      created_at: issuedAt, updated_at: issuedAt, issued_at: issuedAt,
    });
    inv.lines.forEach((line, i) => {
      t.invoice_lines.push({
        id: ids.next("il", inv.issuedMs), franchise_id: franchiseId, invoice_id: inv.id, position: i + 1, description: line.description,
        quantity_milli: line.quantityMilli, unit_price: line.unitPrice, discount_bps: line.discountBps, discount_amount: line.discountAmount,
        net_amount: line.netAmount, service_type_id: line.serviceTypeId, tax_category: line.taxCategory, tax_rate_ppm: line.taxRatePpm,
        service_period_start: line.periodStart, service_period_end: line.periodEnd,
      });
    });
  }
  for (const cn of creditNotes) {
    const inv = cn.invoice;
    const franchiseId = inv.customer.franchise.row.id;
    t.credit_notes.push({
      id: cn.id, franchise_id: franchiseId, invoice_id: inv.id, branch_id: inv.customer.branch.row.id, customer_id: inv.customer.id,
      seq: cn.seq, number: formatDocumentNumber(inv.customer.branch.row.code, "credit_note", cn.seq), currency: inv.customer.branch.spec.currency,
      reason: cn.reason, issue_date: cn.issueDate, subtotal: cn.totals.subtotal, tax_total: cn.totals.taxTotal, total: cn.totals.total,
      tax_breakdown: JSON.stringify(cn.totals.taxBreakdown), created_at: isoInstant(cn.createdMs),
    });
    t.credit_note_lines.push({
      id: ids.next("cnl", cn.createdMs), franchise_id: franchiseId, credit_note_id: cn.id, position: 1, description: cn.line.description,
      quantity_milli: cn.line.quantityMilli, unit_price: cn.line.unitPrice, net_amount: cn.line.netAmount,
      tax_category: cn.line.taxCategory, tax_rate_ppm: cn.line.taxRatePpm,
    });
  }
  for (const p of payments) {
    const franchiseId = p.customer.franchise.row.id;
    const receivedAt = isoInstant(p.receivedMs);
    const amount = p.allocations.reduce((sum, a) => sum + a.amount, 0);
    t.payments.push({
      id: p.id, franchise_id: franchiseId, customer_id: p.customer.id, currency: p.customer.branch.spec.currency, amount,
      received_at: receivedAt, method: p.method, reference: p.reference, created_at: receivedAt,
    });
    for (const a of p.allocations) {
      t.payment_allocations.push({ id: ids.next("pal", p.receivedMs), franchise_id: franchiseId, payment_id: p.id, invoice_id: a.invoice.id, amount: a.amount, created_at: receivedAt });
    }
  }
  return t;
}

/** One demo user per staff role; the branch manager runs the first franchise's first two branches. */
const DEMO_STAFF = [
  { role: "admin", local: "admin", name: "Demo Admin", password: DEMO_STAFF_PASSWORD, branches: 0 },
  { role: "finance", local: "finance", name: "Demo Finance Lead", password: "demo-finance-1", branches: 0 },
  { role: "branch_manager", local: "manager", name: "Demo Branch Manager", password: "demo-manager-1", branches: 2 },
  { role: "viewer", local: "viewer", name: "Demo Viewer", password: "demo-viewer-1", branches: 0 },
] as const;

async function accessTables(
  franchises: readonly FranchiseContext[],
  window: DataWindow,
  rng: Random,
  ids: IdMaker,
): Promise<{ staff_users: StaffUserRow[]; staff_branch_assignments: StaffBranchAssignmentRow[]; api_keys: ApiKeyRow[]; credentials: DemoCredentials }> {
  const crng = rng.derive("credentials");
  const keyMs = Date.parse(`${addDays(window.asOfDate, -30)}T10:00:00.000Z`);
  const api_keys: ApiKeyRow[] = [];
  const addKey = async (franchise: FranchiseContext, name: string, scopes: string): Promise<string> => {
    const key = await demoApiKey(crng);
    api_keys.push({ id: ids.next("key", keyMs), franchise_id: franchise.row.id, name, prefix: key.prefix, key_hash: key.keyHash, scopes, created_at: isoInstant(keyMs), revoked_at: null });
    return key.key;
  };
  const [first, ...rest] = franchises;
  if (!first) throw new RangeError("the catalog has no franchises");
  const apiKey = await addKey(first, "Demo partner key", "read write");
  const readOnlyApiKey = await addKey(first, "Demo read-only key", "read");
  const others: DemoCredentials["others"] = [];
  for (const f of rest) others.push({ franchiseId: f.row.id, apiKey: await addKey(f, "Demo partner key", "read write") });

  const staffMs = Date.parse(first.row.created_at) + 86_400_000;
  const staff_users: StaffUserRow[] = [];
  const staff_branch_assignments: StaffBranchAssignmentRow[] = [];
  const staff: DemoCredentials["staff"] = [];
  for (const s of DEMO_STAFF) {
    const email = `${s.local}@${first.spec.domain}.example`;
    const id = ids.next("usr", staffMs);
    staff_users.push({ id, franchise_id: first.row.id, email, name: s.name, role: s.role, password_hash: await demoPasswordHash(crng, s.password), created_at: isoInstant(staffMs) });
    const branchIds = first.branches.slice(0, s.branches).map((b) => b.row.id);
    for (const branch_id of branchIds) staff_branch_assignments.push({ franchise_id: first.row.id, staff_user_id: id, branch_id, created_at: isoInstant(staffMs) });
    staff.push({ role: s.role, email, password: s.password, ...(s.branches > 0 ? { branchIds } : {}) });
  }
  const admin = staff[0]!;
  return { staff_users, staff_branch_assignments, api_keys, credentials: { franchiseId: first.row.id, apiKey, readOnlyApiKey, staffEmail: admin.email, staffPassword: admin.password, staff, others } };
}

export async function generateDemoData(opts: GenerateOptions): Promise<DemoData> {
  const window = dataWindow(opts.anchorMonth, opts.months ?? DEFAULT_MONTHS);
  const counts = customerCounts(opts.customersPerFranchise);
  const rng = new Random(opts.seed ?? DEFAULT_SEED);
  const ids = new IdMaker(rng);

  const setup = buildSetup(window, rng, ids);
  const customers = planAllCustomers(setup.franchises, counts, window, rng, ids);
  const invoices = numberInvoices(customers.flatMap((c) => planInvoices(c, window, setup.taxRates)));
  for (const inv of invoices) inv.id = ids.next("inv", inv.issuedMs);
  const { creditNotes, payments } = settleAll(customers, invoices, window, ids);
  const access = await accessTables(setup.franchises, window, rng, ids);

  const documents = documentTables(customers, invoices, creditNotes, payments, ids);
  // Dunning demo (issue 7): may mark a few of the customers' channels opted out.
  const dunning = planDunning(setup.franchises, customers, invoices, creditNotes, payments, documents.customer_channels, window, rng, ids);

  return {
    ...setup.rows,
    ...documents,
    ...dunning,
    agreements: planAgreements(customers, window, rng), // billing runs (issue 13)
    staff_users: access.staff_users,
    staff_branch_assignments: access.staff_branch_assignments,
    api_keys: access.api_keys,
    credentials: access.credentials,
  };
}
