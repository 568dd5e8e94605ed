// The invoice line a recurring agreement produces for one billing month. A full period bills
// quantity × unit price as agreed; a prorated one bills its prorated amount as quantity 1 (the
// line's net must equal the prorated amount exactly, and quantity × price cannot always hit it)
// and says so in the description, with the days covered as the line's service period.
import type { DraftLineInput } from "../invoice-draft.ts";
import { chargeFor, type AgreementTerms } from "./cadence.ts";
import { daysIn } from "./proration.ts";

export interface BillableAgreement extends AgreementTerms {
  id: string;
  customerId: string;
  serviceTypeId: string;
  description: string;
}

export interface CustomerCharge {
  customerId: string;
  /** "agr:<agreementId>:<period>" for each agreement billed: the dedupe keys. */
  billingKeys: string[];
  lines: DraftLineInput[];
}

export const agreementBillingKey = (agreementId: string, period: string) => `agr:${agreementId}:${period}`;

export function agreementLine(agreement: BillableAgreement, period: string): DraftLineInput | null {
  const charge = chargeFor(agreement, period);
  if (!charge) return null;
  const base = { serviceTypeId: agreement.serviceTypeId, servicePeriod: charge.covered };
  if (!charge.prorated) return { ...base, description: agreement.description, quantity: agreement.quantityMilli / 1000, unitPrice: agreement.unitPrice };
  const note = `prorated ${daysIn(charge.covered)}/${daysIn(charge.servicePeriod)} days of ${charge.servicePeriod.start}..${charge.servicePeriod.end}`;
  return { ...base, description: `${agreement.description} (${note})`.slice(0, 500), quantity: 1, unitPrice: charge.amount };
}

/**
 * One invoice per customer for the month: the lines of all its agreements that bill in it, in
 * the given order. Customers appear in order of their first agreement. Customers whose
 * agreements bill nothing this month are left out.
 */
export function chargesForPeriod(agreements: readonly BillableAgreement[], period: string): CustomerCharge[] {
  const byCustomer = new Map<string, CustomerCharge>();
  for (const agreement of agreements) {
    const line = agreementLine(agreement, period);
    if (!line) continue;
    let charge = byCustomer.get(agreement.customerId);
    if (!charge) {
      charge = { customerId: agreement.customerId, billingKeys: [], lines: [] };
      byCustomer.set(agreement.customerId, charge);
    }
    charge.billingKeys.push(agreementBillingKey(agreement.id, period));
    charge.lines.push(line);
  }
  return [...byCustomer.values()];
}
