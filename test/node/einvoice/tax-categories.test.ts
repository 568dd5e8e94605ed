import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../../../workers/domain/errors.ts";
import { DEFAULT_MAPPING, mappingFor, UNCL5305_CODES, validateTaxCategoryMapping, VATEX_CODES } from "../../../workers/domain/einvoice/tax-categories.ts";
import { TAX_CATEGORIES } from "../../../workers/domain/tax.ts";
import { percentText, quantityText, vatIdentifier } from "../../../workers/domain/einvoice/ubl-values.ts";

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof DomainError ? `${e.code}@${e.issues[0]?.field}` : String(e);
  }
  return "ok";
};

describe("validateTaxCategoryMapping", () => {
  it.each([
    ["standard", { code: "S" }, "ok"],
    ["standard", { code: "s" }, "ok"],
    ["reduced", { code: "L" }, "ok"],
    ["standard", { code: "X" }, "unknown_vat_category@code"],
    ["standard", { code: "Z" }, "vat_category_zero_rate@code"],
    ["zero", { code: "S" }, "vat_category_needs_rate@code"],
    ["exempt", { code: "E" }, "exemption_reason_required@exemptionReasonCode"],
    ["exempt", { code: "E", exemptionReason: "   " }, "exemption_reason_required@exemptionReasonCode"],
    ["exempt", { code: "E", exemptionReasonCode: "VATEX-EU-132-1A" }, "ok"],
    ["exempt", { code: "E", exemptionReasonCode: "VATEX-EU-999" }, "unknown_vatex_code@exemptionReasonCode"],
    ["exempt", { code: "E", exemptionReasonCode: "VATEX-EU-AE" }, "vatex_code_mismatch@exemptionReasonCode"],
    ["zero", { code: "AE" }, "exemption_reason_required@exemptionReasonCode"],
    ["zero", { code: "AE", exemptionReasonCode: "VATEX-EU-IC" }, "vatex_code_mismatch@exemptionReasonCode"],
    ["zero", { code: "AE", exemptionReasonCode: "vatex-eu-ae" }, "ok"],
    ["zero", { code: "K", exemptionReason: "Intra-community supply" }, "ok"],
    ["zero", { code: "Z", exemptionReason: "why" }, "exemption_reason_not_allowed@exemptionReason"],
    ["standard", { code: "S", exemptionReasonCode: "VATEX-EU-132" }, "exemption_reason_not_allowed@exemptionReasonCode"],
    ["exempt", { code: "E", exemptionReason: "x".repeat(301) }, "exemption_reason_too_long@exemptionReason"],
  ] as const)("%s → %j: %s", (internal, input, expected) => {
    expect(codeOf(() => validateTaxCategoryMapping(internal, input))).toBe(expected);
  });

  it("every default mapping is itself valid", () => {
    for (const category of TAX_CATEGORIES) expect(validateTaxCategoryMapping(category, DEFAULT_MAPPING[category])).toEqual(DEFAULT_MAPPING[category]);
  });

  it("accepts exactly what it returns (normalisation is idempotent), and refuses with a named field otherwise", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TAX_CATEGORIES),
        fc.constantFrom(...UNCL5305_CODES, "XX"),
        fc.option(fc.constantFrom(...VATEX_CODES, "VATEX-NOPE"), { nil: null }),
        fc.option(fc.string({ maxLength: 20 }), { nil: null }),
        (internal, code, reasonCode, reason) => {
          try {
            const ok = validateTaxCategoryMapping(internal, { code, exemptionReasonCode: reasonCode, exemptionReason: reason });
            expect(validateTaxCategoryMapping(internal, ok)).toEqual(ok);
          } catch (e) {
            expect(e).toBeInstanceOf(DomainError);
            expect((e as DomainError).issues[0]?.field).toMatch(/^(code|exemptionReasonCode|exemptionReason)$/);
          }
        },
      ),
    );
  });
});

describe("mappingFor", () => {
  it("uses the stored row of the jurisdiction and falls back to the default elsewhere", () => {
    const stored = [{ jurisdiction: "ES", internalCategory: "zero" as const, code: "AE" as const, exemptionReasonCode: "VATEX-EU-AE", exemptionReason: null }];
    expect(mappingFor(stored, "ES", "zero").code).toBe("AE");
    expect(mappingFor(stored, "FR", "zero")).toEqual(DEFAULT_MAPPING.zero);
    expect(mappingFor(stored, "ES", "standard")).toEqual(DEFAULT_MAPPING.standard);
  });
});

describe("UBL value formats", () => {
  it.each([
    [210_000, "21"],
    [88_750, "8.875"],
    [55_000, "5.5"],
    [0, "0"],
  ])("rate %i ppm → %s %%", (ppm, text) => expect(percentText(ppm)).toBe(text));
  it.each([
    [1_000, "1"],
    [1_500, "1.5"],
    [1, "0.001"],
  ])("quantity %i milli → %s", (milli, text) => expect(quantityText(milli)).toBe(text));
  it.each([
    ["B12345674", "ES", "ESB12345674"],
    ["ESB12345674", "ES", "ESB12345674"],
    ["DE 123.456.789", "DE", "DE123456789"],
    ["123456789", "GR", "EL123456789"],
    [null, "ES", null],
  ])("VAT id %s in %s → %s", (id, country, out) => expect(vatIdentifier(id, country)).toBe(out));
});
