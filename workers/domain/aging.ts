// Overdue and aging are derived from the due date and "today" in the branch's timezone; never stored.
import { daysBetween } from "./dates.ts";
import { balanceDue, isOpen, type Settleable } from "./settlement.ts";

export const AGING_BUCKETS = ["current", "1-30", "31-60", "61-90", "90+"] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

export function daysPastDue(dueDate: string, today: string): number {
  return Math.max(0, daysBetween(dueDate, today));
}

export function agingBucketOf(dueDate: string, today: string): AgingBucket {
  const days = daysPastDue(dueDate, today);
  if (days === 0) return "current";
  if (days <= 30) return "1-30";
  if (days <= 60) return "31-60";
  if (days <= 90) return "61-90";
  return "90+";
}

export function isOverdue(invoice: Settleable & { dueDate: string | null }, today: string): boolean {
  return invoice.dueDate !== null && isOpen(invoice.status) && balanceDue(invoice) > 0 && invoice.dueDate < today;
}
