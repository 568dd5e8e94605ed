import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { renderPdfRendition } from "../../../workers/domain/einvoice/pdf-rendition.ts";
import { documentOf } from "./fixtures.ts";

const source = documentOf([
  { taxCategory: "standard", taxRatePpm: 210_000, unitPrice: 12_345, quantityMilli: 1_500, description: "Limpieza de oficina — €/h ✓" },
  { taxCategory: "reduced", taxRatePpm: 100_000, unitPrice: 4_999 },
]);

describe("PDF rendition", () => {
  it("is a loadable, deterministic PDF titled with the document number", async () => {
    const a = await renderPdfRendition(source, { verifactuQrUrl: null });
    const b = await renderPdfRendition(source, { verifactuQrUrl: null });
    expect(new TextDecoder().decode(a.slice(0, 5))).toBe("%PDF-");
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const doc = await PDFDocument.load(a);
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getTitle()).toBe("Invoice MAD-2026-000042");
    expect(doc.getCreationDate()?.toISOString()).toBe("2026-11-30T00:00:00.000Z");
  });

  it("carries the VERI*FACTU QR for Spain, and spills long invoices onto more pages", async () => {
    const plain = await renderPdfRendition(source, { verifactuQrUrl: null });
    const withQr = await renderPdfRendition(source, { verifactuQrUrl: "https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR?nif=B12345674&numserie=MAD-2026-000042&fecha=30-11-2026&importe=279.04" });
    expect(withQr.length).toBeGreaterThan(plain.length + 5_000); // hundreds of QR modules drawn
    const long = documentOf(Array.from({ length: 80 }, (_, i) => ({ taxCategory: "standard" as const, taxRatePpm: 210_000, unitPrice: 100 + i })));
    expect((await PDFDocument.load(await renderPdfRendition(long, { verifactuQrUrl: null }))).getPageCount()).toBeGreaterThan(1);
  });
});
