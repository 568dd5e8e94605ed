// How an internal tax category (workers/domain/tax.ts) is written on an EN 16931 document: a
// UNCL5305 VAT category code and, where the rules require one, an exemption reason (a VATEX
// code and/or text). The mapping is data, per franchise and jurisdiction, edited by staff; a
// jurisdiction with no row uses DEFAULT_MAPPING. Validated here so a bad mapping is refused
// when it is saved, not discovered when a document fails an inspector's validator.
import { invalid } from "../errors.ts";
import type { TaxCategory } from "../tax.ts";

export const UNCL5305_CODES = ["S", "Z", "E", "AE", "K", "G", "O", "L", "M"] as const;
export type Uncl5305Code = (typeof UNCL5305_CODES)[number];

/** What each code means, for people (EN 16931 code list, UNCL5305 subset). */
export const UNCL5305_NAMES: Readonly<Record<Uncl5305Code, string>> = {
  S: "Standard rate",
  Z: "Zero rated goods",
  E: "Exempt from tax",
  AE: "VAT reverse charge",
  K: "VAT exempt for EEA intra-community supply of goods and services",
  G: "Free export item, tax not charged",
  O: "Services outside scope of tax",
  L: "Canary Islands general indirect tax (IGIC)",
  M: "Tax for production, services and importation in Ceuta and Melilla (IPSI)",
};

/** Codes whose rate is zero by definition and that need an exemption reason (BR-E-10, BR-AE-10, BR-IC-10, BR-G-10, BR-O-10). */
const NEEDS_REASON: ReadonlySet<Uncl5305Code> = new Set(["E", "AE", "K", "G", "O"]);
/** Codes that carry a positive rate: only internal categories with a rate may map to them. */
const RATED: ReadonlySet<Uncl5305Code> = new Set(["S", "L", "M"]);
/** The one VATEX code each zero-rate special category allows, when a code is given. */
const FIXED_VATEX: Partial<Record<Uncl5305Code, string>> = { AE: "VATEX-EU-AE", K: "VATEX-EU-IC", G: "VATEX-EU-G", O: "VATEX-EU-O" };

/** VATEX codes of the CEF code list (version 5+); E takes any of the non-category-specific ones. */
export const VATEX_CODES = [
  "VATEX-EU-79-C", "VATEX-EU-132", "VATEX-EU-132-1A", "VATEX-EU-132-1B", "VATEX-EU-132-1C", "VATEX-EU-132-1D",
  "VATEX-EU-132-1E", "VATEX-EU-132-1F", "VATEX-EU-132-1G", "VATEX-EU-132-1H", "VATEX-EU-132-1I", "VATEX-EU-132-1J",
  "VATEX-EU-132-1K", "VATEX-EU-132-1L", "VATEX-EU-132-1M", "VATEX-EU-132-1N", "VATEX-EU-132-1O", "VATEX-EU-132-1P",
  "VATEX-EU-132-1Q", "VATEX-EU-143", "VATEX-EU-143-1A", "VATEX-EU-143-1B", "VATEX-EU-143-1C", "VATEX-EU-143-1D",
  "VATEX-EU-143-1E", "VATEX-EU-143-1F", "VATEX-EU-143-1FA", "VATEX-EU-143-1G", "VATEX-EU-143-1H", "VATEX-EU-143-1I",
  "VATEX-EU-143-1J", "VATEX-EU-143-1K", "VATEX-EU-143-1L", "VATEX-EU-148", "VATEX-EU-148-A", "VATEX-EU-148-B",
  "VATEX-EU-148-C", "VATEX-EU-148-D", "VATEX-EU-148-E", "VATEX-EU-148-F", "VATEX-EU-148-G", "VATEX-EU-151",
  "VATEX-EU-151-1A", "VATEX-EU-151-1AA", "VATEX-EU-151-1B", "VATEX-EU-151-1C", "VATEX-EU-151-1D", "VATEX-EU-151-1E",
  "VATEX-EU-309", "VATEX-EU-AE", "VATEX-EU-D", "VATEX-EU-F", "VATEX-EU-G", "VATEX-EU-I", "VATEX-EU-IC", "VATEX-EU-O",
  "VATEX-EU-J", "VATEX-FR-FRANCHISE", "VATEX-FR-CNWVAT",
] as const;
const VATEX: ReadonlySet<string> = new Set(VATEX_CODES);

export interface TaxCategoryMapping {
  code: Uncl5305Code;
  exemptionReasonCode: string | null;
  exemptionReason: string | null;
}

/** Used for any (jurisdiction, category) without a stored row. */
export const DEFAULT_MAPPING: Readonly<Record<TaxCategory, TaxCategoryMapping>> = {
  standard: { code: "S", exemptionReasonCode: null, exemptionReason: null },
  reduced: { code: "S", exemptionReasonCode: null, exemptionReason: null },
  super_reduced: { code: "S", exemptionReasonCode: null, exemptionReason: null },
  zero: { code: "Z", exemptionReasonCode: null, exemptionReason: null },
  exempt: { code: "E", exemptionReasonCode: null, exemptionReason: "Exempt from VAT" },
};

const ZERO_RATE_INTERNAL: ReadonlySet<TaxCategory> = new Set(["zero", "exempt"]);

export function isUncl5305Code(value: string): value is Uncl5305Code {
  return (UNCL5305_CODES as readonly string[]).includes(value);
}

/** Trims, checks the code against the internal category and the reason rules; returns the normalised mapping. */
export function validateTaxCategoryMapping(internal: TaxCategory, input: { code: string; exemptionReasonCode?: string | null; exemptionReason?: string | null }): TaxCategoryMapping {
  const code = input.code.trim().toUpperCase();
  if (!isUncl5305Code(code)) throw invalid("unknown_vat_category", "code", `${input.code} is not a UNCL5305 VAT category code (${UNCL5305_CODES.join(", ")})`);
  const reasonCode = input.exemptionReasonCode?.trim().toUpperCase() || null;
  const reason = input.exemptionReason?.trim() || null;
  if (ZERO_RATE_INTERNAL.has(internal) && RATED.has(code)) {
    throw invalid("vat_category_needs_rate", "code", `${code} carries a positive rate; the internal category ${internal} has none (use Z, E, AE, K, G or O)`);
  }
  if (!ZERO_RATE_INTERNAL.has(internal) && !RATED.has(code)) {
    throw invalid("vat_category_zero_rate", "code", `${code} has a zero rate; the internal category ${internal} is charged (use S, L or M)`);
  }
  if (NEEDS_REASON.has(code)) {
    if (reasonCode === null && reason === null) throw invalid("exemption_reason_required", "exemptionReasonCode", `${code} (${UNCL5305_NAMES[code]}) needs an exemption reason code (VATEX) or text`);
  } else if (reasonCode !== null || reason !== null) {
    throw invalid("exemption_reason_not_allowed", reasonCode !== null ? "exemptionReasonCode" : "exemptionReason", `${code} (${UNCL5305_NAMES[code]}) takes no exemption reason`);
  }
  if (reasonCode !== null) {
    if (!VATEX.has(reasonCode)) throw invalid("unknown_vatex_code", "exemptionReasonCode", `${reasonCode} is not a VATEX code`);
    const fixed = FIXED_VATEX[code];
    if (fixed !== undefined && reasonCode !== fixed) throw invalid("vatex_code_mismatch", "exemptionReasonCode", `${code} requires ${fixed}`);
    if (fixed === undefined && Object.values(FIXED_VATEX).includes(reasonCode)) throw invalid("vatex_code_mismatch", "exemptionReasonCode", `${reasonCode} belongs to another VAT category`);
  }
  if (reason !== null && reason.length > 300) throw invalid("exemption_reason_too_long", "exemptionReason", "the exemption reason is at most 300 characters");
  return { code, exemptionReasonCode: reasonCode, exemptionReason: reason };
}

/** Does the buyer need a VAT identifier on a document with this code? (BR-AE-02, BR-IC-02) */
export function requiresBuyerVatId(code: Uncl5305Code): boolean {
  return code === "AE" || code === "K";
}

export interface StoredMapping extends TaxCategoryMapping {
  jurisdiction: string;
  internalCategory: TaxCategory;
}

/** The mapping in force for (jurisdiction, category): the stored row, else the default. */
export function mappingFor(stored: readonly StoredMapping[], jurisdiction: string, internal: TaxCategory): TaxCategoryMapping {
  const row = stored.find((m) => m.jurisdiction === jurisdiction && m.internalCategory === internal);
  if (!row) return DEFAULT_MAPPING[internal];
  return { code: row.code, exemptionReasonCode: row.exemptionReasonCode, exemptionReason: row.exemptionReason };
}
