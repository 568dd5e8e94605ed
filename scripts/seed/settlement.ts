// Settles one customer's invoices up to the as-of date: credit notes first (disputes, goodwill),
// then payments by the customer's behaviour. Installments paid on the same day become one
// payment with several allocations, as a customer clearing a backlog with one transfer would.
import { addDays } from "../../workers/domain/dates.ts";
import { planCreditNote, type CreditNotePlan } from "./credit-notes.ts";
import type { CustomerPlan } from "./customers.ts";
import type { InvoicePlan } from "./invoices.ts";
import { paymentSchedule } from "./payment-schedule.ts";
import { localTimeToUtcMs } from "./time.ts";
import type { DataWindow } from "./window.ts";

export interface PaymentPlan {
  customer: CustomerPlan;
  date: string;
  receivedMs: number;
  method: string;
  reference: string | null;
  allocations: Array<{ invoice: InvoicePlan; amount: number }>;
  id: string;
}

export interface CustomerSettlement {
  creditNotes: CreditNotePlan[];
  payments: PaymentPlan[];
}

/** Chance that an invoice is disputed, and that a dispute ends in a credit note. */
const DISPUTE_CHANCE = 0.22;
const DISPUTE_CREDIT_CHANCE = 0.7;
const GOODWILL_CREDIT_CHANCE = 0.004;
/** A churner's last invoices are the ones that tend to go unpaid. */
const CHURN_FINAL_INVOICES = 3;

function referenceFor(customer: CustomerPlan, invoices: readonly InvoicePlan[], cardLast4: string): string | null {
  switch (customer.paymentMethod) {
    case "card":
      return `card ****${cardLast4}`;
    case "direct_debit":
      return `DD mandate ${customer.row.external_ref}`;
    case "bank_transfer":
      return invoices.map((inv) => inv.number).join(" ");
    default:
      return null;
  }
}

export function settleCustomer(customer: CustomerPlan, invoices: readonly InvoicePlan[], window: DataWindow): CustomerSettlement {
  const rng = customer.rng.derive("settlement");
  const timezone = customer.branch.spec.timezone;
  const creditNotes: CreditNotePlan[] = [];
  const byDate = new Map<string, Map<InvoicePlan, number>>();
  const churned = customer.endMonth <= window.anchorIndex;

  invoices.forEach((invoice, index) => {
    let open = invoice.totals.total;
    let earliest = addDays(invoice.issueDate, 1);
    const disputed = customer.behaviour === "disputer" && rng.chance(DISPUTE_CHANCE);
    const creditChance = disputed ? DISPUTE_CREDIT_CHANCE : GOODWILL_CREDIT_CHANCE;
    if (rng.chance(creditChance)) {
      const date = addDays(invoice.issueDate, rng.int(3, 20));
      const fraction = disputed ? rng.real(0.1, 0.45) : rng.real(0.05, 0.25);
      const createdMs = localTimeToUtcMs(date, rng.int(10 * 60, 17 * 60), timezone);
      const note = date <= window.asOfDate ? planCreditNote(invoice, open, fraction, date, createdMs, rng) : null;
      if (note) {
        creditNotes.push(note);
        open -= note.totals.total;
        earliest = addDays(date, 1);
      }
    }
    if (open === 0) return;
    const finalInvoices = churned && index >= invoices.length - CHURN_FINAL_INVOICES;
    for (const { date, amount } of paymentSchedule({ customer, invoice, open, earliest, finalInvoices, disputed }, rng)) {
      if (date > window.asOfDate || amount <= 0) continue;
      const day = byDate.get(date) ?? new Map<InvoicePlan, number>();
      day.set(invoice, (day.get(invoice) ?? 0) + amount);
      byDate.set(date, day);
    }
  });

  const cardLast4 = String(rng.int(0, 9999)).padStart(4, "0");
  const payments = [...byDate.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([date, amounts]): PaymentPlan => {
      const allocations = [...amounts.entries()].map(([invoice, amount]) => ({ invoice, amount })).sort((a, b) => a.invoice.issuedMs - b.invoice.issuedMs);
      return {
        customer,
        date,
        // Business hours, early enough that the UTC date is the local date in every branch timezone.
        receivedMs: localTimeToUtcMs(date, rng.int(8 * 60, 15 * 60 + 30), timezone) + rng.int(0, 59) * 1000,
        method: customer.paymentMethod,
        reference: referenceFor(customer, allocations.map((a) => a.invoice), cardLast4),
        allocations,
        id: "",
      };
    });
  return { creditNotes, payments };
}
