// Ledgerline documents as NetSuite REST record bodies (invoice, creditMemo, customerPayment,
// customer). Every record carries our id as its externalId, so it is written with an upsert
// (PUT …/eid:<our id>): a retry replaces what an earlier attempt wrote and can never duplicate.
// Lines reference an item (mapping kind "account": a service type, or "default") and a tax code
// (mapping kind "tax"); each line's tax is sent as tax1Amt, split from our per-group tax the same
// way as for Xero (lineTaxShares), so NetSuite's total equals ours to the cent and a missing tax
// mapping fails here, loudly, instead of NetSuite inventing a tax ("The total can not be negative").
import { minorUnitsOf } from "../currency.ts";
import { invalid } from "../errors.ts";
import { MissingMapping, type MappingTable, requirePaymentAccount, requireTaxCode } from "./mapping.ts";
import { lineTaxShares, type SyncDocument } from "./xero-documents.ts";

const PROVIDER = "NetSuite";

/** Minor units → the decimal NetSuite takes (it keeps at most 2 decimals). */
export function toNetSuiteAmount(minor: number, currency: string): number {
  const exponent = minorUnitsOf(currency);
  if (exponent > 2) throw invalid("erp_currency_precision", "currency", `${currency} has ${exponent} decimals; NetSuite keeps 2, so totals could not match to the unit`);
  return minor / 10 ** exponent;
}

export function fromNetSuiteAmount(value: number, currency: string): number {
  return Math.round(value * 10 ** minorUnitsOf(currency));
}

/** The item a line is sold as: its service type's, else the default one. */
export function requireItem(table: MappingTable, serviceTypeId: string | null): string {
  const code = (serviceTypeId !== null ? table.account.get(serviceTypeId) : undefined) ?? table.account.get("default");
  if (code === undefined) throw new MissingMapping("account", serviceTypeId ?? "default", `${serviceTypeId ? `Service type ${serviceTypeId} has` : "Lines without a service type have"} no NetSuite item: map it (or a default item) under Integrations → Accounts, then retry.`);
  return code;
}

/** ISO code → the account's currency internal id (a mapping overrides what the account lists). */
export function requireNetSuiteCurrency(table: MappingTable, currency: string, accountCurrencies: ReadonlyMap<string, string>): string {
  const id = table.currency.get(currency) ?? accountCurrencies.get(currency);
  if (id === undefined) throw new MissingMapping("currency", currency, `Currency ${currency} is not set up in NetSuite: add it there (Lists → Accounting → Currencies), or map it under Integrations → Currencies, then retry.`);
  return id;
}

export interface NetSuiteContext {
  /** The customer's internal id in NetSuite. */
  customerId: string;
  jurisdiction: string;
  mapping: MappingTable;
  /** ISO code → currency internal id, as the account lists them. */
  currencies: ReadonlyMap<string, string>;
}

function lines(doc: SyncDocument, jurisdiction: string, mapping: MappingTable) {
  const shares = lineTaxShares(doc.lines, doc.taxBreakdown);
  return [...doc.lines]
    .map((l, i) => ({ l, tax: shares[i]! }))
    .sort((a, b) => a.l.position - b.l.position)
    .map(({ l, tax }) => ({
      // Tax first: a wrong tax code is the costlier mistake, so it is the first one reported.
      taxCode: { id: requireTaxCode(mapping, jurisdiction, l.taxCategory, l.taxRatePpm, PROVIDER) },
      item: { id: requireItem(mapping, l.serviceTypeId ?? null) },
      description: l.description,
      quantity: l.quantityMilli / 1000,
      rate: toNetSuiteAmount(l.unitPrice, doc.currency),
      // The net amount as we computed it (after any discount): NetSuite takes amount as given.
      amount: toNetSuiteAmount(l.netAmount, doc.currency),
      tax1Amt: toNetSuiteAmount(tax, doc.currency),
    }));
}

function transactionBody(doc: SyncDocument, ctx: NetSuiteContext) {
  return {
    externalId: doc.id,
    tranId: doc.number,
    entity: { id: ctx.customerId },
    tranDate: doc.issueDate,
    ...(doc.dueDate ? { dueDate: doc.dueDate } : {}),
    currency: { id: requireNetSuiteCurrency(ctx.mapping, doc.currency, ctx.currencies) },
    memo: `Ledgerline ${doc.number}`,
    item: { items: lines(doc, ctx.jurisdiction, ctx.mapping) },
  };
}

export const netsuiteInvoiceBody = (doc: SyncDocument, ctx: NetSuiteContext) => transactionBody(doc, ctx);
export const netsuiteCreditMemoBody = (doc: SyncDocument, ctx: NetSuiteContext) => transactionBody(doc, ctx);

/** One allocation of one of our payments, applied to its invoice (never before that invoice exists in NetSuite). */
export function netsuitePaymentBody(p: { id: string; amount: number; currency: string; receivedAt: string; remoteInvoiceId: string; customerId: string }, mapping: MappingTable, currencies: ReadonlyMap<string, string>) {
  const amount = toNetSuiteAmount(p.amount, p.currency);
  return {
    externalId: p.id,
    customer: { id: p.customerId },
    tranDate: p.receivedAt.slice(0, 10),
    currency: { id: requireNetSuiteCurrency(mapping, p.currency, currencies) },
    account: { id: requirePaymentAccount(mapping, PROVIDER) },
    payment: amount,
    apply: { items: [{ doc: { id: p.remoteInvoiceId }, apply: true, amount }] },
  };
}

/**
 * A credit memo applied to an invoice: the memo's `apply` sublist keyed by doc (by analogy with
 * customerpayment; NOTES §3.3). The whole sublist is sent, so sending it again changes nothing.
 */
export function netsuiteCreditApplyBody(a: { amount: number; currency: string; remoteInvoiceId: string }) {
  return { apply: { items: [{ doc: { id: a.remoteInvoiceId }, apply: true, amount: toNetSuiteAmount(a.amount, a.currency) }] } };
}

export function netsuiteCustomerBody(c: { id: string; name: string; email?: string | null; taxId?: string | null }) {
  return {
    externalId: c.id,
    companyName: c.name.slice(0, 83),
    ...(c.email ? { email: c.email } : {}),
    ...(c.taxId ? { vatRegNumber: c.taxId } : {}),
  };
}

/** What NetSuite totals a body we send to (sum of line amounts + sum of line tax), in minor units. */
export function netsuiteTotalOf(body: { item: { items: ReadonlyArray<{ amount: number; tax1Amt: number }> } }, currency: string): { subtotal: number; tax: number; total: number } {
  const subtotal = body.item.items.reduce((s, l) => s + fromNetSuiteAmount(l.amount, currency), 0);
  const tax = body.item.items.reduce((s, l) => s + fromNetSuiteAmount(l.tax1Amt, currency), 0);
  return { subtotal, tax, total: subtotal + tax };
}

/** The internal id at the end of a Location header (…/record/v1/invoice/1234). */
export function internalIdFromLocation(location: string | null): string | null {
  const m = location ? /\/(\d+)\/?$/.exec(location) : null;
  return m ? m[1]! : null;
}
