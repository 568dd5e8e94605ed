// Every kind of document Ledgerline issues passes the official EN 16931 UBL rules with 0 fatal,
// and the harness itself is sane: the official examples pass, and an edited total fails with
// the BR-CO rule that guards it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderUblDocument } from "../../../workers/domain/einvoice/ubl-document.ts";
import { fatalOf, REFERENCE_DIR, validateEn16931 } from "./en16931-validator.ts";
import { documentOf } from "./fixtures.ts";

const example = (name: string) => readFileSync(join(REFERENCE_DIR, "einvoice-examples", name), "utf8");

describe("the EN 16931 harness", () => {
  it.each(["ubl-tc434-example1.xml", "ubl-tc434-creditnote1.xml"])("passes the official example %s", async (name) => {
    expect(fatalOf(await validateEn16931(example(name)))).toEqual([]);
  });

  it("reports BR-CO-16 when the payable amount of an official example is edited", async () => {
    const edited = example("ubl-tc434-example1.xml").replace(/(<cbc:PayableAmount currencyID="EUR">)([\d.]+)</, (_, open, v) => `${open}${(Number(v) + 1).toFixed(2)}<`);
    expect(fatalOf(await validateEn16931(edited)).map((a) => a.id)).toContain("BR-CO-16");
  });
});

const cases = {
  "standard and reduced rates": documentOf([
    { taxCategory: "standard", taxRatePpm: 210_000, unitPrice: 12_345, quantityMilli: 1_500 },
    { taxCategory: "reduced", taxRatePpm: 100_000, unitPrice: 4_999, quantityMilli: 3_000 },
    { taxCategory: "super_reduced", taxRatePpm: 40_000, unitPrice: 1_000 },
  ]),
  "zero-rated": documentOf([
    { taxCategory: "zero", taxRatePpm: 0, unitPrice: 50_000 },
    { taxCategory: "standard", taxRatePpm: 210_000, unitPrice: 10_000 },
  ]),
  "exempt with a VATEX reason": documentOf([{ taxCategory: "exempt", taxRatePpm: 0, unitPrice: 80_000 }], {}, {
    exempt: { code: "E", exemptionReasonCode: "VATEX-EU-132-1I", exemptionReason: "Educational services, art. 132(1)(i)" },
  }),
  "reverse charge (AE) to an EU business buyer": documentOf(
    [{ taxCategory: "zero", taxRatePpm: 0, unitPrice: 250_000 }],
    { buyer: { name: "Kunde GmbH", taxId: "DE123456789", address: { line1: "Hauptstr. 5", city: "Berlin", postalCode: "10115", countryCode: "DE" }, email: null } },
    { zero: { code: "AE", exemptionReasonCode: "VATEX-EU-AE", exemptionReason: "Reverse charge" } },
  ),
  "line discounts (percentage and fixed) with service periods": documentOf([
    { taxCategory: "standard", taxRatePpm: 210_000, unitPrice: 9_999, quantityMilli: 2_250, discountBps: 1_250, discountAmount: 333, servicePeriodStart: "2026-11-01", servicePeriodEnd: "2026-11-30" },
    { taxCategory: "standard", taxRatePpm: 210_000, unitPrice: 1, quantityMilli: 1 },
  ]),
  "no due date and a memo": documentOf([{ taxCategory: "standard", taxRatePpm: 200_000, unitPrice: 1_000 }], { dueDate: null, note: "Thank you & see you soon <3" }),
  "a zero-decimal currency (JPY)": documentOf([{ taxCategory: "standard", taxRatePpm: 100_000, unitPrice: 12_345, quantityMilli: 1_333 }], { currency: "JPY" }),
  "credit note referencing its invoice": documentOf([{ taxCategory: "standard", taxRatePpm: 210_000, unitPrice: 5_000 }], {
    kind: "credit_note",
    number: "MAD-CN-2026-000007",
    dueDate: null,
    note: "Returned goods",
    billingReference: { number: "MAD-2026-000042", issueDate: "2026-11-30" },
  }),
  "credit note for an exempt line": documentOf([{ taxCategory: "exempt", taxRatePpm: 0, unitPrice: 7_000 }], { kind: "credit_note", number: "CN-2", dueDate: null, billingReference: { number: "INV-1", issueDate: "2026-10-01" } }),
};

describe("documents Ledgerline renders", () => {
  it.each(Object.entries(cases))("%s: 0 fatal EN 16931 errors", async (_name, source) => {
    const xml = renderUblDocument(source);
    const fatal = fatalOf(await validateEn16931(xml));
    expect(fatal, xml).toEqual([]);
  });

  it("a one-cent edit of a rendered total is caught by the official rules", async () => {
    const xml = renderUblDocument(cases["standard and reduced rates"]);
    const edited = xml.replace(/(<cbc:TaxInclusiveAmount currencyID="EUR">)(\d+)\.(\d\d)/, (_, open, whole, cents) => `${open}${whole}.${String(Number(cents) === 99 ? 98 : Number(cents) + 1).padStart(2, "0")}`);
    expect(edited).not.toBe(xml);
    expect(fatalOf(await validateEn16931(edited)).map((a) => a.id)).toEqual(expect.arrayContaining(["BR-CO-15"]));
  });
});
