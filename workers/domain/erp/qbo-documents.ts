// Ledgerline documents as QuickBooks Online request bodies (JSON with the XSD's element names).
// QBO prices each sales line as Qty × UnitPrice rounded to 2 dp and computes tax per tax code on
// the sum of that code's lines (not per line), then TotalAmt = lines + tax. Ledgerline rounds tax
// once per (category, rate) group, so with one QBO tax code per group the two agree; where they
// could drift (several groups on one code) TxnTaxDetail.TotalTax carries our figure, which QBO
// accepts as a rounding adjustment. A line whose net differs from Qty × UnitPrice (a discount)
// travels as its Amount alone, so QBO never recomputes it differently.
import { divideRoundHalfUp } from "../money.ts";
import { minorUnitsOf } from "../currency.ts";
import { invalid } from "../errors.ts";
import { type MappingTable, MissingMapping, requireCurrency, requirePaymentAccount, requireTaxCode } from "./mapping.ts";
import type { SyncDocument, SyncLine } from "./xero-documents.ts";

const PROVIDER = "QuickBooks";

/**
 * QBO's requestid: at most 50 characters, unique per company. `digest` (8+ hex chars of a hash of
 * what is sent) keeps it stable across retries of the same body, so a lost answer is replayed,
 * and new when the body changes, so QBO does not replay a refusal of an earlier version.
 */
export function qboRequestId(kind: "invoice" | "credit_note" | "payment" | "void" | "customer" | "allocate", localId: string, digest: string): string {
  const id = `ll-${{ invoice: "inv", credit_note: "crm", payment: "pay", void: "void", customer: "cus", allocate: "alc" }[kind]}-${localId}-${digest.slice(0, 8)}`;
  if (id.length > 50) throw invalid("erp_request_id_too_long", "id", `${localId} is too long for a QuickBooks requestid (50 characters)`);
  return id;
}

/** Minor units → the decimal QBO expects (2 dp at most). */
export function toQboAmount(minor: number, currency: string): number {
  const exponent = minorUnitsOf(currency);
  if (exponent > 2) throw invalid("erp_currency_precision", "currency", `${currency} has ${exponent} decimals; QuickBooks keeps 2, so totals could not match to the unit`);
  return minor / 10 ** exponent;
}

/** QBO decimal → minor units. */
export function fromQboAmount(value: number, currency: string): number {
  return Math.round(value * 10 ** minorUnitsOf(currency));
}

/** The item a service type is sold as in QBO (mapping kind "account": service type id, or "default"). */
export function requireItem(table: MappingTable, serviceTypeId: string | null): string {
  const code = (serviceTypeId !== null ? table.account.get(serviceTypeId) : undefined) ?? table.account.get("default");
  if (code === undefined) throw new MissingMapping("account", serviceTypeId ?? "default", `${serviceTypeId ? `Service type ${serviceTypeId}` : "Lines without a service type"} ha${serviceTypeId ? "s" : "ve"} no QuickBooks item: map it (or a default item) under Integrations → Accounts, then retry.`);
  return code;
}

export interface QboSalesLine {
  amount: number;
  taxCode: string;
  ratePpm: number;
}

/** QBO's own tax: per tax code, half away from zero on the sum of the code's line amounts. */
export function qboComputedTax(lines: readonly QboSalesLine[]): { tax: number; codes: number } {
  const byCode = new Map<string, { net: bigint; ratePpm: number }>();
  for (const l of lines) {
    const g = byCode.get(l.taxCode) ?? { net: 0n, ratePpm: l.ratePpm };
    g.net += BigInt(l.amount);
    byCode.set(l.taxCode, g);
  }
  let tax = 0;
  for (const g of byCode.values()) tax += Number(divideRoundHalfUp(g.net * BigInt(g.ratePpm), 1_000_000n));
  return { tax, codes: byCode.size };
}

export interface QboContext {
  customerId: string;
  jurisdiction: string;
  mapping: MappingTable;
  enabledCurrencies: ReadonlySet<string>;
}

function salesLine(l: SyncLine, currency: string, jurisdiction: string, mapping: MappingTable) {
  // Tax first: a wrong tax code is the costlier mistake, so it is the first one reported.
  const taxCode = requireTaxCode(mapping, jurisdiction, l.taxCategory, l.taxRatePpm, PROVIDER);
  const item = requireItem(mapping, l.serviceTypeId ?? null);
  const gross = Number(divideRoundHalfUp(BigInt(l.quantityMilli) * BigInt(l.unitPrice), 1000n));
  const priced = gross === l.netAmount && minorUnitsOf(currency) === 2;
  return {
    Description: l.description,
    Amount: toQboAmount(l.netAmount, currency),
    DetailType: "SalesItemLineDetail",
    SalesItemLineDetail: {
      ItemRef: { value: item },
      ...(priced ? { Qty: l.quantityMilli / 1000, UnitPrice: toQboAmount(l.unitPrice, currency) } : {}),
      TaxCodeRef: { value: taxCode },
    },
  };
}

function documentBody(doc: SyncDocument, ctx: QboContext) {
  const lines = [...doc.lines].sort((a, b) => a.position - b.position);
  const Line = lines.map((l) => salesLine(l, doc.currency, ctx.jurisdiction, ctx.mapping));
  return {
    DocNumber: doc.number,
    TxnDate: doc.issueDate,
    CustomerRef: { value: ctx.customerId },
    CurrencyRef: { value: requireCurrency(ctx.mapping, doc.currency, ctx.enabledCurrencies, PROVIDER) },
    PrivateNote: `Ledgerline ${doc.id}`,
    Line,
    TxnTaxDetail: { TotalTax: toQboAmount(doc.taxTotal, doc.currency) },
  };
}

/** An issued invoice as a QBO Invoice. */
export function qboInvoiceBody(doc: SyncDocument, ctx: QboContext) {
  const body = documentBody(doc, ctx);
  return doc.dueDate ? { ...body, DueDate: doc.dueDate } : body;
}

/** An issued credit note as a QBO CreditMemo. */
export function qboCreditMemoBody(doc: SyncDocument, ctx: QboContext) {
  return documentBody(doc, ctx);
}

/** A payment applied to one invoice, deposited to the mapped bank account. */
export function qboPaymentBody(p: { id: string; amount: number; currency: string; receivedAt: string; remoteInvoiceId: string; remoteCustomerId: string }, mapping: MappingTable) {
  const amount = toQboAmount(p.amount, p.currency);
  return {
    CustomerRef: { value: p.remoteCustomerId },
    TotalAmt: amount,
    TxnDate: p.receivedAt.slice(0, 10),
    CurrencyRef: { value: p.currency },
    DepositToAccountRef: { value: requirePaymentAccount(mapping, PROVIDER) },
    PrivateNote: `Ledgerline ${p.id}`,
    Line: [{ Amount: amount, LinkedTxn: [{ TxnId: p.remoteInvoiceId, TxnType: "Invoice" }] }],
  };
}

/**
 * A credit memo applied to an invoice: a Payment of zero linking both (Intuit's documented
 * pattern; no money moves, so no deposit account): the invoice line is paid by the memo line.
 */
export function qboCreditApplicationBody(a: { id: string; amount: number; currency: string; date: string; remoteInvoiceId: string; remoteCreditMemoId: string; remoteCustomerId: string }) {
  const amount = toQboAmount(a.amount, a.currency);
  return {
    CustomerRef: { value: a.remoteCustomerId },
    TotalAmt: 0,
    TxnDate: a.date,
    CurrencyRef: { value: a.currency },
    PrivateNote: `Ledgerline ${a.id}`,
    Line: [
      { Amount: amount, LinkedTxn: [{ TxnId: a.remoteInvoiceId, TxnType: "Invoice" }] },
      { Amount: amount, LinkedTxn: [{ TxnId: a.remoteCreditMemoId, TxnType: "CreditMemo" }] },
    ],
  };
}

/** A Ledgerline customer as a QBO Customer (DisplayName is unique in a QBO company). */
export function qboCustomerBody(c: { id: string; name: string; email?: string | null }) {
  return {
    DisplayName: c.name.trim().slice(0, 500),
    ...(c.email ? { PrimaryEmailAddr: { Address: c.email } } : {}),
    Notes: `Ledgerline ${c.id}`,
  };
}

/** QBO's query language quotes with single quotes and escapes them with a backslash. */
export const qboQuote = (value: string) => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/** One query finding documents by our numbers (QBO answers at most 1,000 rows per query). */
export function qboDocNumberQuery(entity: "Invoice" | "CreditMemo", numbers: readonly string[]): string {
  if (numbers.length === 0 || numbers.length > 1000) throw invalid("erp_query_size", "numbers", "between 1 and 1,000 document numbers per QuickBooks query");
  return `select * from ${entity} where DocNumber in (${numbers.map(qboQuote).join(", ")}) maxresults 1000`;
}
