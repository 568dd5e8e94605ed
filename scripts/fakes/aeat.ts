// A local AEAT VERI*FACTU web service (POST /wlpl/TIKE-CONT/ws/SistemaFacturacion/VerifactuSOAP,
// SOAP RegFactuSistemaFacturacion). Per record it recomputes the huella from the fields the AEAT
// hashes, checks the chain (one chain per issuer NIF and SIF installation: the first record says
// PrimerRegistro, every other names the previous record and its huella in RegistroAnterior) and
// answers a RespuestaLinea Correcto / AceptadoConErrores / Incorrecto with CodigoErrorRegistro;
// a record already registered is Incorrecto 3000 ("duplicado", as the AEAT answers it). The
// answer carries TiempoEsperaEnvio (the wait the AEAT asks for before the next submission, unless
// 1000 records are waiting); a submission that arrives before it elapsed is flagged "early" in
// /_fake/requests. A request that is not a readable submission gets a SOAP Fault (4102).
// Codes other than 3000 are this fake's own (the AEAT's list is longer): 1100 a field missing or
// malformed, 1200 huella does not match the fields, 1300 chain broken, 1400 anulación of an
// unknown invoice.
// Control surface:
//   GET  /_fake/requests?nif=X      submissions received (records in order, with the answer)
//   GET  /_fake/registered?nif=X    records registered (accepted), per chain
//   POST /_fake/faults {"next": ["5xx" | "timeout", ...], "timeoutMs": 5000}   whole-request faults, one per request
//   POST /_fake/outcomes {"<NumSerieFactura>": {"estado": "Incorrecto" | "AceptadoConErrores", "codigo", "descripcion"}}
//   POST /_fake/config {"tiempoEsperaEnvio": 60}
//   POST /_fake/reset
import { createHash } from "node:crypto";
import { AEAT_NS, AEAT_SERVICE_PATH, parseSubmissionXml } from "../../workers/domain/einvoice/aeat-soap.ts";
import type { FakeDefinition } from "./fake-server.ts";

interface Registered {
  type: "alta" | "anulacion";
  nif: string;
  numSerie: string;
  fecha: string;
  huella: string;
  estado: "Correcto" | "AceptadoConErrores";
}

interface Line {
  numSerie: string;
  type: "alta" | "anulacion";
  estado: "Correcto" | "AceptadoConErrores" | "Incorrecto";
  codigo?: string;
  descripcion?: string;
}

const sha256Upper = (text: string) => createHash("sha256").update(text, "utf8").digest("hex").toUpperCase();
const s = (v: unknown) => (typeof v === "string" ? v.trim() : typeof v === "number" ? String(v) : "");

function expectedHuella(type: "alta" | "anulacion", f: Record<string, any>): string {
  const previous = s(f.Encadenamiento?.RegistroAnterior?.Huella);
  const text =
    type === "alta"
      ? `IDEmisorFactura=${s(f.IDFactura?.IDEmisorFactura)}&NumSerieFactura=${s(f.IDFactura?.NumSerieFactura)}&FechaExpedicionFactura=${s(f.IDFactura?.FechaExpedicionFactura)}&TipoFactura=${s(f.TipoFactura)}&CuotaTotal=${s(f.CuotaTotal)}&ImporteTotal=${s(f.ImporteTotal)}&Huella=${previous}&FechaHoraHusoGenRegistro=${s(f.FechaHoraHusoGenRegistro)}`
      : `IDEmisorFacturaAnulada=${s(f.IDFactura?.IDEmisorFacturaAnulada)}&NumSerieFacturaAnulada=${s(f.IDFactura?.NumSerieFacturaAnulada)}&FechaExpedicionFacturaAnulada=${s(f.IDFactura?.FechaExpedicionFacturaAnulada)}&Huella=${previous}&FechaHoraHusoGenRegistro=${s(f.FechaHoraHusoGenRegistro)}`;
  return sha256Upper(text);
}

const esc = (v: string) => v.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function soap(inner: string): Response {
  return new Response(`<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="${AEAT_NS.soapenv}"><env:Body>${inner}</env:Body></env:Envelope>`, { headers: { "content-type": "text/xml; charset=utf-8" } });
}

function fault(code: string, message: string): Response {
  const r = soap(`<env:Fault><faultcode>env:Client</faultcode><faultstring>Codigo[${esc(code)}].${esc(message)}</faultstring></env:Fault>`);
  return new Response(r.body, { status: 500, headers: r.headers });
}

export const aeatFake: FakeDefinition = {
  name: "aeat",
  standsInFor: "AEAT VERI*FACTU SOAP service (RegFactuSistemaFacturacion)",
  envVar: "AEAT_BASE_URL",
  purpose: "checks huellas and chains, answers Correcto/AceptadoConErrores/Incorrecto, 5xx/timeouts on demand; GET /_fake/requests",
  create() {
    let registered = new Map<string, Registered[]>();
    // The last record received in each chain that passed the checks, registered or not: the next one links to it.
    let heads = new Map<string, { numSerie: string; fecha: string; huella: string }>();
    let lastSubmissionAt = new Map<string, number>();
    let requests: Array<{ at: string; early: boolean; nif: string; installation: string; records: Array<{ type: string; numSerie: string; huella: string }>; lines: Line[] }> = [];
    let faults: string[] = [];
    let timeoutMs = 5_000;
    let outcomes: Record<string, { estado: "Incorrecto" | "AceptadoConErrores"; codigo: string; descripcion: string }> = {};
    let tiempoEsperaEnvio = 0;
    let csvSeq = 0;
    return async (request) => {
      const url = new URL(request.url);
      const path = url.pathname;
      if (path === "/_fake/requests" && request.method === "GET") {
        const nif = url.searchParams.get("nif");
        return Response.json(nif ? requests.filter((r) => r.nif === nif) : requests);
      }
      if (path === "/_fake/registered" && request.method === "GET") {
        const nif = url.searchParams.get("nif");
        return Response.json(Object.fromEntries([...registered].filter(([k]) => !nif || k.startsWith(`${nif}|`))));
      }
      if (path === "/_fake/faults" && request.method === "POST") {
        const body = (await request.json()) as { next?: string[]; timeoutMs?: number };
        faults = [...(body.next ?? [])];
        if (body.timeoutMs) timeoutMs = body.timeoutMs;
        return Response.json({ faults, timeoutMs });
      }
      if (path === "/_fake/outcomes" && request.method === "POST") {
        outcomes = { ...outcomes, ...((await request.json()) as typeof outcomes) };
        return Response.json(outcomes);
      }
      if (path === "/_fake/config" && request.method === "POST") {
        const body = (await request.json()) as { tiempoEsperaEnvio?: number };
        if (body.tiempoEsperaEnvio !== undefined) tiempoEsperaEnvio = body.tiempoEsperaEnvio;
        return Response.json({ tiempoEsperaEnvio });
      }
      if (path === "/_fake/reset" && request.method === "POST") {
        registered = new Map();
        heads = new Map();
        lastSubmissionAt = new Map();
        requests = [];
        faults = [];
        outcomes = {};
        tiempoEsperaEnvio = 0;
        return Response.json({ ok: true });
      }
      if (path !== AEAT_SERVICE_PATH || request.method !== "POST") return new Response("not found", { status: 404 });

      const injected = faults.shift();
      if (injected === "5xx") return new Response("<html><body>503 Service Unavailable</body></html>", { status: 503, headers: { "content-type": "text/html" } });
      if (injected === "timeout") {
        await new Promise((r) => setTimeout(r, timeoutMs));
        return new Response("gateway timeout", { status: 504 });
      }

      const parsed = parseSubmissionXml(await request.text());
      if (!parsed || !/^[A-Z0-9]{9}$/.test(parsed.nif)) return fault("4102", "El XML no cumple con el esquema. Falta Cabecera/ObligadoEmision o NIF no valido.");
      if (parsed.records.length === 0 || parsed.records.length > 1000) return fault("4102", "Entre 1 y 1000 RegistroFactura por envio.");
      const installation = s(parsed.records[0]!.fields.SistemaInformatico?.NumeroInstalacion);
      const chainKey = `${parsed.nif}|${installation}`;
      // Flow control: the AEAT asks for TiempoEsperaEnvio seconds between submissions (unless 1000 records are waiting).
      // A submission that comes too early is still processed, but flagged "early" for the tests.
      const last = lastSubmissionAt.get(chainKey);
      const early = last !== undefined && parsed.records.length < 1000 && Date.now() - last < tiempoEsperaEnvio * 1000;
      lastSubmissionAt.set(chainKey, Date.now());
      const chain = registered.get(chainKey) ?? [];
      let head = heads.get(chainKey) ?? null;
      const lines: Line[] = [];
      for (const { type, fields: f } of parsed.records) {
        const numSerie = s(type === "alta" ? f.IDFactura?.NumSerieFactura : f.IDFactura?.NumSerieFacturaAnulada);
        const fecha = s(type === "alta" ? f.IDFactura?.FechaExpedicionFactura : f.IDFactura?.FechaExpedicionFacturaAnulada);
        const emisor = s(type === "alta" ? f.IDFactura?.IDEmisorFactura : f.IDFactura?.IDEmisorFacturaAnulada);
        const huella = s(f.Huella);
        const reject = (codigo: string, descripcion: string) => lines.push({ numSerie, type, estado: "Incorrecto", codigo, descripcion });
        const duplicate = chain.find((r) => r.type === type && r.numSerie === numSerie && r.fecha === fecha);
        if (duplicate) {
          reject("3000", "Registro de facturacion duplicado.");
          continue;
        }
        if (!numSerie || !/^\d\d-\d\d-\d{4}$/.test(fecha) || emisor !== parsed.nif || !/^[0-9A-F]{64}$/.test(huella) || s(f.TipoHuella) !== "01" || !s(f.FechaHoraHusoGenRegistro)) {
          reject("1100", "Valor o tipo incorrecto en un campo obligatorio.");
          continue;
        }
        if (expectedHuella(type, f) !== huella) {
          reject("1200", "La huella no corresponde a los campos del registro.");
          continue;
        }
        const anterior = f.Encadenamiento?.RegistroAnterior;
        const first = s(f.Encadenamiento?.PrimerRegistro) === "S";
        const linked = head === null ? first : !first && s(anterior?.Huella) === head.huella && s(anterior?.NumSerieFactura) === head.numSerie && s(anterior?.FechaExpedicionFactura) === head.fecha;
        if (!linked) {
          reject("1300", head === null ? "Primer registro de la cadena sin PrimerRegistro=S." : "RegistroAnterior no coincide con el ultimo registro de la cadena.");
          continue;
        }
        if (type === "anulacion" && !chain.some((r) => r.type === "alta" && r.numSerie === numSerie && r.fecha === fecha)) {
          reject("1400", "No existe la factura que se anula.");
          head = { numSerie, fecha, huella };
          continue;
        }
        const forced = outcomes[numSerie];
        if (forced?.estado === "Incorrecto") {
          reject(forced.codigo, forced.descripcion);
          head = { numSerie, fecha, huella };
          continue;
        }
        const estado = forced?.estado === "AceptadoConErrores" ? "AceptadoConErrores" : "Correcto";
        chain.push({ type, nif: parsed.nif, numSerie, fecha, huella, estado });
        head = { numSerie, fecha, huella };
        lines.push(estado === "Correcto" ? { numSerie, type, estado } : { numSerie, type, estado, codigo: forced!.codigo, descripcion: forced!.descripcion });
      }
      registered.set(chainKey, chain);
      if (head) heads.set(chainKey, head);
      requests.push({ at: new Date().toISOString(), early, nif: parsed.nif, installation, records: parsed.records.map((r) => ({ type: r.type, numSerie: s(r.type === "alta" ? r.fields.IDFactura?.NumSerieFactura : r.fields.IDFactura?.NumSerieFacturaAnulada), huella: s(r.fields.Huella) })), lines });
      const ok = lines.filter((l) => l.estado !== "Incorrecto").length;
      const estadoEnvio = ok === lines.length ? "Correcto" : ok === 0 ? "Incorrecto" : "ParcialmenteCorrecto";
      const csv = ok > 0 ? `FAKECSV${String(++csvSeq).padStart(9, "0")}` : null;
      const respuestaLineas = lines
        .map((l) => {
          const id = l.type === "alta" ? `<tikR:IDFactura><tik:IDEmisorFactura>${esc(parsed.nif)}</tik:IDEmisorFactura><tik:NumSerieFactura>${esc(l.numSerie)}</tik:NumSerieFactura></tikR:IDFactura>` : `<tikR:IDFactura><tik:IDEmisorFacturaAnulada>${esc(parsed.nif)}</tik:IDEmisorFacturaAnulada><tik:NumSerieFacturaAnulada>${esc(l.numSerie)}</tik:NumSerieFacturaAnulada></tikR:IDFactura>`;
          const err = l.codigo ? `<tikR:CodigoErrorRegistro>${esc(l.codigo)}</tikR:CodigoErrorRegistro><tikR:DescripcionErrorRegistro>${esc(l.descripcion ?? "")}</tikR:DescripcionErrorRegistro>` : "";
          return `<tikR:RespuestaLinea>${id}<tikR:Operacion><tik:TipoOperacion>${l.type === "alta" ? "Alta" : "Anulacion"}</tik:TipoOperacion></tikR:Operacion><tikR:EstadoRegistro>${l.estado}</tikR:EstadoRegistro>${err}</tikR:RespuestaLinea>`;
        })
        .join("");
      return soap(
        `<tikR:RespuestaRegFactuSistemaFacturacion xmlns:tikR="${AEAT_NS.tikR}" xmlns:tik="${AEAT_NS.sum1}">${csv ? `<tikR:CSV>${csv}</tikR:CSV>` : ""}<tikR:DatosPresentacion><tik:NIFPresentador>${esc(parsed.nif)}</tik:NIFPresentador><tik:TimestampPresentacion>${new Date().toISOString()}</tik:TimestampPresentacion></tikR:DatosPresentacion><tikR:Cabecera><tik:ObligadoEmision><tik:NombreRazon>${esc(parsed.name)}</tik:NombreRazon><tik:NIF>${esc(parsed.nif)}</tik:NIF></tik:ObligadoEmision></tikR:Cabecera><tikR:TiempoEsperaEnvio>${tiempoEsperaEnvio}</tikR:TiempoEsperaEnvio><tikR:EstadoEnvio>${estadoEnvio}</tikR:EstadoEnvio>${respuestaLineas}</tikR:RespuestaRegFactuSistemaFacturacion>`,
      );
    };
  },
};
