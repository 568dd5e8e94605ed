// Revenue recognition (IFRS 15 / ASC 606 straight-line) and the rollup contributions of each
// document. Rules:
// - a line with a service period is recognized ratably by day over it (inclusive); days before
//   the issue date are caught up on the issue date (nothing is recognized before it is billed);
// - a line without a period is recognized on the issue date;
// - a credit note is apportioned to the invoice's lines by net amount, then over each line's
//   days like the line itself: days it credits that are already recognized are reversed on the
//   credit note's date (closed periods are not restated), later days lose their share on the day;
// - a voided invoice contributes nothing (its issue contribution is taken back whole).
// Every split is exact, so Σ recognized over all days = billed net − credited net to the cent.
import { addDays, epochDay, fromEpochDay } from "../dates.ts";
import { type Contribution, NO_SERVICE_TYPE } from "./cells.ts";
import { splitByWeights } from "./split.ts";

export interface RecognitionLine {
  netAmount: number;
  serviceTypeId: string | null;
  servicePeriodStart: string | null;
  servicePeriodEnd: string | null;
}

export interface RecognitionInvoice {
  branchId: string;
  currency: string;
  issueDate: string;
  dueDate: string | null;
  total: number;
  lines: readonly RecognitionLine[];
}

export interface RecognitionCreditNote {
  issueDate: string;
  subtotal: number;
  total: number;
}

/** One day's amount of a line's schedule, before catch-up to the issue date. */
export interface ScheduledDay {
  day: string;
  amount: number;
}

/** The line's own schedule: one entry per day of its period (or the issue date alone). */
export function lineSchedule(line: RecognitionLine, issueDate: string): ScheduledDay[] {
  if (!line.servicePeriodStart || !line.servicePeriodEnd || line.servicePeriodEnd < line.servicePeriodStart) {
    return [{ day: issueDate, amount: line.netAmount }];
  }
  const first = epochDay(line.servicePeriodStart);
  const days = epochDay(line.servicePeriodEnd) - first + 1;
  const amounts = splitByWeights(line.netAmount, new Array<number>(days).fill(1));
  return amounts.map((amount, i) => ({ day: fromEpochDay(first + i), amount }));
}

const later = (a: string, b: string) => (a > b ? a : b);
const serviceOf = (line: RecognitionLine) => line.serviceTypeId ?? NO_SERVICE_TYPE;
const dayAfter = (date: string | null, fallback: string) => (date ? addDays(date, 1) : fallback);

/** Collapses a schedule onto effective days (max(day, floor)), so a cell appears once per day. */
function onOrAfter(schedule: readonly ScheduledDay[], floor: string): ScheduledDay[] {
  const byDay = new Map<string, number>();
  for (const s of schedule) {
    const day = later(s.day, floor);
    byDay.set(day, (byDay.get(day) ?? 0) + s.amount);
  }
  return [...byDay].map(([day, amount]) => ({ day, amount }));
}

/** What issuing the invoice adds: billed (gross, net per type), one issued invoice, its recognition schedule, and its overdue exposure. */
export function invoiceContributions(inv: RecognitionInvoice): Contribution[] {
  const key = { branchId: inv.branchId, currency: inv.currency };
  const out: Contribution[] = [
    { ...key, day: inv.issueDate, serviceTypeId: NO_SERVICE_TYPE, billedGross: inv.total, invoicesIssued: 1 },
    { ...key, day: dayAfter(inv.dueDate, inv.issueDate), serviceTypeId: NO_SERVICE_TYPE, overdueDelta: inv.total },
  ];
  for (const line of inv.lines) {
    const serviceTypeId = serviceOf(line);
    out.push({ ...key, day: inv.issueDate, serviceTypeId, billedNet: line.netAmount });
    for (const s of onOrAfter(lineSchedule(line, inv.issueDate), inv.issueDate)) out.push({ ...key, day: s.day, serviceTypeId, recognized: s.amount });
  }
  return out;
}

/** What a credit note against `inv` adds: credited amounts, the reversal of what it credits, and less overdue. */
export function creditNoteContributions(inv: RecognitionInvoice, cn: RecognitionCreditNote): Contribution[] {
  const key = { branchId: inv.branchId, currency: inv.currency };
  const out: Contribution[] = [
    { ...key, day: cn.issueDate, serviceTypeId: NO_SERVICE_TYPE, creditedGross: cn.total },
    { ...key, day: later(dayAfter(inv.dueDate, inv.issueDate), cn.issueDate), serviceTypeId: NO_SERVICE_TYPE, overdueDelta: -cn.total },
  ];
  const perLine = splitByWeights(cn.subtotal, inv.lines.map((l) => Math.max(0, l.netAmount)));
  inv.lines.forEach((line, i) => {
    const credited = perLine[i] ?? 0;
    if (credited === 0) return;
    const serviceTypeId = serviceOf(line);
    out.push({ ...key, day: cn.issueDate, serviceTypeId, creditedNet: credited });
    const schedule = lineSchedule(line, inv.issueDate);
    const reversal = splitByWeights(credited, schedule.map((s) => Math.max(0, s.amount)));
    const reversed = schedule.map((s, j) => ({ day: s.day, amount: -(reversal[j] ?? 0) }));
    for (const s of onOrAfter(reversed, cn.issueDate)) out.push({ ...key, day: s.day, serviceTypeId, recognized: s.amount });
  });
  return out;
}

export interface Settlement {
  /** Date the money (or credit) arrived. */
  date: string;
  amount: number;
  /** Cash (a payment allocation) or customer credit applied. */
  kind: "cash" | "credit";
}

/** What a payment allocation or a credit application adds: collected (cash only), days to pay, lateness, less overdue. */
export function settlementContributions(inv: RecognitionInvoice, s: Settlement): Contribution[] {
  const key = { branchId: inv.branchId, currency: inv.currency, serviceTypeId: NO_SERVICE_TYPE };
  const overdue: Contribution = { ...key, day: later(dayAfter(inv.dueDate, inv.issueDate), s.date), overdueDelta: -s.amount };
  if (s.kind === "credit") return [{ ...key, day: s.date, creditApplied: s.amount }, overdue];
  const daysToPay = Math.max(0, epochDay(s.date) - epochDay(inv.issueDate));
  const daysLate = inv.dueDate ? Math.max(0, epochDay(s.date) - epochDay(inv.dueDate)) : 0;
  return [{ ...key, day: s.date, collected: s.amount, collectedDays: s.amount * daysToPay, lateDays: s.amount * daysLate }, overdue];
}
