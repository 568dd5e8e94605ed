// An issued invoice or credit note as a UBL 2.1 document conforming to EN 16931 and Peppol BIS
// Billing 3.0, built from the frozen document (party snapshots, lines, tax breakdown) only, so
// the same document always renders to the same bytes. Internal tax categories become UNCL5305
// codes through the jurisdiction's mapping (tax-categories.ts); groups that land on the same
// (code, rate) are merged into one VAT breakdown (BG-23), as EN 16931 requires.
import { create } from "xmlbuilder2";
import type { XMLBuilder } from "xmlbuilder2/lib/interfaces";
import { invalid } from "../errors.ts";
import { divideRoundHalfUp } from "../money.ts";
import type { BuyerSnapshot, SellerSnapshot } from "../party-snapshot.ts";
import type { PostalAddress } from "../postal-address.ts";
import type { TaxCategory } from "../tax.ts";
import { requiresBuyerVatId, type TaxCategoryMapping, type Uncl5305Code } from "./tax-categories.ts";
import { amountText, assertEn16931Currency, endpointOf, percentText, quantityText, vatIdentifier } from "./ubl-values.ts";

export const PEPPOL_CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
export const PEPPOL_PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";

const NS = {
  Invoice: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
  CreditNote: "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
  cac: "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
  cbc: "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
} as const;

export interface DocumentLine {
  position: number;
  description: string;
  quantityMilli: number;
  unitPrice: number;
  discountBps: number;
  discountAmount: number;
  netAmount: number;
  taxCategory: TaxCategory;
  taxRatePpm: number;
  servicePeriodStart: string | null;
  servicePeriodEnd: string | null;
}

export interface DocumentTaxGroup {
  category: TaxCategory;
  ratePpm: number;
  taxableAmount: number;
  taxAmount: number;
}

export interface EInvoiceSource {
  kind: "invoice" | "credit_note";
  number: string;
  issueDate: string;
  /** Invoices only. */
  dueDate: string | null;
  currency: string;
  /** Free text: the invoice memo, or the credit note's reason. */
  note: string | null;
  seller: SellerSnapshot;
  buyer: BuyerSnapshot;
  lines: readonly DocumentLine[];
  taxBreakdown: readonly DocumentTaxGroup[];
  subtotal: number;
  taxTotal: number;
  total: number;
  /** Credit notes: the invoice they correct (BG-3). */
  billingReference: { number: string; issueDate: string } | null;
  /** The mapping in force for the branch's jurisdiction. */
  mapping: Readonly<Record<TaxCategory, TaxCategoryMapping>>;
}

interface VatBreakdown extends TaxCategoryMapping {
  ratePpm: number;
  taxableAmount: number;
  taxAmount: number;
}

function breakdownOf(source: EInvoiceSource): VatBreakdown[] {
  const merged = new Map<string, VatBreakdown>();
  for (const g of source.taxBreakdown) {
    const m = source.mapping[g.category];
    const key = `${m.code}|${g.ratePpm}|${m.exemptionReasonCode ?? ""}|${m.exemptionReason ?? ""}`;
    const row = merged.get(key) ?? { ...m, ratePpm: g.ratePpm, taxableAmount: 0, taxAmount: 0 };
    row.taxableAmount += g.taxableAmount;
    row.taxAmount += g.taxAmount;
    merged.set(key, row);
  }
  return [...merged.values()];
}

function checkRenderable(source: EInvoiceSource, breakdown: readonly VatBreakdown[], buyerVat: string | null): void {
  assertEn16931Currency(source.currency);
  if (!source.seller.address) throw invalid("seller_address_missing", "seller.address", "the seller snapshot has no postal address (BR-08)");
  if (!source.buyer.address) throw invalid("buyer_address_missing", "buyer.address", "the buyer snapshot has no postal address (BR-10)");
  for (const b of breakdown) {
    if (b.code === "S" && b.ratePpm === 0) throw invalid("standard_rate_zero", "taxCategory", "a line mapped to S (standard rate) has a 0 % rate; map its category to Z, E or another zero-rate code");
    if (b.code !== "S" && b.code !== "L" && b.code !== "M" && b.ratePpm !== 0) throw invalid("zero_rate_code_charged", "taxCategory", `a line mapped to ${b.code} carries a ${percentText(b.ratePpm)} % rate`);
    if (requiresBuyerVatId(b.code) && !buyerVat) throw invalid("buyer_vat_id_required", "buyer.taxId", `${b.code} needs the buyer's VAT identifier (BR-AE-02 / BR-IC-02)`);
  }
  const codes = new Set(breakdown.map((b) => b.code));
  if (codes.has("O") && codes.size > 1) throw invalid("outside_scope_mixed", "taxCategory", "an invoice with O (outside scope) lines may contain no other VAT category (BR-O-11)");
}

type Ele = XMLBuilder;
const cbc = (parent: Ele, name: string, text: string, attrs?: Record<string, string>): Ele => {
  const e = parent.ele(NS.cbc, `cbc:${name}`, attrs);
  e.txt(text);
  return parent;
};
const cac = (parent: Ele, name: string): Ele => parent.ele(NS.cac, `cac:${name}`);

function address(parent: Ele, a: PostalAddress): void {
  const el = cac(parent, "PostalAddress");
  cbc(el, "StreetName", a.line1);
  if (a.line2) cbc(el, "AdditionalStreetName", a.line2);
  cbc(el, "CityName", a.city);
  cbc(el, "PostalZone", a.postalCode);
  if (a.region) cbc(el, "CountrySubentity", a.region);
  cbc(cac(el, "Country"), "IdentificationCode", a.countryCode);
}

function taxScheme(parent: Ele): void {
  cbc(cac(parent, "TaxScheme"), "ID", "VAT");
}

interface PartyView {
  name: string;
  address: PostalAddress;
  vatId: string | null;
  /** A tax id that is not a VAT number goes to the legal entity (BT-30 / BT-47). */
  legalId: string | null;
  email: string | null;
  phone: string | null;
}

function party(parent: Ele, role: "AccountingSupplierParty" | "AccountingCustomerParty", p: PartyView): void {
  const el = cac(cac(parent, role), "Party");
  const endpoint = endpointOf(p.vatId, p.address.countryCode, p.email);
  if (endpoint) cbc(el, "EndpointID", endpoint.id, { schemeID: endpoint.schemeId });
  cbc(cac(el, "PartyName"), "Name", p.name);
  address(el, p.address);
  if (p.vatId) {
    const scheme = cac(el, "PartyTaxScheme");
    cbc(scheme, "CompanyID", p.vatId);
    taxScheme(scheme);
  }
  const legal = cac(el, "PartyLegalEntity");
  cbc(legal, "RegistrationName", p.name);
  if (p.legalId) cbc(legal, "CompanyID", p.legalId);
  if (p.email || p.phone) {
    const contact = cac(el, "Contact");
    if (p.phone) cbc(contact, "Telephone", p.phone);
    if (p.email) cbc(contact, "ElectronicMail", p.email);
  }
}

function taxCategory(parent: Ele, name: "TaxCategory" | "ClassifiedTaxCategory", m: TaxCategoryMapping, ratePpm: number, withReason: boolean): void {
  const el = cac(parent, name);
  cbc(el, "ID", m.code);
  cbc(el, "Percent", percentText(ratePpm));
  if (withReason && m.exemptionReasonCode) cbc(el, "TaxExemptionReasonCode", m.exemptionReasonCode);
  if (withReason && m.exemptionReason) cbc(el, "TaxExemptionReason", m.exemptionReason);
  taxScheme(el);
}

/** The line's amount before discounts, rounded exactly as invoice-totals.ts rounds it. */
function grossOf(line: DocumentLine): number {
  return Number(divideRoundHalfUp(BigInt(line.quantityMilli) * BigInt(line.unitPrice), 1000n));
}

function documentLine(parent: Ele, source: EInvoiceSource, line: DocumentLine): void {
  const c = source.currency;
  const isInvoice = source.kind === "invoice";
  const el = cac(parent, isInvoice ? "InvoiceLine" : "CreditNoteLine");
  cbc(el, "ID", String(line.position));
  cbc(el, isInvoice ? "InvoicedQuantity" : "CreditedQuantity", quantityText(line.quantityMilli), { unitCode: "C62" });
  cbc(el, "LineExtensionAmount", amountText(line.netAmount, c), { currencyID: c });
  if (line.servicePeriodStart || line.servicePeriodEnd) {
    const period = cac(el, "InvoicePeriod");
    if (line.servicePeriodStart) cbc(period, "StartDate", line.servicePeriodStart);
    if (line.servicePeriodEnd) cbc(period, "EndDate", line.servicePeriodEnd);
  }
  const allowance = grossOf(line) - line.netAmount;
  if (allowance > 0) {
    const ac = cac(el, "AllowanceCharge");
    cbc(ac, "ChargeIndicator", "false");
    cbc(ac, "AllowanceChargeReasonCode", "95");
    cbc(ac, "AllowanceChargeReason", "Discount");
    cbc(ac, "Amount", amountText(allowance, c), { currencyID: c });
  }
  const item = cac(el, "Item");
  cbc(item, "Name", line.description.slice(0, 200));
  taxCategory(item, "ClassifiedTaxCategory", source.mapping[line.taxCategory], line.taxRatePpm, false);
  cbc(cac(el, "Price"), "PriceAmount", amountText(line.unitPrice, c), { currencyID: c });
}

function sellerView(s: SellerSnapshot, address: PostalAddress): PartyView {
  const vatId = vatIdentifier(s.taxId, address.countryCode);
  return { name: s.legalName, address, vatId, legalId: null, email: s.contact.email, phone: s.contact.phone };
}

function buyerView(b: BuyerSnapshot, address: PostalAddress): PartyView {
  const vatId = vatIdentifier(b.taxId, address.countryCode);
  return { name: b.name, address, vatId, legalId: null, email: b.email, phone: null };
}

/** The UBL XML text (UTF-8, pretty-printed, deterministic) of an issued invoice or credit note. */
export function renderUblDocument(source: EInvoiceSource): string {
  const breakdown = breakdownOf(source);
  const seller = source.seller.address ? sellerView(source.seller, source.seller.address) : null;
  const buyer = source.buyer.address ? buyerView(source.buyer, source.buyer.address) : null;
  checkRenderable(source, breakdown, buyer?.vatId ?? null);
  if (!seller || !buyer) throw invalid("party_address_missing", "seller.address", "both parties need a postal address");
  if (breakdown.some((b) => b.code !== "O") && !seller.vatId) throw invalid("seller_vat_id_required", "seller.taxId", "the seller needs a VAT identifier on a VAT invoice (BR-S-02 and siblings)");

  const c = source.currency;
  const isInvoice = source.kind === "invoice";
  const rootName = isInvoice ? "Invoice" : "CreditNote";
  const doc = create({ version: "1.0", encoding: "UTF-8" });
  const root = doc.ele(NS[rootName], rootName).att("xmlns:cac", NS.cac).att("xmlns:cbc", NS.cbc);
  cbc(root, "CustomizationID", PEPPOL_CUSTOMIZATION_ID);
  cbc(root, "ProfileID", PEPPOL_PROFILE_ID);
  cbc(root, "ID", source.number);
  cbc(root, "IssueDate", source.issueDate);
  if (isInvoice && source.dueDate) cbc(root, "DueDate", source.dueDate);
  cbc(root, isInvoice ? "InvoiceTypeCode" : "CreditNoteTypeCode", isInvoice ? "380" : "381");
  if (source.note) cbc(root, "Note", source.note);
  cbc(root, "DocumentCurrencyCode", c);
  // Peppol asks for a buyer reference or an order reference (PEPPOL-EN16931-R003).
  cbc(root, "BuyerReference", source.billingReference?.number ?? source.number);
  if (source.billingReference) {
    const ref = cac(cac(root, "BillingReference"), "InvoiceDocumentReference");
    cbc(ref, "ID", source.billingReference.number);
    cbc(ref, "IssueDate", source.billingReference.issueDate);
  }
  party(root, "AccountingSupplierParty", seller);
  party(root, "AccountingCustomerParty", buyer);
  if (!isInvoice || !source.dueDate) {
    // BR-CO-25: a positive amount due needs a due date or payment terms.
    cbc(cac(root, "PaymentTerms"), "Note", isInvoice ? "Payable on receipt" : `Credited against invoice ${source.billingReference?.number ?? ""}`.trim());
  }
  const taxTotal = cac(root, "TaxTotal");
  cbc(taxTotal, "TaxAmount", amountText(source.taxTotal, c), { currencyID: c });
  for (const b of breakdown) {
    const sub = cac(taxTotal, "TaxSubtotal");
    cbc(sub, "TaxableAmount", amountText(b.taxableAmount, c), { currencyID: c });
    cbc(sub, "TaxAmount", amountText(b.taxAmount, c), { currencyID: c });
    taxCategory(sub, "TaxCategory", b, b.ratePpm, true);
  }
  const totals = cac(root, "LegalMonetaryTotal");
  cbc(totals, "LineExtensionAmount", amountText(source.subtotal, c), { currencyID: c });
  cbc(totals, "TaxExclusiveAmount", amountText(source.subtotal, c), { currencyID: c });
  cbc(totals, "TaxInclusiveAmount", amountText(source.total, c), { currencyID: c });
  cbc(totals, "PayableAmount", amountText(source.total, c), { currencyID: c });
  for (const line of source.lines) documentLine(root, source, line);
  return doc.end({ prettyPrint: true });
}

export type { Uncl5305Code };
