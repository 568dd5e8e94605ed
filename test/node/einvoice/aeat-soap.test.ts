// The AEAT VERI*FACTU SOAP request and answer (workers/domain/einvoice/aeat-soap.ts): the
// request carries Cabecera + RegistroFactura in chain order with the AEAT's namespaces and
// Encadenamiento (PrimerRegistro for the first record, RegistroAnterior naming the previous one),
// reads back field for field (property: any chain of records), and the answer's EstadoEnvio /
// EstadoRegistro / CodigoErrorRegistro / TiempoEsperaEnvio / CSV and SOAP Faults are read.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AEAT_NS, buildSubmissionXml, parseSubmissionAnswer, parseSubmissionXml, type SubmissionRecord } from "../../../workers/domain/einvoice/aeat-soap.ts";

const sistema = { producerName: "Ledgerline", producerNif: "B00000000", name: "Ledgerline", id: "LL", version: "1.0", installation: "fr_test" };
const H = (c: string) => c.repeat(64);

function alta(n: number, previous: SubmissionRecord["previous"]): SubmissionRecord {
  return {
    type: "alta",
    issuerName: "Alpha & Co <Iberia>",
    description: "Prestación de servicios",
    previous,
    record: { IDEmisorFactura: "B12345674", NumSerieFactura: `MAD1-2026-${n}`, FechaExpedicionFactura: "01-12-2026", TipoFactura: "F1", CuotaTotal: "52.50", ImporteTotal: "302.50", HuellaAnterior: previous?.Huella ?? "", FechaHoraHusoGenRegistro: "2026-12-01T10:00:00+01:00", Huella: H(String(n % 10)) },
  };
}

describe("RegFactuSistemaFacturacion", () => {
  it("builds the envelope with the AEAT namespaces, the first record marked PrimerRegistro and the next naming it", () => {
    const a = alta(1, null);
    const b = alta(2, { IDEmisorFactura: "B12345674", NumSerieFactura: "MAD1-2026-1", FechaExpedicionFactura: "01-12-2026", Huella: H("1") });
    const an: SubmissionRecord = { type: "anulacion", previous: { IDEmisorFactura: "B12345674", NumSerieFactura: "MAD1-2026-2", FechaExpedicionFactura: "01-12-2026", Huella: H("2") }, record: { IDEmisorFacturaAnulada: "B12345674", NumSerieFacturaAnulada: "MAD1-2026-1", FechaExpedicionFacturaAnulada: "01-12-2026", HuellaAnterior: H("2"), FechaHoraHusoGenRegistro: "2026-12-01T10:05:00+01:00", Huella: H("A") } };
    const xml = buildSubmissionXml({ issuer: { nif: "B12345674", name: "Alpha & Co <Iberia>" }, sistema, records: [a, b, an] });
    expect(xml).toContain(`xmlns:sum="${AEAT_NS.sum}"`);
    expect(xml).toContain(`xmlns:sum1="${AEAT_NS.sum1}"`);
    expect(xml).toContain("Alpha &amp; Co &lt;Iberia&gt;");
    const back = parseSubmissionXml(xml)!;
    expect(back.nif).toBe("B12345674");
    expect(back.records.map((r) => r.type)).toEqual(["alta", "alta", "anulacion"]);
    expect(back.records[0]!.fields.Encadenamiento).toEqual({ PrimerRegistro: "S" });
    expect(back.records[1]!.fields.Encadenamiento.RegistroAnterior).toEqual({ IDEmisorFactura: "B12345674", NumSerieFactura: "MAD1-2026-1", FechaExpedicionFactura: "01-12-2026", Huella: H("1") });
    expect(back.records[1]!.fields).toMatchObject({ IDVersion: "1.0", TipoFactura: "F1", CuotaTotal: "52.50", ImporteTotal: "302.50", TipoHuella: "01", Huella: H("2"), SistemaInformatico: { NumeroInstalacion: "fr_test", IdSistemaInformatico: "LL" } });
    expect(back.records[2]!.fields.IDFactura).toEqual({ IDEmisorFacturaAnulada: "B12345674", NumSerieFacturaAnulada: "MAD1-2026-1", FechaExpedicionFacturaAnulada: "01-12-2026" });
  });

  it("carries any chain of 1 to 1000 records in order and refuses an empty or oversized one", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), (n) => {
        const records: SubmissionRecord[] = [];
        for (let i = 1; i <= n; i++) records.push(alta(i, i === 1 ? null : { IDEmisorFactura: "B12345674", NumSerieFactura: `MAD1-2026-${i - 1}`, FechaExpedicionFactura: "01-12-2026", Huella: H(String((i - 1) % 10)) }));
        const back = parseSubmissionXml(buildSubmissionXml({ issuer: { nif: "B12345674", name: "A" }, sistema, records }))!;
        expect(back.records.map((r) => r.fields.IDFactura.NumSerieFactura)).toEqual(records.map((r) => (r.type === "alta" ? r.record.NumSerieFactura : "")));
      }),
      { numRuns: 30 },
    );
    expect(() => buildSubmissionXml({ issuer: { nif: "B12345674", name: "A" }, sistema, records: [] })).toThrow(RangeError);
    expect(() => buildSubmissionXml({ issuer: { nif: "B12345674", name: "A" }, sistema, records: Array.from({ length: 1001 }, (_, i) => alta(i + 1, null)) })).toThrow(RangeError);
  });
});

describe("the AEAT's answer", () => {
  const env = (body: string) => `<?xml version="1.0"?><env:Envelope xmlns:env="${AEAT_NS.soapenv}"><env:Body>${body}</env:Body></env:Envelope>`;
  it("reads EstadoEnvio, CSV, TiempoEsperaEnvio and each line's EstadoRegistro and CodigoErrorRegistro", () => {
    const xml = env(
      `<tikR:RespuestaRegFactuSistemaFacturacion xmlns:tikR="${AEAT_NS.tikR}" xmlns:tik="${AEAT_NS.sum1}"><tikR:CSV>A-YDSW8NLFLANWPM</tikR:CSV><tikR:TiempoEsperaEnvio>60</tikR:TiempoEsperaEnvio><tikR:EstadoEnvio>ParcialmenteCorrecto</tikR:EstadoEnvio>` +
        `<tikR:RespuestaLinea><tikR:IDFactura><tik:IDEmisorFactura>B12345674</tik:IDEmisorFactura><tik:NumSerieFactura>F-1</tik:NumSerieFactura></tikR:IDFactura><tikR:Operacion><tik:TipoOperacion>Alta</tik:TipoOperacion></tikR:Operacion><tikR:EstadoRegistro>Correcto</tikR:EstadoRegistro></tikR:RespuestaLinea>` +
        `<tikR:RespuestaLinea><tikR:IDFactura><tik:IDEmisorFactura>B12345674</tik:IDEmisorFactura><tik:NumSerieFactura>F-2</tik:NumSerieFactura></tikR:IDFactura><tikR:Operacion><tik:TipoOperacion>Alta</tik:TipoOperacion></tikR:Operacion><tikR:EstadoRegistro>Incorrecto</tikR:EstadoRegistro><tikR:CodigoErrorRegistro>1105</tikR:CodigoErrorRegistro><tikR:DescripcionErrorRegistro>NIF no identificado</tikR:DescripcionErrorRegistro></tikR:RespuestaLinea>` +
        `</tikR:RespuestaRegFactuSistemaFacturacion>`,
    );
    expect(parseSubmissionAnswer(xml)).toEqual({
      kind: "response",
      estadoEnvio: "ParcialmenteCorrecto",
      csv: "A-YDSW8NLFLANWPM",
      tiempoEsperaEnvio: 60,
      lines: [
        { numSerie: "F-1", tipoOperacion: "Alta", estado: "Correcto", codigo: null, descripcion: null },
        { numSerie: "F-2", tipoOperacion: "Alta", estado: "Incorrecto", codigo: "1105", descripcion: "NIF no identificado" },
      ],
    });
  });

  it("reads a SOAP Fault, and says when a body is neither", () => {
    expect(parseSubmissionAnswer(env("<env:Fault><faultcode>env:Client</faultcode><faultstring>Codigo[4102].El XML no cumple el esquema</faultstring></env:Fault>"))).toEqual({ kind: "fault", code: "env:Client", message: "Codigo[4102].El XML no cumple el esquema" });
    expect(parseSubmissionAnswer("<html><body>503 Service Unavailable</body></html>").kind).toBe("unreadable");
    expect(parseSubmissionAnswer(env(`<x:Other xmlns:x="urn:x"/>`)).kind).toBe("unreadable");
    expect(parseSubmissionAnswer(env(`<tikR:RespuestaRegFactuSistemaFacturacion xmlns:tikR="${AEAT_NS.tikR}"><tikR:EstadoEnvio>Quizas</tikR:EstadoEnvio></tikR:RespuestaRegFactuSistemaFacturacion>`)).kind).toBe("unreadable");
  });
});
