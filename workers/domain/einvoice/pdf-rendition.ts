// A human-readable PDF rendition of an e-invoice (pdf-lib, runs in a Worker): the same numbers
// as the UBL document — lines, VAT breakdown per category, totals — and, for Spain, the
// VERI*FACTU QR code (error correction M, ~35 mm) under "QR tributario:". Dates inside the PDF
// are the issue date, so the same document always renders to the same bytes.
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from "pdf-lib";
import qrcode from "qrcode-generator";
import { amountText, percentText, quantityText } from "./ubl-values.ts";
import type { EInvoiceSource } from "./ubl-document.ts";

const MM = 72 / 25.4;
const WIN_ANSI_EXTRA = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ";

/** Standard PDF fonts only encode WinAnsi: anything else is shown as "?" rather than failing. */
const printable = (text: string) => [...text].map((ch) => (ch.charCodeAt(0) <= 0xff && ch.charCodeAt(0) >= 0x20 ? ch : WIN_ANSI_EXTRA.includes(ch) ? ch : "?")).join("");

function drawQr(page: PDFPage, url: string, x: number, y: number, sizeMm: number): void {
  const qr = qrcode(0, "M");
  qr.addData(url, "Byte");
  qr.make();
  const count = qr.getModuleCount();
  const cell = (sizeMm * MM) / count;
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (qr.isDark(row, col)) page.drawRectangle({ x: x + col * cell, y: y + (count - 1 - row) * cell, width: cell, height: cell, color: rgb(0, 0, 0) });
    }
  }
}

export interface PdfExtras {
  /** Spain: the VERI*FACTU QR verification URL. */
  verifactuQrUrl: string | null;
}

export async function renderPdfRendition(source: EInvoiceSource, extras: PdfExtras): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const when = new Date(`${source.issueDate}T00:00:00.000Z`);
  pdf.setCreationDate(when);
  pdf.setModificationDate(when);
  pdf.setProducer("Ledgerline");
  pdf.setCreator("Ledgerline");
  pdf.setTitle(`${source.kind === "invoice" ? "Invoice" : "Credit note"} ${source.number}`);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const c = source.currency;
  let page = pdf.addPage([595.28, 841.89]);
  let y = 800;
  const text = (t: string, x: number, size = 9, f: PDFFont = font) => page.drawText(printable(t), { x, y, size, font: f });
  const right = (t: string, xRight: number, size = 9, f: PDFFont = font) => page.drawText(printable(t), { x: xRight - f.widthOfTextAtSize(printable(t), size), y, size, font: f });
  const line = (gap = 13) => {
    y -= gap;
    if (y < 60) {
      page = pdf.addPage([595.28, 841.89]);
      y = 800;
    }
  };

  text(source.kind === "invoice" ? "INVOICE" : "CREDIT NOTE", 40, 16, bold);
  right(source.number, 555, 12, bold);
  line(18);
  text(`Issue date: ${source.issueDate}`, 40);
  if (source.dueDate) right(`Due date: ${source.dueDate}`, 555);
  if (source.billingReference) right(`Corrects invoice ${source.billingReference.number} of ${source.billingReference.issueDate}`, 555);
  line(22);
  const partyTop = y;
  const party = (title: string, name: string, taxId: string | null, a: EInvoiceSource["seller"]["address"], x: number) => {
    y = partyTop;
    text(title, x, 8, bold);
    line(12);
    text(name, x, 10, bold);
    for (const l of [a?.line1, a?.line2, a ? `${a.postalCode} ${a.city}${a.region ? `, ${a.region}` : ""}` : null, a?.countryCode, taxId ? `Tax id: ${taxId}` : null]) {
      if (!l) continue;
      line(12);
      text(l, x);
    }
    return y;
  };
  const afterSeller = party("SELLER", source.seller.legalName, source.seller.taxId, source.seller.address, 40);
  const afterBuyer = party("BUYER", source.buyer.name, source.buyer.taxId, source.buyer.address, 320);
  y = Math.min(afterSeller, afterBuyer);
  line(26);
  text("#", 40, 8, bold);
  text("Description", 60, 8, bold);
  right("Qty", 330, 8, bold);
  right("Unit price", 400, 8, bold);
  right("VAT", 445, 8, bold);
  right(`Net (${c})`, 555, 8, bold);
  for (const l of source.lines) {
    line();
    text(String(l.position), 40);
    text(l.description.slice(0, 60), 60);
    right(quantityText(l.quantityMilli), 330);
    right(amountText(l.unitPrice, c), 400);
    right(`${source.mapping[l.taxCategory].code} ${percentText(l.taxRatePpm)}%`, 445);
    right(amountText(l.netAmount, c), 555);
  }
  line(24);
  text("VAT breakdown", 300, 8, bold);
  for (const g of source.taxBreakdown) {
    const m = source.mapping[g.category];
    line();
    text(`${m.code} ${percentText(g.ratePpm)}% on ${amountText(g.taxableAmount, c)}${m.exemptionReasonCode ? ` (${m.exemptionReasonCode})` : ""}`, 300);
    right(amountText(g.taxAmount, c), 555);
  }
  line(20);
  for (const [label, value, f] of [
    ["Total without VAT", source.subtotal, font],
    ["VAT", source.taxTotal, font],
    [`Total ${c}`, source.total, bold],
  ] as const) {
    text(label, 300, 10, f);
    right(amountText(value, c), 555, 10, f);
    line(15);
  }
  if (source.note) {
    line(10);
    text(source.note.slice(0, 100), 40, 9);
  }
  if (extras.verifactuQrUrl) {
    line(20);
    text("QR tributario:", 40, 9, bold);
    y -= 40 * MM;
    drawQr(page, extras.verifactuQrUrl, 40, y, 35);
    page.drawText("VERI*FACTU", { x: 40 + 38 * MM, y: y + 16 * MM, size: 10, font: bold });
  }
  return pdf.save({ useObjectStreams: false });
}
