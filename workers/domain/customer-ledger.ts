// A customer's position in one currency. Money owed to us sits on open invoices (open
// balance); money of theirs we hold is customer credit: payment remainders not allocated to an
// invoice, and credit notes beyond what their invoice still owed. Customer credit is one pool
// per (customer, currency): it can be allocated (payment remainders), applied to an open
// invoice (credit applications count in the invoice's amountCredited) or paid back (refunds).
//
//   creditBalance = paid + credited − refunded − Σ settled on invoices (amountPaid + amountCredited)
//
// so that for every customer and currency: invoiced − credited − paid + refunded
//                                          = openBalance − creditBalance.
// D1 computes the same sum in the triggers of the "customer_credit" migration to refuse any
// refund, application or allocation that would take the pool below zero.
import { invalid } from "./errors.ts";
import { balanceDue, type Settleable } from "./settlement.ts";

export interface LedgerInput {
  invoices: readonly Settleable[];
  creditNoteTotals: readonly number[];
  payments: readonly number[];
  refunds: readonly number[];
}

export interface CustomerBalance {
  invoiced: number;
  credited: number;
  paid: number;
  refunded: number;
  /** What open invoices still owe. */
  openBalance: number;
  /** What we hold for the customer: allocatable, applicable, refundable. */
  creditBalance: number;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** The sums D1 can give in one query (workers/db/customer-credit.ts). */
export interface LedgerSums {
  invoiced: number;
  credited: number;
  paid: number;
  refunded: number;
  openBalance: number;
  /** Σ amountPaid + amountCredited over the customer's invoices in the currency. */
  settled: number;
}

export function balanceFromSums(s: LedgerSums): CustomerBalance {
  return { invoiced: s.invoiced, credited: s.credited, paid: s.paid, refunded: s.refunded, openBalance: s.openBalance, creditBalance: s.paid + s.credited - s.refunded - s.settled };
}

export function customerBalance(input: LedgerInput): CustomerBalance {
  const issued = input.invoices.filter((i) => i.status !== "draft" && i.status !== "void");
  return balanceFromSums({
    invoiced: sum(issued.map((i) => i.total)),
    credited: sum(input.creditNoteTotals),
    paid: sum(input.payments),
    refunded: sum(input.refunds),
    openBalance: sum(issued.map(balanceDue)),
    settled: sum(issued.map((i) => i.amountPaid + i.amountCredited)),
  });
}

/** Refunds and credit applications draw on the pool: never more than it holds. */
export function assertWithinCredit(amount: number, creditBalance: number, field: string, code = "exceeds_customer_credit"): void {
  if (amount > creditBalance) throw invalid(code, field, `only ${creditBalance} of customer credit is available in this currency`);
}
