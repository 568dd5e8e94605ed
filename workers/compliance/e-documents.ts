// The e-invoice document of an issued invoice or credit note, rendered from the frozen document
// rows (party snapshots, lines, tax breakdown) and the jurisdiction's tax-category mapping.
import type { BillingContext } from "../billing/context.ts";
import { getCreditNote } from "../db/credit-notes.ts";
import { getInvoice } from "../db/invoices.ts";
import { getBranch } from "../db/reference-data.ts";
import { renderUblDocument, type EInvoiceSource } from "../domain/einvoice/ubl-document.ts";
import { conflict, notFound } from "../domain/errors.ts";
import type { BuyerSnapshot, SellerSnapshot } from "../domain/party-snapshot.ts";
import type { TaxCategory } from "../domain/tax.ts";
import { mappingTableFor } from "./tax-category-mappings.ts";

export type DocumentKind = "invoice" | "credit_note";

export interface DocumentMeta {
  kind: DocumentKind;
  id: string;
  franchiseId: string;
  branchId: string;
  number: string;
  issueDate: string;
  jurisdiction: string;
}

export interface RenderedDocument {
  meta: DocumentMeta;
  source: EInvoiceSource;
  /** The exact bytes served and sealed (UTF-8 XML). */
  bytes: Uint8Array;
}

const parse = <T>(json: string | null): T | null => (json === null ? null : (JSON.parse(json) as T));

function snapshots(seller: string | null, buyer: string | null): { seller: SellerSnapshot; buyer: BuyerSnapshot } {
  const s = parse<SellerSnapshot>(seller);
  const b = parse<BuyerSnapshot>(buyer);
  if (!s || !b) throw conflict("document_without_party_snapshots", "this document was issued before party snapshots were frozen; no e-invoice can be rendered for it");
  return { seller: s, buyer: b };
}

async function jurisdictionOf(ctx: BillingContext, branchId: string): Promise<string> {
  const branch = await getBranch(ctx.db, ctx.franchiseId, branchId);
  if (!branch) throw notFound("branch", branchId);
  return branch.jurisdiction;
}

async function invoiceDocument(ctx: BillingContext, id: string): Promise<RenderedDocument> {
  const found = await getInvoice(ctx.db, ctx.franchiseId, id, ctx.branchScope);
  if (!found) throw notFound("invoice", id);
  const { invoice, lines } = found;
  if (invoice.number === null || invoice.issueDate === null || invoice.issuedAt === null) throw conflict("invoice_not_issued", "a draft has no e-invoice document; issue it first");
  const jurisdiction = await jurisdictionOf(ctx, invoice.branchId);
  const source: EInvoiceSource = {
    kind: "invoice",
    number: invoice.number,
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    currency: invoice.currency,
    note: invoice.memo,
    ...snapshots(invoice.seller, invoice.buyer),
    lines: lines.map((l) => ({ ...l, taxCategory: l.taxCategory as TaxCategory })),
    taxBreakdown: JSON.parse(invoice.taxBreakdown),
    subtotal: invoice.subtotal,
    taxTotal: invoice.taxTotal,
    total: invoice.total,
    billingReference: null,
    mapping: await mappingTableFor(ctx, jurisdiction),
  };
  const meta = { kind: "invoice" as const, id, franchiseId: ctx.franchiseId, branchId: invoice.branchId, number: invoice.number, issueDate: invoice.issueDate, jurisdiction };
  return { meta, source, bytes: new TextEncoder().encode(renderUblDocument(source)) };
}

async function creditNoteDocument(ctx: BillingContext, id: string): Promise<RenderedDocument> {
  const found = await getCreditNote(ctx.db, ctx.franchiseId, id, ctx.branchScope);
  if (!found) throw notFound("credit_note", id);
  const { creditNote: cn, lines } = found;
  const invoice = await getInvoice(ctx.db, ctx.franchiseId, cn.invoiceId);
  if (!invoice?.invoice.number || !invoice.invoice.issueDate) throw notFound("invoice", cn.invoiceId);
  const jurisdiction = await jurisdictionOf(ctx, cn.branchId);
  const source: EInvoiceSource = {
    kind: "credit_note",
    number: cn.number,
    issueDate: cn.issueDate,
    dueDate: null,
    currency: cn.currency,
    note: cn.reason,
    ...snapshots(cn.seller, cn.buyer),
    lines: lines.map((l) => ({ ...l, taxCategory: l.taxCategory as TaxCategory, discountBps: 0, discountAmount: 0, servicePeriodStart: null, servicePeriodEnd: null })),
    taxBreakdown: JSON.parse(cn.taxBreakdown),
    subtotal: cn.subtotal,
    taxTotal: cn.taxTotal,
    total: cn.total,
    billingReference: { number: invoice.invoice.number, issueDate: invoice.invoice.issueDate },
    mapping: await mappingTableFor(ctx, jurisdiction),
  };
  const meta = { kind: "credit_note" as const, id, franchiseId: ctx.franchiseId, branchId: cn.branchId, number: cn.number, issueDate: cn.issueDate, jurisdiction };
  return { meta, source, bytes: new TextEncoder().encode(renderUblDocument(source)) };
}

/** Renders the document live from the frozen rows (archive.ts serves the archived copy when there is one). */
export function renderDocument(ctx: BillingContext, kind: DocumentKind, id: string): Promise<RenderedDocument> {
  return kind === "invoice" ? invoiceDocument(ctx, id) : creditNoteDocument(ctx, id);
}
