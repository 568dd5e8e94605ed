// VERI*FACTU for branches in Spain: an alta record per issued invoice (F1) and per credit note
// (R1, a factura rectificativa por diferencias: negative amounts), an anulación when an issued
// invoice is voided, each appended to the issuer's chain in its VerifactuChain Durable Object.
// Each append asks for the issuer's records to be submitted to the AEAT (aeat-submission.ts).
import type { BillingContext } from "../billing/context.ts";
import { getCreditNote } from "../db/credit-notes.ts";
import { getInvoice } from "../db/invoices.ts";
import { getBranch } from "../db/reference-data.ts";
import { bareNif, QR_BASE_TEST, spanishDate, verifactuAmount, verifactuQrUrl, type AltaRecord } from "../domain/einvoice/verifactu.ts";
import { conflict, notFound } from "../domain/errors.ts";
import type { SellerSnapshot } from "../domain/party-snapshot.ts";
import type { StoredVerifactuRecord, VerifactuAppend } from "../../durable-objects/verifactu-chain.ts";
import { requestSubmission, submissionsOf, type SubmissionView } from "./aeat-submission.ts";
import type { DocumentKind } from "./e-documents.ts";

/** Spain's VAT territory invoices under jurisdiction "ES" (Canary Islands etc. would be ES-CN, outside VERI*FACTU's IVA scope). */
const isSpanish = (jurisdiction: string) => jurisdiction === "ES";

const chainOf = (ctx: BillingContext, nif: string) => ctx.env.VERIFACTU_CHAIN.get(ctx.env.VERIFACTU_CHAIN.idFromName(`${ctx.franchiseId}:${nif}`));

interface Issuer {
  nif: string;
  name: string;
  timeZone: string;
}

async function spanishIssuer(ctx: BillingContext, branchId: string, sellerJson: string | null): Promise<Issuer | null> {
  const branch = await getBranch(ctx.db, ctx.franchiseId, branchId);
  if (!branch || !isSpanish(branch.jurisdiction)) return null;
  const seller = sellerJson ? (JSON.parse(sellerJson) as SellerSnapshot) : null;
  const taxId = seller?.taxId ?? branch.taxId;
  if (!taxId) return null;
  return { nif: bareNif(taxId), name: seller?.legalName ?? branch.legalName ?? branch.name, timeZone: branch.timezone };
}

export type VerifactuEvent = "invoice.issued" | "credit_note.issued" | "invoice.voided";

/**
 * Appends the record an event calls for and asks for its submission to the AEAT; a no-op
 * outside Spain. Idempotent (the chain dedupes; a repeated submission request sends nothing new).
 */
export async function recordVerifactu(ctx: BillingContext, type: VerifactuEvent, documentId: string): Promise<StoredVerifactuRecord | null> {
  const appended = await appendVerifactu(ctx, type, documentId);
  if (!appended) return null;
  await requestSubmission(ctx, appended.issuer.nif, appended.issuer.name);
  return appended.record;
}

async function appendVerifactu(ctx: BillingContext, type: VerifactuEvent, documentId: string): Promise<{ issuer: Issuer; record: StoredVerifactuRecord } | null> {
  const nowMs = ctx.clock.now().getTime();
  if (type === "credit_note.issued") {
    const found = await getCreditNote(ctx.db, ctx.franchiseId, documentId);
    if (!found) return null;
    const cn = found.creditNote;
    const issuer = await spanishIssuer(ctx, cn.branchId, cn.seller);
    if (!issuer) return null;
    const append: VerifactuAppend = {
      type: "alta", documentKind: "credit_note", documentId, nif: issuer.nif, numSerie: cn.number, fechaExpedicion: spanishDate(cn.issueDate), tipoFactura: "R1",
      cuotaTotal: verifactuAmount(-cn.taxTotal, cn.currency), importeTotal: verifactuAmount(-cn.total, cn.currency), timeZone: issuer.timeZone, nowMs,
    };
    return { issuer, record: await chainOf(ctx, issuer.nif).append(append) };
  }
  const found = await getInvoice(ctx.db, ctx.franchiseId, documentId);
  if (!found?.invoice.number || !found.invoice.issueDate) return null;
  const inv = found.invoice;
  const number = found.invoice.number;
  const issueDate = found.invoice.issueDate;
  const issuer = await spanishIssuer(ctx, inv.branchId, inv.seller);
  if (!issuer) return null;
  const chain = chainOf(ctx, issuer.nif);
  const common = { documentKind: "invoice" as const, documentId, nif: issuer.nif, numSerie: number, fechaExpedicion: spanishDate(issueDate), tipoFactura: "F1" as const, cuotaTotal: verifactuAmount(inv.taxTotal, inv.currency), importeTotal: verifactuAmount(inv.total, inv.currency), timeZone: issuer.timeZone, nowMs };
  if (type === "invoice.issued") return { issuer, record: await chain.append({ type: "alta", ...common }) };
  // An anulación cancels an alta: make sure the alta is in the chain first (events may arrive late).
  await chain.append({ type: "alta", ...common });
  return { issuer, record: await chain.append({ type: "anulacion", ...common }) };
}

export interface PreviousRecordLink {
  position: number;
  type: "alta" | "anulacion";
  documentKind: "invoice" | "credit_note";
  documentId: string;
  NumSerieFactura: string;
  Huella: string;
}

export interface VerifactuView {
  record: AltaRecord & { Huella: string };
  qrUrl: string;
  /** previous: the record HuellaAnterior names (null for the issuer's first record). */
  chain: { position: number; issuer: string; previous: PreviousRecordLink | null };
  anulacion: (StoredVerifactuRecord["record"] & { Huella: string; position: number; submission: SubmissionView }) | null;
  /** The alta's submission to the AEAT. */
  submission: SubmissionView;
}

function linkOf(r: StoredVerifactuRecord): PreviousRecordLink {
  const numSerie = r.type === "alta" ? (r.record as AltaRecord).NumSerieFactura : (r.record as { NumSerieFacturaAnulada: string }).NumSerieFacturaAnulada;
  return { position: r.position, type: r.type, documentKind: r.documentKind, documentId: r.documentId, NumSerieFactura: numSerie, Huella: r.huella };
}

export async function verifactuOf(ctx: BillingContext, kind: DocumentKind, id: string): Promise<VerifactuView> {
  const doc = kind === "invoice" ? (await getInvoice(ctx.db, ctx.franchiseId, id, ctx.branchScope))?.invoice : (await getCreditNote(ctx.db, ctx.franchiseId, id, ctx.branchScope))?.creditNote;
  if (!doc) throw notFound(kind, id);
  if (doc.number === null) throw conflict("invoice_not_issued", "a draft has no VERI*FACTU record; issue it first");
  const issuer = await spanishIssuer(ctx, doc.branchId, doc.seller);
  if (!issuer) throw notFound("verifactu_record", id);
  let records = await chainOf(ctx, issuer.nif).recordsOf(id);
  const voided = "status" in doc && doc.status === "void";
  if (!records.some((r) => r.type === "alta") || (voided && !records.some((r) => r.type === "anulacion"))) {
    // The subscriber has not run yet: make the record now (idempotent in the chain), so the
    // answer never depends on queue timing.
    await recordVerifactu(ctx, kind === "credit_note" ? "credit_note.issued" : voided ? "invoice.voided" : "invoice.issued", id);
    records = await chainOf(ctx, issuer.nif).recordsOf(id);
  }
  const alta = records.find((r) => r.type === "alta");
  if (!alta) throw notFound("verifactu_record", id);
  const a = alta.record as AltaRecord;
  const anulacion = records.find((r) => r.type === "anulacion");
  const [previous, submission] = await Promise.all([alta.position > 1 ? chainOf(ctx, issuer.nif).at(alta.position - 1) : Promise.resolve(null), submissionsOf(ctx, id)]);
  return {
    record: { ...a, Huella: alta.huella },
    qrUrl: verifactuQrUrl(QR_BASE_TEST, { nif: a.IDEmisorFactura, numSerie: a.NumSerieFactura, fecha: a.FechaExpedicionFactura, importe: a.ImporteTotal }),
    chain: { position: alta.position, issuer: a.IDEmisorFactura, previous: previous ? linkOf(previous) : null },
    anulacion: anulacion ? { ...anulacion.record, Huella: anulacion.huella, position: anulacion.position, submission: submission.anulacion } : null,
    submission: submission.alta,
  };
}
