// Ledgerline documents as Xero request bodies. Xero prices each line and rounds its tax per
// line to 2 dp, then sums; Ledgerline (EN 16931) rounds tax once per (category, rate) group. To
// make Xero's totals equal ours to the cent, each group's tax is split over its lines (largest
// remainder on the exact per-line tax) and sent as the line's TaxAmount: every share is within
// one cent of what Xero computes, which Xero accepts as a rounding adjustment.
import { divideRoundHalfUp } from "../money.ts";
import { minorUnitsOf } from "../currency.ts";
import { invalid } from "../errors.ts";
import { type MappingTable, requireAccount, requireCurrency, requirePaymentAccount, requireTaxCode } from "./mapping.ts";

const PROVIDER = "Xero";

export interface SyncLine {
  position: number;
  description: string;
  quantityMilli: number;
  unitPrice: number;
  netAmount: number;
  serviceTypeId?: string | null;
  taxCategory: string;
  taxRatePpm: number;
}

export interface SyncDocument {
  id: string;
  number: string;
  currency: string;
  issueDate: string;
  dueDate?: string | null;
  subtotal: number;
  taxTotal: number;
  total: number;
  taxBreakdown: ReadonlyArray<{ category: string; ratePpm: number; taxableAmount: number; taxAmount: number }>;
  lines: readonly SyncLine[];
}

/** Splits each tax group's amount over its lines so the shares sum to the group exactly. */
export function lineTaxShares(lines: readonly SyncLine[], groups: SyncDocument["taxBreakdown"]): number[] {
  const shares = lines.map(() => 0);
  for (const group of groups) {
    const members = lines.map((l, i) => ({ l, i })).filter(({ l }) => l.taxCategory === group.category && l.taxRatePpm === group.ratePpm);
    const exact = members.map(({ l, i }) => ({ i, num: BigInt(l.netAmount) * BigInt(group.ratePpm) }));
    let left = BigInt(group.taxAmount);
    for (const e of exact) {
      const floor = e.num / 1_000_000n;
      shares[e.i] = Number(floor);
      left -= floor;
    }
    // Largest fractional part first; ties by position, so the split is deterministic.
    const order = [...exact].sort((a, b) => Number((b.num % 1_000_000n) - (a.num % 1_000_000n)) || a.i - b.i);
    for (let k = 0; left > 0n && order.length > 0; k = (k + 1) % order.length, left--) shares[order[k]!.i]! += 1;
    for (let k = 0; left < 0n && order.length > 0; k = (k + 1) % order.length, left++) shares[order[order.length - 1 - k]!.i]! -= 1;
  }
  return shares;
}

/** Minor units → the decimal Xero expects (2 dp at most). */
export function toXeroAmount(minor: number, currency: string): number {
  const exponent = minorUnitsOf(currency);
  if (exponent > 2) throw invalid("erp_currency_precision", "currency", `${currency} has ${exponent} decimals; Xero keeps 2, so totals could not match to the unit`);
  return minor / 10 ** exponent;
}

/** Xero decimal → minor units (for comparing what Xero computed with ours). */
export function fromXeroAmount(value: number, currency: string): number {
  return Math.round(value * 10 ** minorUnitsOf(currency));
}

function lineItems(doc: SyncDocument, jurisdiction: string, mapping: MappingTable) {
  const shares = lineTaxShares(doc.lines, doc.taxBreakdown);
  return [...doc.lines]
    .map((l, i) => ({ l, tax: shares[i]! }))
    .sort((a, b) => a.l.position - b.l.position)
    .map(({ l, tax }) => {
      const gross = Number(divideRoundHalfUp(BigInt(l.quantityMilli) * BigInt(l.unitPrice), 1000n));
      const item: Record<string, unknown> = {
        Description: l.description,
        Quantity: l.quantityMilli / 1000,
        UnitAmount: toXeroAmount(l.unitPrice, doc.currency),
        LineAmount: toXeroAmount(l.netAmount, doc.currency),
        // Tax first: a wrong tax code is the costlier mistake, so it is the first one reported.
        TaxType: requireTaxCode(mapping, jurisdiction, l.taxCategory, l.taxRatePpm, PROVIDER),
        AccountCode: requireAccount(mapping, l.serviceTypeId ?? null, PROVIDER),
        TaxAmount: toXeroAmount(tax, doc.currency),
      };
      if (gross !== l.netAmount) item.DiscountAmount = toXeroAmount(gross - l.netAmount, doc.currency);
      return item;
    });
}

export interface XeroContext {
  contactId: string;
  jurisdiction: string;
  mapping: MappingTable;
  enabledCurrencies: ReadonlySet<string>;
}

/** An issued invoice as a Xero ACCREC invoice (AUTHORISED: it is final in Ledgerline). */
export function xeroInvoiceBody(doc: SyncDocument, ctx: XeroContext) {
  return {
    Type: "ACCREC",
    Contact: { ContactID: ctx.contactId },
    InvoiceNumber: doc.number,
    Reference: doc.id,
    Date: doc.issueDate,
    ...(doc.dueDate ? { DueDate: doc.dueDate } : {}),
    CurrencyCode: requireCurrency(ctx.mapping, doc.currency, ctx.enabledCurrencies, PROVIDER),
    LineAmountTypes: "Exclusive",
    Status: "AUTHORISED",
    LineItems: lineItems(doc, ctx.jurisdiction, ctx.mapping),
  };
}

export function xeroCreditNoteBody(doc: SyncDocument, ctx: XeroContext) {
  return {
    Type: "ACCRECCREDIT",
    Contact: { ContactID: ctx.contactId },
    CreditNoteNumber: doc.number,
    Reference: doc.id,
    Date: doc.issueDate,
    CurrencyCode: requireCurrency(ctx.mapping, doc.currency, ctx.enabledCurrencies, PROVIDER),
    LineAmountTypes: "Exclusive",
    Status: "AUTHORISED",
    LineItems: lineItems(doc, ctx.jurisdiction, ctx.mapping),
  };
}

export function xeroPaymentBody(p: { id: string; amount: number; currency: string; receivedAt: string; remoteInvoiceId: string }, mapping: MappingTable) {
  return {
    Invoice: { InvoiceID: p.remoteInvoiceId },
    Account: { Code: requirePaymentAccount(mapping, PROVIDER) },
    Date: p.receivedAt.slice(0, 10),
    Amount: toXeroAmount(p.amount, p.currency),
    Reference: p.id,
  };
}

export function xeroContactBody(c: { id: string; name: string; email?: string | null; taxId?: string | null }) {
  return {
    Name: c.name,
    ContactNumber: c.id,
    ...(c.email ? { EmailAddress: c.email } : {}),
    ...(c.taxId ? { TaxNumber: c.taxId } : {}),
  };
}
