// E-invoice documents from the API: issued invoices and credit notes render as UBL from their
// frozen rows, the EN 16931 tax-category mapping is staff data that changes what is written,
// and nothing leaks across franchises or renders for a draft.
import { beforeAll, describe, expect, it } from "vitest";
import { A, B, call, callJson, createCustomer, createDraft, login, seedFixtures, seedStaff, STAFF } from "./fixtures.ts";

const address = { line1: "Calle Mayor 1", city: "Madrid", postalCode: "28013", countryCode: "ES" };
let finance: string;

beforeAll(async () => {
  await seedFixtures();
  await seedStaff();
  finance = await login(STAFF.aFinance.email);
});

async function issuedInvoice(customer: Record<string, unknown> = {}, draft: Record<string, unknown> = {}) {
  const customerId = await createCustomer({ name: "Talleres Pérez S.L.", taxId: "B87654321", address, ...customer });
  const d = await createDraft(customerId, draft);
  const issued = await callJson("POST", `/v1/invoices/${d.id}/issue`);
  expect(issued.status).toBe(200);
  return issued.body;
}

const tag = (xml: string, name: string) => [...xml.matchAll(new RegExp(`<cbc:${name}[^>]*>([^<]*)</cbc:${name}>`, "g"))].map((m) => m[1]);

describe("GET /v1/invoices/{id}/document", () => {
  it("serves the UBL invoice of an issued invoice with its frozen numbers and parties", async () => {
    const inv = await issuedInvoice({}, { lines: [{ description: "Office cleaning", quantity: 1.5, unitPrice: 12345, discountPercent: 10 }, { description: "Manuals", quantity: 2, unitPrice: 999, serviceTypeId: A.books }] });
    const res = await call("GET", `/v1/invoices/${inv.id}/document`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/xml; charset=utf-8");
    const xml = await res.text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\s*<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/);
    expect(tag(xml, "CustomizationID")).toEqual(["urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"]);
    expect(tag(xml, "ID")[0]).toBe(inv.number);
    expect(tag(xml, "PayableAmount")).toEqual([(inv.total / 100).toFixed(2)]);
    expect(tag(xml, "TaxAmount")[0]).toBe((inv.taxTotal / 100).toFixed(2));
    expect(tag(xml, "CompanyID")).toEqual(expect.arrayContaining(["ESB12345674", "ESB87654321"]));
    expect(tag(xml, "RegistrationName")).toEqual(["Alpha Cleaning Iberia S.L.", "Talleres Pérez S.L."]);
    // Two VAT breakdowns (21 % and 4 %), every amount in the document currency.
    expect(tag(xml, "Percent").slice(0, 2).sort()).toEqual(["21", "4"]);
    expect([...xml.matchAll(/currencyID="([A-Z]+)"/g)].every((m) => m[1] === "EUR")).toBe(true);
    // Same bytes every time: the document is a pure function of the frozen rows.
    const again = await (await call("GET", `/v1/invoices/${inv.id}/document`)).text();
    expect(again).toBe(xml);

    // ?format=pdf: the human-readable rendition (Spain: with the VERI*FACTU QR).
    const pdf = await call("GET", `/v1/invoices/${inv.id}/document?format=pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const bytes = new Uint8Array(await pdf.arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe("%PDF-");
    expect(bytes.length).toBeGreaterThan(5_000);
    expect((await callJson("GET", `/v1/invoices/${inv.id}/document?format=docx`)).status).toBe(400);
  });

  it("is 409 for a draft, 422 when the buyer has no postal address, 404 across franchises", async () => {
    const customerId = await createCustomer({ address });
    const draft = await createDraft(customerId);
    const res = await callJson("GET", `/v1/invoices/${draft.id}/document`);
    expect(res).toMatchObject({ status: 409, body: { code: "invoice_not_issued" } });

    const noAddress = await issuedInvoice({ address: null });
    const bad = await callJson("GET", `/v1/invoices/${noAddress.id}/document`);
    expect(bad).toMatchObject({ status: 422, body: { code: "buyer_address_missing", errors: [{ field: "buyer.address" }] } });

    const inv = await issuedInvoice();
    expect((await callJson("GET", `/v1/invoices/${inv.id}/document`, { key: B.key })).status).toBe(404);
  });
});

describe("GET /v1/credit-notes/{id}/document", () => {
  it("serves a UBL CreditNote referencing its invoice", async () => {
    const inv = await issuedInvoice();
    const note = await callJson("POST", "/v1/credit-notes", { body: { invoiceId: inv.id, reason: "one visit missed", lines: [{ description: "Visit", quantity: 1, unitPrice: 2500 }] } });
    expect(note.status).toBe(201);
    const res = await call("GET", `/v1/credit-notes/${note.body.id}/document`);
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).toContain("<CreditNote xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2\"");
    expect(tag(xml, "CreditNoteTypeCode")).toEqual(["381"]);
    expect(xml).toMatch(new RegExp(`<cac:BillingReference>\\s*<cac:InvoiceDocumentReference>\\s*<cbc:ID>${inv.number}</cbc:ID>\\s*<cbc:IssueDate>${inv.issueDate}</cbc:IssueDate>`));
    expect(tag(xml, "PayableAmount")).toEqual([(note.body.total / 100).toFixed(2)]);
    expect((await callJson("GET", `/v1/credit-notes/${note.body.id}/document`, { key: B.key })).status).toBe(404);
  });
});

describe("tax-category mappings", () => {
  it("lists defaults for every jurisdiction the franchise invoices under", async () => {
    const res = await callJson("GET", "/v1/tax-categories");
    expect(res.status).toBe(200);
    const es = res.body.data.filter((m: any) => m.jurisdiction === "ES");
    expect(es.map((m: any) => [m.internalCategory, m.code, m.source])).toEqual([
      ["standard", "S", "default"],
      ["reduced", "S", "default"],
      ["super_reduced", "S", "default"],
      ["zero", "Z", "default"],
      ["exempt", "E", "default"],
    ]);
    expect(res.body.data.some((m: any) => m.jurisdiction === "US-NY")).toBe(true);
    expect(res.body.data.some((m: any) => m.jurisdiction === "GB")).toBe(false);
  });

  it("only staff admin/finance may change it, and invalid mappings are refused naming the field", async () => {
    const partner = await callJson("PUT", "/v1/tax-categories/ES/exempt", { body: { code: "E", exemptionReasonCode: "VATEX-EU-132" } });
    expect(partner).toMatchObject({ status: 403, body: { code: "tax_staff_required" } });
    const viewer = await callJson("PUT", "/v1/tax-categories/ES/exempt", { key: await login(STAFF.aStaff.email), body: { code: "E", exemptionReasonCode: "VATEX-EU-132" } });
    expect(viewer.status).toBe(403);
    for (const [body, code, field] of [
      [{ code: "E" }, "exemption_reason_required", "exemptionReasonCode"],
      [{ code: "S" }, "vat_category_needs_rate", "code"],
      [{ code: "AE", exemptionReasonCode: "VATEX-EU-IC" }, "vatex_code_mismatch", "exemptionReasonCode"],
      [{ code: "QQ" }, "unknown_vat_category", "code"],
    ] as const) {
      const res = await callJson("PUT", "/v1/tax-categories/ES/exempt", { key: finance, body });
      expect(res, JSON.stringify(body)).toMatchObject({ status: 422, body: { code, errors: [{ field }] } });
    }
    const badJurisdiction = await callJson("PUT", "/v1/tax-categories/spain/exempt", { key: finance, body: { code: "E", exemptionReason: "x" } });
    expect(badJurisdiction.status).toBe(400);
    const listed = await callJson("GET", "/v1/tax-categories?jurisdiction=ES");
    expect(listed.body.data.every((m: any) => m.source === "default")).toBe(true);
  });

  it("a stored mapping changes the document: exempt lines carry the VATEX reason; reverse charge needs the buyer's VAT id", async () => {
    const set = await callJson("PUT", "/v1/tax-categories/ES/exempt", { key: finance, body: { code: "e", exemptionReasonCode: "vatex-eu-132-1i", exemptionReason: "  Educational services " } });
    expect(set).toMatchObject({ status: 200, body: { jurisdiction: "ES", internalCategory: "exempt", code: "E", exemptionReasonCode: "VATEX-EU-132-1I", exemptionReason: "Educational services", source: "custom", updatedBy: `staff:${STAFF.aFinance.id}` } });
    const exempt = await issuedInvoice({}, { lines: [{ description: "Course", quantity: 1, unitPrice: 50000, taxCategory: "exempt" }] });
    const xml = await (await call("GET", `/v1/invoices/${exempt.id}/document`)).text();
    expect(tag(xml, "TaxExemptionReasonCode")).toEqual(["VATEX-EU-132-1I"]);
    expect(tag(xml, "TaxExemptionReason")).toEqual(["Educational services"]);

    // Franchise B sees none of A's mapping.
    const other = await callJson("GET", "/v1/tax-categories?jurisdiction=ES", { key: B.key });
    expect(other.body.data.find((m: any) => m.internalCategory === "exempt")).toMatchObject({ code: "E", source: "default", exemptionReasonCode: null });

    expect((await callJson("PUT", "/v1/tax-categories/ES/zero", { key: finance, body: { code: "AE", exemptionReasonCode: "VATEX-EU-AE", exemptionReason: "Reverse charge" } })).status).toBe(200);
    const noVat = await issuedInvoice({ taxId: null }, { lines: [{ description: "Consulting", quantity: 1, unitPrice: 90000, taxCategory: "zero" }] });
    expect(await callJson("GET", `/v1/invoices/${noVat.id}/document`)).toMatchObject({ status: 422, body: { code: "buyer_vat_id_required", errors: [{ field: "buyer.taxId" }] } });
    const withVat = await issuedInvoice({ taxId: "DE123456789", address: { line1: "Hauptstr. 5", city: "Berlin", postalCode: "10115", countryCode: "DE" } }, { lines: [{ description: "Consulting", quantity: 1, unitPrice: 90000, taxCategory: "zero" }] });
    const rc = await (await call("GET", `/v1/invoices/${withVat.id}/document`)).text();
    expect(tag(rc, "ID")).toContain("AE");
    expect(tag(rc, "TaxExemptionReasonCode")).toEqual(["VATEX-EU-AE"]);

    const reset = await callJson("DELETE", "/v1/tax-categories/ES/zero", { key: finance });
    expect(reset).toMatchObject({ status: 200, body: { code: "Z", source: "default" } });
  });
});
