// Frozen documents for the e-invoice tests: one per tax situation the product can issue.
import { computeInvoiceTotals } from "../../../workers/domain/invoice-totals.ts";
import { DEFAULT_MAPPING, type TaxCategoryMapping } from "../../../workers/domain/einvoice/tax-categories.ts";
import type { DocumentLine, EInvoiceSource } from "../../../workers/domain/einvoice/ubl-document.ts";
import type { TaxCategory } from "../../../workers/domain/tax.ts";

export const seller = {
  legalName: "Ledgerline Demo Madrid SL",
  taxId: "B12345674",
  address: { line1: "Calle Mayor 1", city: "Madrid", postalCode: "28013", countryCode: "ES" },
  contact: { email: "billing@madrid.example", phone: "+34 910 000 000" },
};

export const buyer = {
  name: "Cliente Ejemplo SA",
  taxId: "ESA87654321",
  address: { line1: "Avenida Diagonal 100", line2: "Planta 3", city: "Barcelona", postalCode: "08019", region: "Barcelona", countryCode: "ES" },
  email: "ap@cliente.example",
};

type LineSpec = Partial<DocumentLine> & { taxCategory: TaxCategory; taxRatePpm: number; unitPrice: number };

export function documentOf(specs: LineSpec[], overrides: Partial<EInvoiceSource> = {}, mapping: Partial<Record<TaxCategory, TaxCategoryMapping>> = {}): EInvoiceSource {
  const priced = specs.map((s, i) => ({
    position: i + 1,
    description: s.description ?? `Service ${i + 1}`,
    quantityMilli: s.quantityMilli ?? 1000,
    unitPrice: s.unitPrice,
    discountBps: s.discountBps ?? 0,
    discountAmount: s.discountAmount ?? 0,
    taxCategory: s.taxCategory,
    taxRatePpm: s.taxRatePpm,
    servicePeriodStart: s.servicePeriodStart ?? null,
    servicePeriodEnd: s.servicePeriodEnd ?? null,
  }));
  const totals = computeInvoiceTotals(priced);
  const lines = priced.map((p, i) => ({ ...p, netAmount: totals.lineNetAmounts[i]! }));
  return {
    kind: "invoice",
    number: "MAD-2026-000042",
    issueDate: "2026-11-30",
    dueDate: "2026-12-30",
    currency: "EUR",
    note: null,
    seller,
    buyer,
    lines,
    taxBreakdown: totals.taxBreakdown,
    subtotal: totals.subtotal,
    taxTotal: totals.taxTotal,
    total: totals.total,
    billingReference: null,
    mapping: { ...DEFAULT_MAPPING, ...mapping },
    ...overrides,
  };
}
