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
  content: {
    "application/xml": { schema: z.string().describe("UBL 2.1 Invoice or CreditNote (EN 16931, Peppol BIS Billing 3.0)") },
    "application/pdf": { schema: z.string().meta({ format: "binary" }).describe("?format=pdf: the human-readable rendition") },
  },
});

export { listOf };

const SealFields = z.object({
    jws: z.string().describe("compact detached JWS (<protected>..<signature>, alg EdDSA, unencoded payload per RFC 7797: b64 false) over the exact bytes GET .../document serves"),
    kid: z.string().describe("the key's id in /.well-known/jwks.json"),
    sha256: z.string().regex(/^[0-9a-f]{64}$/).describe("hex SHA-256 of the document bytes"),
    sealedAt: z.string().describe("UTC ISO-8601 time of sealing (signed: it is in the protected header)"),
});
export const SealResource = SealFields.meta({ id: "Seal" });

export const ArchiveStatus = z
  .object({
    status: z.enum(["archived", "not_archived"]),
    integrity: z.enum(["ok", "mismatch", "missing"]).nullable().describe("archived only: ok = the stored bytes still hash to the sealed SHA-256"),
    documentKey: z.string().nullable(),
    recordKey: z.string(),
    sha256: z.string().nullable(),
    actualSha256: z.string().nullable().describe("what the stored bytes hash to now, when that differs"),
    archivedAt: z.string().nullable(),
    seal: SealFields.nullable(),
  })
  .meta({ id: "ArchiveStatus" });

export const VerifyBody = z
  .object({
    document: z.string().max(4_000_000).describe("the document bytes, base64 (standard or url alphabet)"),
    jws: z.string().max(6_000_000).describe("the compact detached JWS (a JWS with an attached payload is answered as not detached)"),
  })
  .meta({ id: "VerifySealBody" });

export const VerifyResultResource = z
  .object({
    valid: z.boolean(),
    kid: z.string().nullable(),
    sealedAt: z.string().nullable(),
    sha256: z.string().describe("hex SHA-256 of the submitted document"),
    failedCheck: z.enum(["jws_malformed", "jws_not_detached", "header_malformed", "alg_unsupported", "unknown_kid", "signature_invalid"]).nullable(),
    detail: z.string().nullable(),
  })
  .meta({ id: "SealVerification" });

export const Jwks = z
  .object({ keys: z.array(z.object({ kty: z.string(), kid: z.string() }).passthrough()) })
  .meta({ id: "JsonWebKeySet" });

const AltaFields = {
  IDEmisorFactura: z.string(),
  NumSerieFactura: z.string(),
  FechaExpedicionFactura: z.string().describe("dd-mm-aaaa"),
  TipoFactura: z.string().describe("F1 invoice, R1 credit note (rectificativa por diferencias)"),
  CuotaTotal: z.string().describe("the exact text hashed"),
  ImporteTotal: z.string().describe("the exact text hashed"),
  HuellaAnterior: z.string().describe("the previous record's huella in the issuer's chain; empty for the first"),
  FechaHoraHusoGenRegistro: z.string().describe("ISO 8601 with the branch's UTC offset; never runs backwards in a chain"),
  Huella: z.string().regex(/^[0-9A-F]{64}$/),
};

export const VerifactuSubmissionResource = z
  .object({
    status: z
      .enum(["pending", "submitting", "retrying", "accepted", "accepted_with_errors", "rejected", "failed"])
      .describe("pending: not sent yet; submitting/retrying: in flight or waiting to be resent (5xx, timeout); accepted (Correcto); accepted_with_errors (AceptadoConErrores); rejected (Incorrecto, not retried); failed: gave up after the retries (dead letter), blocks the issuer's chain"),
    attempts: z.number().int().describe("submissions that carried this record"),
    lastError: z.string().nullable().describe("the AEAT's DescripcionErrorRegistro, or why the last send failed"),
    errorCode: z.string().nullable().describe("the AEAT's CodigoErrorRegistro"),
    csv: z.string().nullable().describe("the AEAT's CSV (secure verification code) of the submission that registered the record"),
    submittedAt: z.string().nullable(),
    settledAt: z.string().nullable(),
  })
  .meta({ id: "VerifactuSubmission" });

const PreviousRecordLink = z
  .object({
    position: z.number().int(),
    type: z.enum(["alta", "anulacion"]),
    documentKind: z.enum(["invoice", "credit_note"]),
    documentId: z.string(),
    NumSerieFactura: z.string(),
    Huella: z.string(),
  })
  .describe("the record HuellaAnterior names");

export const VerifactuResource = z
  .object({
    record: z.object(AltaFields),
    qrUrl: z.string().describe("AEAT QR verification URL (test environment base), parameters URL-encoded"),
    chain: z.object({ position: z.number().int(), issuer: z.string(), previous: PreviousRecordLink.nullable() }),
    submission: VerifactuSubmissionResource.describe("submission of the alta to the AEAT"),
    anulacion: z
      .object({
        IDEmisorFacturaAnulada: z.string(),
        NumSerieFacturaAnulada: z.string(),
        FechaExpedicionFacturaAnulada: z.string(),
        HuellaAnterior: z.string(),
        FechaHoraHusoGenRegistro: z.string(),
        Huella: z.string(),
        position: z.number().int(),
        submission: VerifactuSubmissionResource,
      })
      .nullable(),
  })
  .meta({ id: "VerifactuRecord" });
