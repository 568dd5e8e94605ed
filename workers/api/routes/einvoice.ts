// E-invoicing routes (issue 9): the UBL document of an issued invoice or credit note, and the
// staff-editable EN 16931 tax-category mapping.
import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { renderDocument, type DocumentKind } from "../../compliance/e-documents.ts";
import { listMappings, resetMapping, setMapping } from "../../compliance/tax-category-mappings.ts";
import { TAX_CATEGORIES } from "../../domain/tax.ts";
import { HttpProblem } from "../problem.ts";
import { AUTHENTICATED, IdParams, jsonRequestBody, jsonResponse, problemResponses, WITH_BODY } from "../resources/common.ts";
import { JurisdictionParam, SetTaxCategoryMappingBody, TaxCategoryMapping, TaxCategoryMappingList, xmlResponse } from "../resources/einvoice.ts";
import { billing, type AppContext } from "./route-context.ts";

const tags = ["E-invoicing"];

async function documentResponse(c: AppContext, kind: DocumentKind, id: string) {
  const doc = await renderDocument(billing(c), kind, id);
  return new Response(doc.bytes, { status: 200, headers: { "content-type": "application/xml; charset=utf-8", "content-disposition": `inline; filename="${doc.meta.number.replace(/[^\w.-]/g, "_")}.xml"` } });
}

const documentDescription =
  "The UBL 2.1 document (EN 16931, Peppol BIS Billing 3.0) built from the frozen issued document: party snapshots, lines, VAT breakdown per UNCL5305 category (mapped per jurisdiction, GET /v1/tax-categories). 409 for a draft or a document issued without party snapshots; 422 when the document cannot conform (e.g. reverse charge without a buyer VAT id, a currency with more than two decimals).";

export class GetInvoiceDocument extends OpenAPIRoute {
  schema = {
    tags,
    summary: "The e-invoice document (UBL XML) of an issued invoice",
    description: documentDescription,
    request: { params: IdParams("inv") },
    responses: { "200": xmlResponse("The UBL Invoice"), ...problemResponses(...AUTHENTICATED, 404, 409, 422) },
  };
  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    return documentResponse(c, "invoice", params.id);
  }
}

export class GetCreditNoteDocument extends OpenAPIRoute {
  schema = {
    tags,
    summary: "The e-invoice document (UBL XML) of a credit note",
    description: documentDescription,
    request: { params: IdParams("cn") },
    responses: { "200": xmlResponse("The UBL CreditNote"), ...problemResponses(...AUTHENTICATED, 404, 409, 422) },
  };
  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    return documentResponse(c, "credit_note", params.id);
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
