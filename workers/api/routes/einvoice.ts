// E-invoicing routes (issue 9): the UBL document of an issued invoice or credit note, and the
// staff-editable EN 16931 tax-category mapping.
import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { archiveDocument, archiveKeys, readArchived } from "../../compliance/archive.ts";
import { renderDocument, type DocumentKind } from "../../compliance/e-documents.ts";
import { publishedJwks } from "../../compliance/jwks.ts";
import { sealEnv, sealKeyring } from "../../compliance/seal/keys.ts";
import { verifySeal } from "../../compliance/seal/verify.ts";
import { verifactuOf } from "../../compliance/verifactu.ts";
import { renderPdfRendition } from "../../domain/einvoice/pdf-rendition.ts";
import { bareNif, QR_BASE_TEST, spanishDate, verifactuAmount, verifactuQrUrl } from "../../domain/einvoice/verifactu.ts";
import { getCreditNote } from "../../db/credit-notes.ts";
import { getInvoice } from "../../db/invoices.ts";
import { notFound } from "../../domain/errors.ts";
import { listMappings, resetMapping, setMapping } from "../../compliance/tax-category-mappings.ts";
import { TAX_CATEGORIES } from "../../domain/tax.ts";
import { HttpProblem } from "../problem.ts";
import { AUTHENTICATED, IdempotencyHeader, IdParams, jsonRequestBody, jsonResponse, problemResponses, WITH_BODY } from "../resources/common.ts";
import { ArchiveStatus, Jwks, JurisdictionParam, SealResource, SetTaxCategoryMappingBody, TaxCategoryMapping, TaxCategoryMappingList, VerifactuResource, VerifyBody, VerifyResultResource, xmlResponse } from "../resources/einvoice.ts";
import { billing, type AppContext } from "./route-context.ts";

const tags = ["E-invoicing"];

/** The QR a Spanish document's PDF carries: it depends only on the document, not on the chain. */
function qrUrlOf(doc: Awaited<ReturnType<typeof renderDocument>>): string | null {
  if (doc.meta.jurisdiction !== "ES" || !doc.source.seller.taxId) return null;
  const total = doc.source.kind === "credit_note" ? -doc.source.total : doc.source.total;
  return verifactuQrUrl(QR_BASE_TEST, { nif: bareNif(doc.source.seller.taxId), numSerie: doc.meta.number, fecha: spanishDate(doc.meta.issueDate), importe: verifactuAmount(total, doc.source.currency) });
}

/** The archived bytes once archived (checked against their sealed SHA-256), else rendered from the frozen rows; or the PDF rendition. */
async function documentResponse(c: AppContext, kind: DocumentKind, id: string, format: "xml" | "pdf") {
  const ctx = billing(c);
  const doc = await renderDocument(ctx, kind, id);
  if (format === "pdf") {
    const pdf = await renderPdfRendition(doc.source, { verifactuQrUrl: qrUrlOf(doc) });
    const filename = doc.meta.number.replace(/[^\w.-]/g, "_");
    return new Response(pdf, { status: 200, headers: { "content-type": "application/pdf", "content-disposition": `inline; filename="${filename}.pdf"` } });
  }
  const archived = await readArchived(ctx, kind, id);
  if (archived.status === "archived" && archived.integrity !== "ok") {
    throw new HttpProblem(409, "archive_integrity_mismatch", `the archived copy of ${doc.meta.number} fails its integrity check (${archived.integrity}); it is not served`);
  }
  const bytes = archived.status === "archived" ? archived.bytes : doc.bytes;
  const filename = doc.meta.number.replace(/[^\w.-]/g, "_");
  return new Response(bytes, { status: 200, headers: { "content-type": "application/xml; charset=utf-8", "content-disposition": `inline; filename="${filename}.xml"` } });
}

const FormatQuery = z.object({ format: z.enum(["xml", "pdf"]).default("xml").describe("pdf: a human-readable rendition with the same numbers (and the VERI*FACTU QR for Spain); it is not the sealed document") });

const documentDescription =
  "The UBL 2.1 document (EN 16931, Peppol BIS Billing 3.0) built from the frozen issued document: party snapshots, lines, VAT breakdown per UNCL5305 category (mapped per jurisdiction, GET /v1/tax-categories). 409 for a draft or a document issued without party snapshots; 422 when the document cannot conform (e.g. reverse charge without a buyer VAT id, a currency with more than two decimals).";

export class GetInvoiceDocument extends OpenAPIRoute {
  schema = {
    tags,
    summary: "The e-invoice document (UBL XML) of an issued invoice",
    description: documentDescription,
    request: { params: IdParams("inv"), query: FormatQuery },
    responses: { "200": xmlResponse("The UBL Invoice, or its PDF rendition"), ...problemResponses(...AUTHENTICATED, 404, 409, 422) },
  };
  async handle(c: AppContext) {
    const { params, query } = await this.getValidatedData<typeof this.schema>();
    return documentResponse(c, "invoice", params.id, query.format);
  }
}

export class GetCreditNoteDocument extends OpenAPIRoute {
  schema = {
    tags,
    summary: "The e-invoice document (UBL XML) of a credit note",
    description: documentDescription,
    request: { params: IdParams("cn"), query: FormatQuery },
    responses: { "200": xmlResponse("The UBL CreditNote, or its PDF rendition"), ...problemResponses(...AUTHENTICATED, 404, 409, 422) },
  };
  async handle(c: AppContext) {
    const { params, query } = await this.getValidatedData<typeof this.schema>();
    return documentResponse(c, "credit_note", params.id, query.format);
  }
}

export class ListTaxCategoryMappings extends OpenAPIRoute {
  schema = {
    tags,
    summary: "How each internal tax category is written as an EN 16931 VAT category, per jurisdiction",
    description: "Without `jurisdiction`: every jurisdiction the franchise's branches invoice under. Entries without a custom row show the default mapping.",
    request: { query: z.object({ jurisdiction: JurisdictionParam.optional() }) },
    responses: { "200": jsonResponse(TaxCategoryMappingList, "The mappings in force"), ...problemResponses(...AUTHENTICATED, 422) },
  };
  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    return { data: await listMappings(billing(c), query.jurisdiction) };
  }
}

const MappingParams = z.object({ jurisdiction: JurisdictionParam, category: z.enum(TAX_CATEGORIES) });

/** The mapping is franchise-wide: staff admins and finance may change it, partner keys and branch managers may not. */
function requireTaxStaff(c: AppContext): void {
  const p = c.get("principal");
  if (p.kind !== "staff" || (p.role !== "admin" && p.role !== "finance")) throw new HttpProblem(403, "tax_staff_required", "only a staff admin or finance session can change tax-category mappings");
}

export class SetTaxCategoryMapping extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Set the EN 16931 VAT category of an internal tax category in a jurisdiction (staff admin or finance)",
    description:
      "Validated: S/L/M only for charged categories and without a reason; Z without a reason; E needs a VATEX code or text; AE, K, G, O need a reason and, if a code is given, their own VATEX code (VATEX-EU-AE, -IC, -G, -O). Documents already archived keep the mapping they were rendered with.",
    request: { params: MappingParams, body: jsonRequestBody(SetTaxCategoryMappingBody) },
    responses: { "200": jsonResponse(TaxCategoryMapping, "The mapping now in force"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY) },
  };
  async handle(c: AppContext) {
    requireTaxStaff(c);
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    return setMapping(billing(c), params.jurisdiction, params.category, body);
  }
}

export class ResetTaxCategoryMapping extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Return an internal tax category of a jurisdiction to the default mapping (staff admin or finance)",
    request: { params: MappingParams },
    responses: { "200": jsonResponse(TaxCategoryMapping, "The default mapping, now in force"), ...problemResponses(...AUTHENTICATED, 422) },
  };
  async handle(c: AppContext) {
    requireTaxStaff(c);
    const { params } = await this.getValidatedData<typeof this.schema>();
    return resetMapping(billing(c), params.jurisdiction, params.category);
  }
}

// --- Seals, archive, verification -------------------------------------------------------------

async function sealOf(c: AppContext, kind: DocumentKind, id: string) {
  const { record } = await archiveDocument(billing(c), kind, id);
  return record.seal;
}

const sealDescription =
  "The platform seal (tamper-evident, verifiable with /.well-known/jwks.json) of the archived document. The document is archived by the invoice.issued / credit_note.issued subscriber; if that has not happened yet, this call renders, seals and archives it (write-once), so every call answers the same seal.";

export class GetInvoiceSeal extends OpenAPIRoute {
  schema = { tags, summary: "The seal of an issued invoice's document", description: sealDescription, request: { params: IdParams("inv") }, responses: { "200": jsonResponse(SealResource, "The seal"), ...problemResponses(...AUTHENTICATED, 404, 409, 422) } };
  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    return sealOf(c, "invoice", params.id);
  }
}

export class GetCreditNoteSeal extends OpenAPIRoute {
  schema = { tags, summary: "The seal of a credit note's document", description: sealDescription, request: { params: IdParams("cn") }, responses: { "200": jsonResponse(SealResource, "The seal"), ...problemResponses(...AUTHENTICATED, 404, 409, 422) } };
  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    return sealOf(c, "credit_note", params.id);
  }
}

async function archiveStatusOf(c: AppContext, kind: DocumentKind, id: string) {
  const ctx = billing(c);
  // Existence and branch scope first: the archive is keyed by id only.
  if (kind === "invoice" ? !(await getInvoice(ctx.db, ctx.franchiseId, id, ctx.branchScope)) : !(await getCreditNote(ctx.db, ctx.franchiseId, id, ctx.branchScope))) throw notFound(kind, id);
  const archived = await readArchived(ctx, kind, id);
  const recordKey = archiveKeys.record(ctx.franchiseId, kind, id);
  if (archived.status === "not_archived") return { status: "not_archived" as const, integrity: null, documentKey: null, recordKey, sha256: null, actualSha256: null, archivedAt: null, seal: null };
  const { record } = archived;
  return {
    status: "archived" as const,
    integrity: archived.integrity,
    documentKey: record.documentKey,
    recordKey,
    sha256: record.sha256,
    actualSha256: archived.integrity === "ok" ? null : archived.actualSha256,
    archivedAt: record.archivedAt,
    seal: record.seal,
  };
}

export class GetInvoiceArchive extends OpenAPIRoute {
  schema = { tags, summary: "Archive status and integrity of an invoice's document", request: { params: IdParams("inv") }, responses: { "200": jsonResponse(ArchiveStatus, "Archive status"), ...problemResponses(...AUTHENTICATED, 404) } };
  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    return archiveStatusOf(c, "invoice", params.id);
  }
}

export class GetCreditNoteArchive extends OpenAPIRoute {
  schema = { tags, summary: "Archive status and integrity of a credit note's document", request: { params: IdParams("cn") }, responses: { "200": jsonResponse(ArchiveStatus, "Archive status"), ...problemResponses(...AUTHENTICATED, 404) } };
  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    return archiveStatusOf(c, "credit_note", params.id);
  }
}

function decodeBase64(text: string): Uint8Array {
  const normal = text.replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(normal)) throw new HttpProblem(422, "invalid_base64", "document is not base64", { issues: [{ field: "document", message: "not base64" }] });
  try {
    const binary = atob(normal.padEnd(Math.ceil(normal.length / 4) * 4, "="));
    return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  } catch {
    throw new HttpProblem(422, "invalid_base64", "document is not base64", { issues: [{ field: "document", message: "not base64" }] });
  }
}

export class VerifySeal extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Verify a platform seal against a document",
    description: "Answers 200 either way: `valid` false names the first check that failed (JWS shape, alg, unknown kid, signature). Any key ever published in /.well-known/jwks.json verifies, retired ones included.",
    request: { headers: IdempotencyHeader, body: jsonRequestBody(VerifyBody) },
    responses: { "200": jsonResponse(VerifyResultResource, "The verification result"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY) },
  };
  async handle(c: AppContext) {
    const { body } = await this.getValidatedData<typeof this.schema>();
    return verifySeal(await sealKeyring(sealEnv(c.env)), decodeBase64(body.document), body.jws);
  }
}

export class GetJwks extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Public keys that verify Ledgerline's seals and signatures (JWKS)",
    security: [],
    responses: { "200": jsonResponse(Jwks, "The key set: current and retired keys"), ...problemResponses() },
  };
  async handle(c: AppContext) {
    return c.json(await publishedJwks(c.env), 200, { "cache-control": "public, max-age=300" });
  }
}

// --- VERI*FACTU ---------------------------------------------------------------------------------

const verifactuDescription =
  "The VERI*FACTU alta record of a document issued by a Spanish branch (field names as in the AEAT spec), its place in the issuer's chain, the anulación if it was voided, and the QR verification URL. 404 outside Spain, 409 for a draft. The domain-events subscriber makes the record within seconds of issue; if it has not yet, this call makes it (the chain dedupes).";

export class GetInvoiceVerifactu extends OpenAPIRoute {
  schema = { tags, summary: "The VERI*FACTU record of an invoice (Spain)", description: verifactuDescription, request: { params: IdParams("inv") }, responses: { "200": jsonResponse(VerifactuResource, "The record"), ...problemResponses(...AUTHENTICATED, 404, 409) } };
  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    return verifactuOf(billing(c), "invoice", params.id);
  }
}

export class GetCreditNoteVerifactu extends OpenAPIRoute {
  schema = { tags, summary: "The VERI*FACTU record of a credit note (Spain)", description: verifactuDescription, request: { params: IdParams("cn") }, responses: { "200": jsonResponse(VerifactuResource, "The record"), ...problemResponses(...AUTHENTICATED, 404, 409) } };
  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    return verifactuOf(billing(c), "credit_note", params.id);
  }
}
