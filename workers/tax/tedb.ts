// The European Commission's TEDB (Taxes in Europe Database) as a rate source beside our own
// "ledgerline-tax-rates/1" feed. TEDB publishes a SOAP service, VatRetrievalService
// (WSDL https://ec.europa.eu/taxation_customs/tedb/ws/VatRetrievalService.wsdl), whose
// retrieveVatRates operation takes member states (ISO codes; Greece is EL) and a date or a
// from/to range, and answers one vatRateResults element per rate situation: memberState, type
// (STANDARD | REDUCED), rate { type (DEFAULT, REDUCED_RATE, …), value (a percentage) },
// situationOn (the date the situation holds from, with a zone offset) and, for reduced rates, a
// category. A SOAP Fault carries a faultstring (and a detail) instead.
//
// Mapping into the staging path: only each member state's STANDARD/DEFAULT rate is taken (our
// "standard" category); its situations, ordered by date, become half-open periods, the last one
// open-ended, each with the TEDB source recorded. Reduced rates are not mapped: TEDB lists them
// per product category (several values per country), and which one applies to a franchise's
// services is a product decision, not a lookup.
import { DomainError } from "../domain/errors.ts";
import type { RateChange } from "../domain/tax-periods.ts";

export const TEDB_DEFAULT_URL = "https://ec.europa.eu/taxation_customs/tedb/ws/VatRetrievalService";
const SERVICE_NS = "urn:ec.europa.eu:taxud:tedb:services:v1:IVatRetrievalService";
const TYPES_NS = `${SERVICE_NS}:types`;
export const TEDB_SOAP_ACTION = "urn:ec.europa.eu:taxud:tedb:services:v1:VatRetrievalService/RetrieveVatRates";
/** A response larger than this is refused rather than parsed. */
const MAX_RESPONSE_BYTES = 5_000_000;

/** The EU member states TEDB answers for, as our jurisdictions (ISO 3166: GR) and as TEDB writes them (EL). */
export const EU_MEMBER_STATES = ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"] as const;
const toTedb = (jurisdiction: string) => (jurisdiction === "GR" ? "EL" : jurisdiction);
const fromTedb = (memberState: string) => (memberState === "EL" ? "GR" : memberState);

export interface TedbRateRow {
  memberState: string;
  type: string;
  rateType: string;
  value: string;
  situationOn: string;
  category: string | null;
}

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function tedbRequest(jurisdictions: readonly string[], from: string, to: string): string {
  const states = jurisdictions.map((j) => `<t:isoCode>${escapeXml(toTedb(j))}</t:isoCode>`).join("");
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:s="${SERVICE_NS}" xmlns:t="${TYPES_NS}"><soapenv:Header/><soapenv:Body><s:retrieveVatRatesReqMsg><t:memberStates>${states}</t:memberStates><t:from>${escapeXml(from)}</t:from><t:to>${escapeXml(to)}</t:to></s:retrieveVatRatesReqMsg></soapenv:Body></soapenv:Envelope>`;
}

/** Elements named `name` (any namespace prefix), their inner text; non-nested (TEDB's result blocks are flat siblings). */
function elements(xml: string, name: string): string[] {
  const re = new RegExp(`<(?:[A-Za-z0-9_-]+:)?${name}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[A-Za-z0-9_-]+:)?${name}>`, "g");
  return [...xml.matchAll(re)].map((m) => m[1]!);
}
const first = (xml: string, name: string): string | null => elements(xml, name)[0]?.trim() ?? null;
const unescapeXml = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))).replace(/&amp;/g, "&");

/** The rows of a retrieveVatRates response; a SOAP Fault is an error naming TEDB's message. */
export function parseTedbResponse(xml: string): TedbRateRow[] {
  const fault = first(xml, "Fault");
  if (fault !== null) {
    const message = first(fault, "faultstring") ?? "no faultstring";
    throw new DomainError("conflict", "tax_feed_unavailable", `TEDB refused the request: ${unescapeXml(message).slice(0, 300)}`);
  }
  if (first(xml, "retrieveVatRatesRespMsg") === null) throw new DomainError("validation", "tax_feed_malformed", "TEDB's answer is not a retrieveVatRates response");
  return elements(xml, "vatRateResults").map((block, i) => {
    // The block's own <type> comes before <rate>; the rate's <type> is inside it.
    const rate = first(block, "rate") ?? "";
    const outer = block.replace(/<(?:[A-Za-z0-9_-]+:)?rate(?:\s[^>]*)?>[\s\S]*?<\/(?:[A-Za-z0-9_-]+:)?rate>/, "");
    const row = { memberState: first(outer, "memberState"), type: first(outer, "type"), rateType: first(rate, "type"), value: first(rate, "value"), situationOn: first(outer, "situationOn"), category: first(first(outer, "category") ?? "", "identifier") };
    for (const field of ["memberState", "type", "rateType", "value", "situationOn"] as const) {
      if (!row[field]) throw new DomainError("validation", "tax_feed_malformed", `TEDB result ${i + 1} has no ${field}`, [{ field: `vatRateResults.${i}.${field}`, message: "missing" }]);
    }
    return { memberState: row.memberState!, type: row.type!, rateType: row.rateType!, value: row.value!, situationOn: row.situationOn!, category: row.category || null };
  });
}

/** "19.0" → 190000 ppm, exactly (no float rounding): at most 4 decimals. */
function percentToPpm(value: string, field: string): number {
  const m = /^(\d{1,3})(?:\.(\d{1,4}))?$/.exec(value.trim());
  if (!m) throw new DomainError("validation", "tax_feed_malformed", `TEDB rate value "${value}" is not a percentage`, [{ field, message: "not a percentage" }]);
  const ppm = Number(m[1]) * 10_000 + Number((m[2] ?? "").padEnd(4, "0"));
  if (ppm > 1_000_000) throw new DomainError("validation", "tax_feed_malformed", `TEDB rate value "${value}" is over 100 %`, [{ field, message: "over 100 %" }]);
  return ppm;
}

/** The standard-rate periods the rows describe, per member state, as the staging path takes them. */
export function tedbStandardPeriods(rows: readonly TedbRateRow[]): RateChange[] {
  const byState = new Map<string, { from: string; ppm: number }[]>();
  rows.forEach((r, i) => {
    if (r.type !== "STANDARD" || r.rateType !== "DEFAULT") return;
    const from = r.situationOn.slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from)) throw new DomainError("validation", "tax_feed_malformed", `TEDB result ${i + 1}: situationOn "${r.situationOn}" is not a date`, [{ field: `vatRateResults.${i}.situationOn`, message: "not a date" }]);
    const jurisdiction = fromTedb(r.memberState);
    const list = byState.get(jurisdiction) ?? [];
    list.push({ from, ppm: percentToPpm(r.value, `vatRateResults.${i}.rate.value`) });
    byState.set(jurisdiction, list);
  });
  const out: RateChange[] = [];
  for (const [jurisdiction, list] of [...byState].sort(([a], [b]) => a.localeCompare(b))) {
    list.sort((a, b) => a.from.localeCompare(b.from));
    // One period per change of value: consecutive situations with the same rate are one period.
    const changes = list.filter((s, k) => k === 0 || s.ppm !== list[k - 1]!.ppm);
    const distinct = changes.filter((s, k) => k === 0 || s.from !== changes[k - 1]!.from);
    if (distinct.length !== changes.length) throw new DomainError("validation", "tax_feed_malformed", `TEDB gives two standard rates for ${jurisdiction} on one date`);
    changes.forEach((s, k) => out.push({ jurisdiction, category: "standard", ratePpm: s.ppm, effectiveFrom: s.from, effectiveTo: changes[k + 1]?.from ?? null, source: `European Commission TEDB (VatRetrievalService), ${jurisdiction} standard rate, situation on ${s.from}` }));
  }
  return out;
}

/** Asks TEDB for the standard rates of `jurisdictions` (EU ones only) over [from, to] and maps them. */
export async function fetchTedb(url: string, jurisdictions: readonly string[], from: string, to: string, fetcher: typeof fetch = fetch): Promise<{ publisher: string; rates: RateChange[] }> {
  const states = [...new Set(jurisdictions)].filter((j) => (EU_MEMBER_STATES as readonly string[]).includes(j)).sort();
  if (states.length === 0) return { publisher: "European Commission TEDB", rates: [] };
  const res = await fetcher(url, { method: "POST", headers: { "content-type": "text/xml; charset=utf-8", soapaction: TEDB_SOAP_ACTION }, body: tedbRequest(states, from, to) });
  const text = await res.text();
  if (text.length > MAX_RESPONSE_BYTES) throw new DomainError("validation", "tax_feed_too_large", `TEDB's answer is over ${MAX_RESPONSE_BYTES} bytes`);
  // A SOAP Fault comes with HTTP 500: read it for TEDB's message; any other failure is the transport's.
  if (!res.ok && !/Fault>/.test(text)) throw new DomainError("conflict", "tax_feed_unavailable", `TEDB answered ${res.status}`);
  return { publisher: "European Commission TEDB", rates: tedbStandardPeriods(parseTedbResponse(text)) };
}
