// Spain's VERI*FACTU billing records (Orden HAC/1177/2024): the fields of an alta (issued
// invoice) or anulación (cancelled invoice) record, the exact text its huella (fingerprint)
// hashes (AEAT "Especificaciones ... huella" v0.1.2: `campo=valor&...`, values trimmed, the
// previous record's huella, empty for the first), the registration timestamp with the branch's
// UTC offset that never runs backwards, and the QR verification URL (AEAT QR spec v0.5.0).
// SHA-256 itself is computed by the adapter (the huella is its 64 upper-case hex characters).
import { formatMinor } from "../currency.ts";

export type TipoFactura = "F1" | "F2" | "R1" | "R2" | "R3" | "R4" | "R5";

export interface AltaRecord {
  IDEmisorFactura: string;
  NumSerieFactura: string;
  /** dd-mm-aaaa */
  FechaExpedicionFactura: string;
  TipoFactura: TipoFactura;
  /** Amounts as the exact text hashed, dot decimal. */
  CuotaTotal: string;
  ImporteTotal: string;
  /** The previous record's huella in this issuer's chain; "" for the first. */
  HuellaAnterior: string;
  /** ISO 8601 with the branch's UTC offset, to the second. */
  FechaHoraHusoGenRegistro: string;
}

export interface AnulacionRecord {
  IDEmisorFacturaAnulada: string;
  NumSerieFacturaAnulada: string;
  FechaExpedicionFacturaAnulada: string;
  HuellaAnterior: string;
  FechaHoraHusoGenRegistro: string;
}

const field = (name: string, value: string) => `${name}=${value.trim()}`;

/** The UTF-8 text whose SHA-256 is the alta's huella. */
export function altaHuellaInput(r: AltaRecord): string {
  return [
    field("IDEmisorFactura", r.IDEmisorFactura),
    field("NumSerieFactura", r.NumSerieFactura),
    field("FechaExpedicionFactura", r.FechaExpedicionFactura),
    field("TipoFactura", r.TipoFactura),
    field("CuotaTotal", r.CuotaTotal),
    field("ImporteTotal", r.ImporteTotal),
    field("Huella", r.HuellaAnterior),
    field("FechaHoraHusoGenRegistro", r.FechaHoraHusoGenRegistro),
  ].join("&");
}

/** The UTF-8 text whose SHA-256 is the anulación's huella. */
export function anulacionHuellaInput(r: AnulacionRecord): string {
  return [
    field("IDEmisorFacturaAnulada", r.IDEmisorFacturaAnulada),
    field("NumSerieFacturaAnulada", r.NumSerieFacturaAnulada),
    field("FechaExpedicionFacturaAnulada", r.FechaExpedicionFacturaAnulada),
    field("Huella", r.HuellaAnterior),
    field("FechaHoraHusoGenRegistro", r.FechaHoraHusoGenRegistro),
  ].join("&");
}

/** "2024-01-01" → "01-01-2024". */
export function spanishDate(isoDate: string): string {
  const [y, m, d] = isoDate.split("-");
  return `${d}-${m}-${y}`;
}

/** VERI*FACTU amounts: dot decimal with the currency's decimals (EUR: "123.45", "-25.00"). */
export const verifactuAmount = (minor: number, currency: string): string => formatMinor(minor, currency);

/** A NIF without the "ES" VAT prefix and separators: IDEmisorFactura is the bare NIF. */
export function bareNif(taxId: string): string {
  const compact = taxId.replace(/[\s.-]/g, "").toUpperCase();
  return compact.startsWith("ES") && compact.length === 11 ? compact.slice(2) : compact;
}

/**
 * The registration instant (whole seconds): the clock's, unless the clock ran behind the previous
 * record's, then the previous record's — the chain's timestamps never run backwards. Records of
 * the same second share it (the chain's order is its positions and huellas): stepping a second per
 * record would stamp a 50,000-invoice billing run about 14 hours into the future.
 */
export function nextRegistrationMs(nowMs: number, previousMs: number | null): number {
  const now = Math.floor(nowMs / 1000) * 1000;
  return previousMs === null || now >= previousMs ? now : previousMs;
}

/** An instant as local ISO 8601 with the zone's UTC offset: "2024-01-01T19:20:30+01:00". */
export function isoWithOffset(instantMs: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "longOffset" })
      .formatToParts(instantMs)
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  const offset = parts.timeZoneName === "GMT" ? "+00:00" : (parts.timeZoneName ?? "GMT+00:00").replace("GMT", "");
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}

export const QR_BASE_TEST = "https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR";
export const QR_BASE_PRODUCTION = "https://www2.agenciatributaria.gob.es/wlpl/TIKE-CONT/ValidarQR";

/** The QR verification URL, parameters URL-encoded in UTF-8 ("12345678&G33" → "12345678%26G33"). */
export function verifactuQrUrl(base: string, r: { nif: string; numSerie: string; fecha: string; importe: string }): string {
  const q = (k: string, v: string) => `${k}=${encodeURIComponent(v)}`;
  return `${base}?${[q("nif", r.nif), q("numserie", r.numSerie), q("fecha", r.fecha), q("importe", r.importe)].join("&")}`;
}
