import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { altaHuellaInput, anulacionHuellaInput, bareNif, isoWithOffset, nextRegistrationMs, QR_BASE_TEST, spanishDate, verifactuQrUrl } from "../../../workers/domain/einvoice/verifactu.ts";
import { REFERENCE_DIR } from "./en16931-validator.ts";

const huella = (text: string) => createHash("sha256").update(text, "utf8").digest("hex").toUpperCase();
const vector = JSON.parse(readFileSync(join(REFERENCE_DIR, "verifactu-vector.json"), "utf8")).verifactu_huella[0];

const case1 = {
  IDEmisorFactura: "89890001K",
  NumSerieFactura: "12345678/G33",
  FechaExpedicionFactura: "01-01-2024",
  TipoFactura: "F1" as const,
  CuotaTotal: "12.35",
  ImporteTotal: "123.45",
  HuellaAnterior: "",
  FechaHoraHusoGenRegistro: "2024-01-01T19:20:30+01:00",
};

describe("huella (AEAT spec v0.1.2 §6)", () => {
  it("case 1: the alta text and hash are exactly the published ones", () => {
    expect(altaHuellaInput(case1)).toBe(vector.input);
    expect(huella(altaHuellaInput(case1))).toBe(vector.expected);
  });

  it("case 2 (chained to case 1) and case 3 (anulación) match the values in NOTES.md", () => {
    const case2 = { ...case1, NumSerieFactura: "12345679/G34", FechaExpedicionFactura: "01-01-2024", CuotaTotal: "12.35", ImporteTotal: "123.45", HuellaAnterior: vector.expected, FechaHoraHusoGenRegistro: "2024-01-01T19:20:35+01:00" };
    expect(huella(altaHuellaInput(case2))).toBe("F7B94CFD8924EDFF273501B01EE5153E4CE8F259766F88CF6ACB8935802A2B97");
    const case3 = { IDEmisorFacturaAnulada: "89890001K", NumSerieFacturaAnulada: "12345679/G34", FechaExpedicionFacturaAnulada: "01-01-2024", HuellaAnterior: "F7B94CFD8924EDFF273501B01EE5153E4CE8F259766F88CF6ACB8935802A2B97", FechaHoraHusoGenRegistro: "2024-01-01T19:20:40+01:00" };
    expect(huella(anulacionHuellaInput(case3))).toBe("177547C0D57AC74748561D054A9CEC14B4C4EA23D1BEFD6F2E69E3A388F90C68");
  });

  it("trims values", () => {
    expect(altaHuellaInput({ ...case1, IDEmisorFactura: " 89890001K " })).toBe(vector.input);
  });
});

describe("QR URL", () => {
  it("URL-encodes the parameters (AEAT vector: 12345678&G33 → 12345678%26G33)", () => {
    expect(verifactuQrUrl(QR_BASE_TEST, { nif: "89890001K", numSerie: "12345678&G33", fecha: "01-09-2024", importe: "241.4" })).toBe(
      "https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR?nif=89890001K&numserie=12345678%26G33&fecha=01-09-2024&importe=241.4",
    );
  });
});

describe("registration time", () => {
  it("carries the branch's UTC offset, winter and summer", () => {
    expect(isoWithOffset(Date.parse("2024-01-01T18:20:30Z"), "Europe/Madrid")).toBe("2024-01-01T19:20:30+01:00");
    expect(isoWithOffset(Date.parse("2024-07-01T18:20:30Z"), "Europe/Madrid")).toBe("2024-07-01T20:20:30+02:00");
    expect(isoWithOffset(Date.parse("2024-07-01T18:20:30Z"), "Atlantic/Canary")).toBe("2024-07-01T19:20:30+01:00");
    expect(isoWithOffset(Date.parse("2024-01-01T18:20:30Z"), "UTC")).toBe("2024-01-01T18:20:30+00:00");
  });

  it("never runs backwards, and is never ahead of the clock unless the clock ran back", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }), { minLength: 1, maxLength: 50 }), (clock) => {
        let previous: number | null = null;
        for (const now of clock) {
          const next = nextRegistrationMs(now, previous);
          if (previous !== null) expect(next).toBeGreaterThanOrEqual(previous);
          expect(next).toBe(Math.max(Math.floor(now / 1000) * 1000, previous ?? 0));
          expect(next % 1000).toBe(0);
          previous = next;
        }
      }),
    );
  });

  it("stamps a burst of records in one second with that second, not seconds into the future", () => {
    let previous: number | null = null;
    const now = Date.UTC(2026, 11, 2, 3, 0, 28, 400);
    for (let i = 0; i < 132; i++) previous = nextRegistrationMs(now + i, previous);
    expect(previous).toBe(Date.UTC(2026, 11, 2, 3, 0, 28));
  });

  it("formats dates and NIFs as the record wants them", () => {
    expect(spanishDate("2024-01-31")).toBe("31-01-2024");
    expect(bareNif("ESB12345674")).toBe("B12345674");
    expect(bareNif("B12345674")).toBe("B12345674");
  });
});
