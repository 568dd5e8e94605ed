// E-invoicing resources: tax-category mappings, seals and verification results.
import { z } from "zod";
import { UNCL5305_CODES } from "../../domain/einvoice/tax-categories.ts";
import { TAX_CATEGORIES } from "../../domain/tax.ts";
import { listOf } from "./common.ts";

export const JurisdictionParam = z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, "must be a jurisdiction code such as ES or US-CA");

export const TaxCategoryMapping = z
  .object({
    jurisdiction: z.string(),
    internalCategory: z.enum(TAX_CATEGORIES),
    code: z.enum(UNCL5305_CODES).describe("UNCL5305 VAT category code written on the EN 16931 document"),
    exemptionReasonCode: z.string().nullable().describe("VATEX code (required, or a reason text, for E, AE, K, G, O)"),
    exemptionReason: z.string().nullable(),
    source: z.enum(["default", "custom"]).describe("custom: set by staff; default: the built-in mapping"),
    updatedAt: z.string().nullable(),
    updatedBy: z.string().nullable(),
  })
  .meta({ id: "TaxCategoryMapping" });

export const TaxCategoryMappingList = z.object({ data: z.array(TaxCategoryMapping) }).meta({ id: "TaxCategoryMappingList" });

export const SetTaxCategoryMappingBody = z
  .object({
    code: z.string().min(1).max(3).describe("UNCL5305 code: S, Z, E, AE, K, G, O, L or M"),
    exemptionReasonCode: z.string().max(40).nullable().optional(),
    exemptionReason: z.string().max(300).nullable().optional(),
  })
  .meta({ id: "SetTaxCategoryMappingBody" });

export const xmlResponse = (description: string) => ({
  description,
  headers: { "X-Request-Id": { description: "The request's id", schema: { type: "string" as const } } },
  content: { "application/xml": { schema: z.string().describe("UBL 2.1 Invoice or CreditNote (EN 16931, Peppol BIS Billing 3.0)") } },
});

export { listOf };
