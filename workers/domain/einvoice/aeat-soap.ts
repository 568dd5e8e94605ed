// The AEAT VERI*FACTU web service (SOAP 1.1, operation RegFactuSistemaFacturacion): the request
// that carries up to 1000 billing records of one issuer (Cabecera + RegistroFactura, each a
// RegistroAlta or a RegistroAnulacion with its Encadenamiento to the previous record), and the
// reading of its answer (EstadoEnvio, TiempoEsperaEnvio, CSV, one RespuestaLinea per record with
// EstadoRegistro Correcto / AceptadoConErrores / Incorrecto and CodigoErrorRegistro), or of a
// SOAP Fault that refuses the whole message. Element names follow the AEAT's SuministroLR.xsd /
// SuministroInformacion.xsd / RespuestaSuministro.xsd; built with xmlbuilder2, read with
// fast-xml-parser (namespace prefixes dropped, every value kept as text).
import { XMLParser } from "fast-xml-parser";
import { create } from "xmlbuilder2";
import type { XMLBuilder } from "xmlbuilder2/lib/interfaces";
import type { AltaRecord, AnulacionRecord } from "./verifactu.ts";

const WS = "https://www2.agenciatributaria.gob.es/static_files/common/internet/dep/aplicaciones/es/aeat/tike/cont/ws";
export const AEAT_NS = {
  soapenv: "http://schemas.xmlsoap.org/soap/envelope/",
  sum: `${WS}/SuministroLR.xsd`,
  sum1: `${WS}/SuministroInformacion.xsd`,
  tikR: `${WS}/RespuestaSuministro.xsd`,
} as const;

/** The service path under the AEAT host (test: prewww1.aeat.es, production: www1.agenciatributaria.gob.es). */
export const AEAT_SERVICE_PATH = "/wlpl/TIKE-CONT/ws/SistemaFacturacion/VerifactuSOAP";

/** The billing system (SIF) that produced the records, sent with each one. */
export interface SistemaInformatico {
  producerName: string;
  producerNif: string;
  name: string;
  /** Two characters, assigned by the producer. */
  id: string;
  version: string;
  /** One installation per franchise: each is its own chain per issuer. */
  installation: string;
}

export type SubmissionRecord =
  | { type: "alta"; record: AltaRecord & { Huella: string }; issuerName: string; description: string; previous: PreviousRecordId | null }
  | { type: "anulacion"; record: AnulacionRecord & { Huella: string }; previous: PreviousRecordId | null };

/** What Encadenamiento/RegistroAnterior names: the previous record's invoice id and huella. */
export interface PreviousRecordId {
  IDEmisorFactura: string;
  NumSerieFactura: string;
  FechaExpedicionFactura: string;
  Huella: string;
}

export interface SubmissionRequest {
  issuer: { nif: string; name: string };
  sistema: SistemaInformatico;
  records: readonly SubmissionRecord[];
}

export const MAX_RECORDS_PER_SUBMISSION = 1000;

function encadenamiento(parent: XMLBuilder, previous: PreviousRecordId | null) {
  const e = parent.ele("sum1:Encadenamiento");
  if (!previous) {
    e.ele("sum1:PrimerRegistro").txt("S");
    return;
  }
  const a = e.ele("sum1:RegistroAnterior");
  a.ele("sum1:IDEmisorFactura").txt(previous.IDEmisorFactura);
  a.ele("sum1:NumSerieFactura").txt(previous.NumSerieFactura);
  a.ele("sum1:FechaExpedicionFactura").txt(previous.FechaExpedicionFactura);
  a.ele("sum1:Huella").txt(previous.Huella);
}

function sistemaInformatico(parent: XMLBuilder, s: SistemaInformatico) {
  const e = parent.ele("sum1:SistemaInformatico");
  e.ele("sum1:NombreRazon").txt(s.producerName);
  e.ele("sum1:NIF").txt(s.producerNif);
  e.ele("sum1:NombreSistemaInformatico").txt(s.name);
  e.ele("sum1:IdSistemaInformatico").txt(s.id);
  e.ele("sum1:Version").txt(s.version);
  e.ele("sum1:NumeroInstalacion").txt(s.installation);
  e.ele("sum1:TipoUsoPosibleSoloVerifactu").txt("S");
  e.ele("sum1:TipoUsoPosibleMultiOT").txt("S");
  e.ele("sum1:IndicadorMultiplesOT").txt("S");
}

/** The SOAP envelope for one submission; records in chain order. */
export function buildSubmissionXml(req: SubmissionRequest): string {
  if (req.records.length === 0 || req.records.length > MAX_RECORDS_PER_SUBMISSION) throw new RangeError(`a submission carries 1 to ${MAX_RECORDS_PER_SUBMISSION} records`);
  const doc = create({ version: "1.0", encoding: "UTF-8" });
  const body = doc
    .ele("soapenv:Envelope", { "xmlns:soapenv": AEAT_NS.soapenv, "xmlns:sum": AEAT_NS.sum, "xmlns:sum1": AEAT_NS.sum1 })
    .ele("soapenv:Header")
    .up()
    .ele("soapenv:Body")
    .ele("sum:RegFactuSistemaFacturacion");
  const obligado = body.ele("sum:Cabecera").ele("sum1:ObligadoEmision");
  obligado.ele("sum1:NombreRazon").txt(req.issuer.name);
  obligado.ele("sum1:NIF").txt(req.issuer.nif);
  for (const item of req.records) {
    const rf = body.ele("sum:RegistroFactura");
    if (item.type === "alta") {
      const r = item.record;
      const alta = rf.ele("sum1:RegistroAlta");
      alta.ele("sum1:IDVersion").txt("1.0");
      const id = alta.ele("sum1:IDFactura");
      id.ele("sum1:IDEmisorFactura").txt(r.IDEmisorFactura);
      id.ele("sum1:NumSerieFactura").txt(r.NumSerieFactura);
      id.ele("sum1:FechaExpedicionFactura").txt(r.FechaExpedicionFactura);
      alta.ele("sum1:NombreRazonEmisor").txt(item.issuerName);
      alta.ele("sum1:TipoFactura").txt(r.TipoFactura);
      if (r.TipoFactura.startsWith("R")) alta.ele("sum1:TipoRectificativa").txt("I");
      alta.ele("sum1:DescripcionOperacion").txt(item.description);
      alta.ele("sum1:CuotaTotal").txt(r.CuotaTotal);
      alta.ele("sum1:ImporteTotal").txt(r.ImporteTotal);
      encadenamiento(alta, item.previous);
      sistemaInformatico(alta, req.sistema);
      alta.ele("sum1:FechaHoraHusoGenRegistro").txt(r.FechaHoraHusoGenRegistro);
      alta.ele("sum1:TipoHuella").txt("01");
      alta.ele("sum1:Huella").txt(r.Huella);
    } else {
      const r = item.record;
      const an = rf.ele("sum1:RegistroAnulacion");
      an.ele("sum1:IDVersion").txt("1.0");
      const id = an.ele("sum1:IDFactura");
      id.ele("sum1:IDEmisorFacturaAnulada").txt(r.IDEmisorFacturaAnulada);
      id.ele("sum1:NumSerieFacturaAnulada").txt(r.NumSerieFacturaAnulada);
      id.ele("sum1:FechaExpedicionFacturaAnulada").txt(r.FechaExpedicionFacturaAnulada);
      encadenamiento(an, item.previous);
      sistemaInformatico(an, req.sistema);
      an.ele("sum1:FechaHoraHusoGenRegistro").txt(r.FechaHoraHusoGenRegistro);
      an.ele("sum1:TipoHuella").txt("01");
      an.ele("sum1:Huella").txt(r.Huella);
    }
  }
  return doc.end({ prettyPrint: false });
}

export type EstadoRegistro = "Correcto" | "AceptadoConErrores" | "Incorrecto";

export interface ResponseLine {
  numSerie: string;
  tipoOperacion: "Alta" | "Anulacion";
  estado: EstadoRegistro;
  codigo: string | null;
  descripcion: string | null;
}

export type SubmissionAnswer =
  | { kind: "response"; estadoEnvio: "Correcto" | "ParcialmenteCorrecto" | "Incorrecto"; csv: string | null; tiempoEsperaEnvio: number | null; lines: ResponseLine[] }
  | { kind: "fault"; code: string; message: string }
  | { kind: "unreadable"; detail: string };

const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false, trimValues: true, isArray: (name) => name === "RespuestaLinea" || name === "RegistroFactura" });

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : null);

/** Reads the AEAT's answer: a RespuestaRegFactuSistemaFacturacion, a SOAP Fault, or neither. */
export function parseSubmissionAnswer(xml: string): SubmissionAnswer {
  let tree: Record<string, any>;
  try {
    tree = parser.parse(xml) as Record<string, any>;
  } catch (e) {
    return { kind: "unreadable", detail: `not XML: ${(e as Error).message}` };
  }
  const body = tree?.Envelope?.Body;
  if (!body) return { kind: "unreadable", detail: "no SOAP Body" };
  if (body.Fault) return { kind: "fault", code: text(body.Fault.faultcode) ?? "soapenv:Server", message: text(body.Fault.faultstring) ?? "SOAP Fault" };
  const r = body.RespuestaRegFactuSistemaFacturacion;
  if (!r) return { kind: "unreadable", detail: "no RespuestaRegFactuSistemaFacturacion" };
  const estadoEnvio = text(r.EstadoEnvio);
  if (estadoEnvio !== "Correcto" && estadoEnvio !== "ParcialmenteCorrecto" && estadoEnvio !== "Incorrecto") return { kind: "unreadable", detail: `unknown EstadoEnvio ${estadoEnvio}` };
  const wait = text(r.TiempoEsperaEnvio);
  const lines: ResponseLine[] = [];
  for (const l of asArray<any>(r.RespuestaLinea)) {
    const estado = text(l.EstadoRegistro);
    if (estado !== "Correcto" && estado !== "AceptadoConErrores" && estado !== "Incorrecto") return { kind: "unreadable", detail: `unknown EstadoRegistro ${estado}` };
    const id = l.IDFactura ?? {};
    lines.push({
      numSerie: text(id.NumSerieFactura) ?? text(id.NumSerieFacturaAnulada) ?? "",
      tipoOperacion: text(l.Operacion?.TipoOperacion) === "Anulacion" ? "Anulacion" : "Alta",
      estado,
      codigo: text(l.CodigoErrorRegistro),
      descripcion: text(l.DescripcionErrorRegistro),
    });
  }
  return { kind: "response", estadoEnvio, csv: text(r.CSV), tiempoEsperaEnvio: wait !== null && /^\d+$/.test(wait) ? Number(wait) : null, lines };
}

/** Reads a submission request back (the fake AEAT's side, and tests). */
export function parseSubmissionXml(xml: string): { nif: string; name: string; records: Array<{ type: "alta" | "anulacion"; fields: Record<string, any> }> } | null {
  let tree: Record<string, any>;
  try {
    tree = parser.parse(xml) as Record<string, any>;
  } catch {
    return null;
  }
  const req = tree?.Envelope?.Body?.RegFactuSistemaFacturacion;
  const obligado = req?.Cabecera?.ObligadoEmision;
  if (!req || !obligado) return null;
  const records = asArray<any>(req.RegistroFactura).map((rf) => (rf.RegistroAlta ? { type: "alta" as const, fields: rf.RegistroAlta } : { type: "anulacion" as const, fields: rf.RegistroAnulacion ?? {} }));
  return { nif: text(obligado.NIF) ?? "", name: text(obligado.NombreRazon) ?? "", records };
}
