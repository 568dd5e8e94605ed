// A local stand-in for the European Commission's TEDB VatRetrievalService (workers/tax/tedb.ts):
// POST a retrieveVatRates SOAP request (member states, and from/to or situationOn), get
// vatRateResults for the standard rate situations it holds that overlap the dates, shaped like the
// service's documented answer (memberState, type, rate { type, value }, situationOn with a zone
// offset), plus one REDUCED row per state (which the adapter does not map). Errors as the service
// gives them: a SOAP Fault with HTTP 500 for a request it cannot read (no member state, an
// unknown ISO code such as GR instead of EL, a bad date), and any HTTP status by injection.
// Data: the DE / EE / FI standard-rate history (the same sources as the tax-feed fake).
// Control surface: PUT /_fake/situations ([{ memberState, value, from }...] replaces the data),
// DELETE /_fake/situations (back to the default), GET /_fake/requests (the SOAP bodies received),
// POST /_fake/fault {"status": 503} (answer that status until cleared with {"status": null}).
import type { FakeDefinition } from "./fake-server.ts";

interface Situation {
  memberState: string;
  /** Percentage as TEDB writes it, e.g. "19.0". */
  value: string;
  /** First day the rate holds. */
  from: string;
}

const DEFAULT_SITUATIONS: Situation[] = [
  { memberState: "DE", value: "19.0", from: "2007-01-01" },
  { memberState: "DE", value: "16.0", from: "2020-07-01" },
  { memberState: "DE", value: "19.0", from: "2021-01-01" },
  { memberState: "EE", value: "20.0", from: "2009-07-01" },
  { memberState: "EE", value: "22.0", from: "2024-01-01" },
  { memberState: "EE", value: "24.0", from: "2025-07-01" },
  { memberState: "FI", value: "24.0", from: "2013-01-01" },
  { memberState: "FI", value: "25.5", from: "2024-09-01" },
];
const MEMBER_STATES = new Set(["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"]);

const tagValues = (xml: string, name: string) => [...xml.matchAll(new RegExp(`<(?:[\\w-]+:)?${name}>([^<]*)</(?:[\\w-]+:)?${name}>`, "g"))].map((m) => m[1]!.trim());

function soap(body: string, status = 200): Response {
  return new Response(`<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Header/><env:Body>${body}</env:Body></env:Envelope>`, { status, headers: { "content-type": "text/xml; charset=utf-8" } });
}
const fault = (message: string) => soap(`<env:Fault><faultcode>env:Client</faultcode><faultstring>${message}</faultstring><detail><retrieveVatRatesFaultMsg xmlns="urn:ec.europa.eu:taxud:tedb:services:v1:IVatRetrievalService:types"><error><description>${message}</description></error></retrieveVatRatesFaultMsg></detail></env:Fault>`, 500);

export const tedbFake: FakeDefinition = {
  name: "tedb",
  standsInFor: "the European Commission's TEDB VatRetrievalService (SOAP)",
  envVar: "TEDB_URL",
  purpose: "answers retrieveVatRates with DE/EE/FI standard-rate situations; SOAP Faults for bad requests; PUT /_fake/situations",
  create() {
    let situations = DEFAULT_SITUATIONS;
    let injected: number | null = null;
    const requests: string[] = [];
    return async (request) => {
      const url = new URL(request.url);
      if (url.pathname === "/_fake/situations" && request.method === "PUT") {
        situations = (await request.json()) as Situation[];
        return Response.json({ situations: situations.length });
      }
      if (url.pathname === "/_fake/situations" && request.method === "DELETE") {
        situations = DEFAULT_SITUATIONS;
        return Response.json({ situations: situations.length });
      }
      if (url.pathname === "/_fake/requests" && request.method === "GET") return Response.json(requests);
      if (url.pathname === "/_fake/fault" && request.method === "POST") {
        injected = ((await request.json()) as { status: number | null }).status;
        return Response.json({ fault: injected });
      }
      if (request.method !== "POST") return new Response("not found", { status: 404 });
      if (injected !== null) return new Response("Service Unavailable", { status: injected });
      const body = await request.text();
      requests.push(body);
      if (!/retrieveVatRatesReqMsg/.test(body)) return fault("Unknown operation");
      const states = tagValues(body, "isoCode");
      if (states.length === 0) return fault("At least one member state is required");
      const unknown = states.find((s) => !MEMBER_STATES.has(s));
      if (unknown) return fault(`Invalid member state ISO code: ${unknown}`);
      const on = tagValues(body, "situationOn")[0];
      const from = on ?? tagValues(body, "from")[0];
      const to = on ?? tagValues(body, "to")[0];
      if (!from || !to || !/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to) || to < from) return fault("Invalid date range");
      const rows: string[] = [];
      for (const state of states) {
        const own = situations.filter((s) => s.memberState === state).sort((a, b) => a.from.localeCompare(b.from));
        own.forEach((s, k) => {
          const end = own[k + 1]?.from;
          // overlaps [from, to]: starts on or before `to`, ends after `from`
          if (s.from > to || (end !== undefined && end <= from)) return;
          rows.push(`<vatRateResults><memberState>${state}</memberState><type>STANDARD</type><rate><type>DEFAULT</type><value>${s.value}</value></rate><situationOn>${s.from}+01:00</situationOn></vatRateResults>`);
        });
        if (own.length > 0) rows.push(`<vatRateResults><memberState>${state}</memberState><type>REDUCED</type><rate><type>REDUCED_RATE</type><value>7.0</value></rate><situationOn>${from}+01:00</situationOn><category><identifier>FOODSTUFFS</identifier><description>Foodstuffs</description></category></vatRateResults>`);
      }
      return soap(`<ns0:retrieveVatRatesRespMsg xmlns="urn:ec.europa.eu:taxud:tedb:services:v1:IVatRetrievalService:types" xmlns:ns0="urn:ec.europa.eu:taxud:tedb:services:v1:IVatRetrievalService"><additionalInformation/>${rows.join("")}</ns0:retrieveVatRatesRespMsg>`);
    };
  },
};
