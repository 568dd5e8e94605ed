// When and how much a customer pays on one invoice, given their hidden behaviour. Dates may
// fall after the as-of date; the caller drops those, which leaves recent invoices open and the
// late payers' invoices overdue, as they would be on that day.
import { addDays, epochDay, fromEpochDay } from "../../workers/domain/dates.ts";
import type { CustomerPlan } from "./customers.ts";
import type { InvoicePlan } from "./invoices.ts";
import type { Random } from "./random.ts";

export interface Installment {
  date: string;
  amount: number;
}

export interface ScheduleInput {
  customer: CustomerPlan;
  invoice: InvoicePlan;
  /** What is left to pay once any credit note is applied. */
  open: number;
  /** No payment before this date (the day after issue, or after the credit note). */
  earliest: string;
  /** True for a churner's last invoices, which often go unpaid. */
  finalInvoices: boolean;
  /** Disputed invoices are paid late or never. */
  disputed: boolean;
}

const later = (a: string, b: string): string => (a > b ? a : b);

/** The next day of the customer's fortnightly payment run on or after `date`. */
function nextPayday(date: string, phase: number): string {
  const day = epochDay(date);
  return fromEpochDay(day + ((((phase - day) % 14) + 14) % 14));
}

function single(date: string, input: ScheduleInput): Installment[] {
  return [{ date: later(date, input.earliest), amount: input.open }];
}

function onTime(input: ScheduleInput, rng: Random): Installment[] {
  const { invoice } = input;
  // Card and direct-debit payers settle within days; the rest in the last week before the due date.
  if (rng.chance(0.35)) return single(addDays(invoice.issueDate, rng.int(1, 3)), input);
  return single(addDays(invoice.dueDate, -rng.int(0, Math.min(7, invoice.dueInDays - 1))), input);
}

function chronicLate(input: ScheduleInput, rng: Random): Installment[] {
  const delay = rng.chance(0.15) ? rng.int(-2, 5) : Math.round(rng.triangular(10, 25, 90));
  return single(nextPayday(addDays(input.invoice.dueDate, delay), input.customer.paydayPhase), input);
}

function partial(input: ScheduleInput, rng: Random): Installment[] {
  const { open, invoice } = input;
  if (open < 2000) return single(addDays(invoice.dueDate, rng.int(-3, 10)), input);
  const parts = rng.chance(0.6) ? 2 : 3;
  const first = Math.min(open - 100, Math.max(100, Math.round((open * rng.real(0.3, 0.6)) / 100) * 100));
  const amounts = [first];
  let rest = open - first;
  if (parts === 3 && rest >= 200) {
    const second = Math.min(rest - 100, Math.max(100, Math.round((rest * rng.real(0.4, 0.7)) / 100) * 100));
    amounts.push(second);
    rest -= second;
  }
  amounts.push(rest);
  // Some leave the last part unpaid, or pay only some of it.
  if (rng.chance(0.15)) {
    const lastPart = amounts.pop()!;
    const paid = rng.chance(0.5) ? Math.floor(lastPart * rng.real(0.2, 0.7)) : 0;
    if (paid > 0) amounts.push(paid);
  }
  let date = later(addDays(invoice.dueDate, rng.int(-3, 10)), input.earliest);
  return amounts.map((amount, i) => {
    if (i > 0) date = addDays(date, rng.int(15, 40));
    return { date, amount };
  });
}

function disputer(input: ScheduleInput, rng: Random): Installment[] {
  if (!input.disputed) return single(addDays(input.invoice.dueDate, rng.int(-5, 12)), input);
  if (rng.chance(0.35)) return [];
  return single(addDays(input.invoice.dueDate, rng.int(20, 120)), input);
}

function churner(input: ScheduleInput, rng: Random): Installment[] {
  if (input.finalInvoices && rng.chance(0.65)) return [];
  if (rng.chance(0.25)) return single(addDays(input.invoice.dueDate, rng.int(1, 20)), input);
  return onTime(input, rng);
}

export function paymentSchedule(input: ScheduleInput, rng: Random): Installment[] {
  switch (input.customer.behaviour) {
    case "on_time":
      return onTime(input, rng);
    case "chronic_late":
      return chronicLate(input, rng);
    case "partial_payer":
      return partial(input, rng);
    case "disputer":
      return disputer(input, rng);
    case "churner":
      return churner(input, rng);
  }
}
