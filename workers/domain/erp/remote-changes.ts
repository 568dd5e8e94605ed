// What a change read back from an ERP means for one Ledgerline document, in provider-neutral
// terms: a remote invoice (status, total, paid amount) compared group by group with the last
// synced snapshot and with ours, and a remote payment decided against the invoice it settles.
import { ownerOf, threeWay, type ContactOwner, type Decision, type FieldGroup } from "./three-way.ts";

/** An invoice as either side sees it, in Ledgerline's words. Amounts in minor units. */
export interface InvoiceView {
  status: "open" | "paid" | "void";
  total: number;
  amountPaid: number;
}

export interface LocalInvoice extends InvoiceView {
  amountCredited: number;
}

export type InvoiceAction =
  | { kind: "void"; group: "status" }
  | { kind: "poll_payments"; group: "payment" }
  | { kind: "ignore"; group: FieldGroup; reason: string; fields: string[] }
  | {
      kind: "conflict";
      group: FieldGroup;
      reason: string;
      fields: string[];
      ours: Record<string, unknown>;
      theirs: Record<string, unknown>;
      base: Record<string, unknown>;
    };

/**
 * One action per field group that needs one. A void made only in the ERP is applied when the
 * invoice is unpaid and uncredited here (else both sides changed its settlement: review); a paid
 * amount that moved only in the ERP is picked up from the ERP's payments (each one applied by
 * its own id), never copied as a number.
 */
export function planRemoteInvoice(base: InvoiceView, ours: LocalInvoice, theirs: InvoiceView, contactOwner: ContactOwner): InvoiceAction[] {
  const actions: InvoiceAction[] = [];
  const pick = (v: InvoiceView, fields: readonly (keyof InvoiceView)[]) => Object.fromEntries(fields.map((f) => [f, v[f]]));
  const groups: Array<{ group: FieldGroup; fields: readonly (keyof InvoiceView)[] }> = [
    { group: "amounts", fields: ["total"] },
    { group: "status", fields: ["status"] },
    { group: "payment", fields: ["amountPaid"] },
  ];
  for (const { group, fields } of groups) {
    // A void's paid amount is not a payment change; a payment that makes it "paid" is not a status change.
    const b = pick(base, fields);
    const o = pick(ours, fields);
    const t = pick(theirs, fields);
    if (group === "status") {
      // "paid" follows from the payments; only a void is a status change of its own.
      for (const side of [b, o, t]) if (side.status === "paid") side.status = "open";
    }
    const decision: Decision = threeWay(group, ownerOf(group, contactOwner), b, o, t);
    const conflict = (reason: string, fieldsOf: string[]) =>
      actions.push({ kind: "conflict", group, reason, fields: fieldsOf, ours: pick(ours, fields), theirs: pick(theirs, fields), base: pick(base, fields) });
    switch (decision.kind) {
      case "apply":
        if (group === "status") {
          if (theirs.status !== "void") break; // reopening is not something an ERP does to a posted invoice
          if (ours.amountPaid > 0 || ours.amountCredited > 0) conflict("voided in the ERP but paid or credited in Ledgerline", decision.fields);
          else actions.push({ kind: "void", group });
        } else if (group === "payment") {
          if (theirs.status !== "void") actions.push({ kind: "poll_payments", group });
        }
        break;
      case "ignore":
        actions.push({ kind: "ignore", group, reason: decision.reason, fields: decision.fields });
        break;
      case "conflict":
        conflict(decision.reason, decision.fields);
        break;
      default:
        break;
    }
  }
  return actions;
}

export interface RemotePaymentFacts {
  /** The payment is one Ledgerline sent (a synced record has its remote id). */
  ours: boolean;
  /** It was applied here before (by a webhook, a poll, an earlier page). */
  alreadyApplied: boolean;
  /** The invoice it settles, as Ledgerline has it (null: not an invoice we synced). */
  invoice: (LocalInvoice & { currency: string }) | null;
  amount: number;
  currency: string;
  /** Set when the connector cannot express the payment as one allocation: a person decides. */
  needsReview?: string | undefined;
}

export type PaymentAction = { kind: "skip"; reason: string } | { kind: "apply" } | { kind: "ignore"; reason: string } | { kind: "conflict"; reason: string };

/** A payment recorded in the ERP: applied when the ERP recorded it first (the invoice still owes it here). */
export function planRemotePayment(f: RemotePaymentFacts): PaymentAction {
  if (f.ours) return { kind: "skip", reason: "sent from Ledgerline" };
  if (f.alreadyApplied) return { kind: "skip", reason: "already applied" };
  if (!f.invoice) return { kind: "ignore", reason: "the payment is for a document Ledgerline did not send" };
  if (f.needsReview) return { kind: "conflict", reason: f.needsReview };
  if (f.amount <= 0) return { kind: "ignore", reason: "a payment of zero or less is not money received" };
  if (f.currency !== f.invoice.currency) return { kind: "conflict", reason: `paid in ${f.currency}, invoiced in ${f.invoice.currency}` };
  if (f.invoice.status === "void") return { kind: "conflict", reason: "the invoice is void in Ledgerline but was paid in the ERP" };
  const open = f.invoice.total - f.invoice.amountPaid - f.invoice.amountCredited;
  // Ledgerline recorded (part of) the payment first: the ERP's copy would over-settle the invoice.
  if (f.amount > open)
    return { kind: "conflict", reason: `the ERP recorded ${f.amount} but only ${open} is open in Ledgerline: both sides recorded a payment` };
  return { kind: "apply" };
}
