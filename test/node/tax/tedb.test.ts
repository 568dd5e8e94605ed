// The TEDB adapter (workers/tax/tedb.ts) against the local fake of the service
// (scripts/fakes/tedb.ts), offline: the SOAP request it sends, the standard-rate periods it maps
// from the documented response shape (the DE 2020 cut, EE 2025, FI 2024; Greece as EL), and the
// service's errors: a SOAP Fault, an HTTP failure, a malformed or odd response.
import { describe, expect, it } from "vitest";
import { tedbFake } from "../../../scripts/fakes/tedb.ts";
import { DomainError } from "../../../workers/domain/errors.ts";
import { fetchTedb, parseTedbResponse, tedbRequest, tedbStandardPeriods } from "../../../workers/tax/tedb.ts";

const BASE = "http://127.0.0.1:9/tedb";
function fake() {
  const handler = tedbFake.create(BASE);
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => handler(new Request(input, init))) as typeof fetch;
  const control = (path: string, init?: RequestInit) => handler(new Request(`${BASE.replace("/tedb", "")}${path}`, init));
  return { fetcher, control };
}
const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e instanceof DomainError ? e.code : String(e);
  }
  return "no error";
};

describe("the TEDB adapter", () => {
  it("asks for the EU jurisdictions only, Greece as EL, over a date range", () => {
    const xml = tedbRequest(["DE", "GR"], "2026-01-01", "2027-01-01");
    expect(xml).toContain("<t:isoCode>DE</t:isoCode><t:isoCode>EL</t:isoCode>");
    expect(xml).toContain("<t:from>2026-01-01</t:from><t:to>2027-01-01</t:to>");
    expect(xml).toContain("urn:ec.europa.eu:taxud:tedb:services:v1:IVatRetrievalService");
  });

  it("maps the standard-rate situations to half-open periods with the source, ignoring reduced rates", async () => {
    const { fetcher } = fake();
    const { rates } = await fetchTedb(BASE, ["DE", "EE", "FI", "US", "GB"], "2000-01-01", "2027-01-01", fetcher);
    expect(rates.map((r) => [r.jurisdiction, r.ratePpm, r.effectiveFrom, r.effectiveTo])).toEqual([
      ["DE", 190_000, "2007-01-01", "2020-07-01"],
      ["DE", 160_000, "2020-07-01", "2021-01-01"],
      ["DE", 190_000, "2021-01-01", null],
      ["EE", 200_000, "2009-07-01", "2024-01-01"],
      ["EE", 220_000, "2024-01-01", "2025-07-01"],
      ["EE", 240_000, "2025-07-01", null],
      ["FI", 240_000, "2013-01-01", "2024-09-01"],
      ["FI", 255_000, "2024-09-01", null],
    ]);
    expect(rates.every((r) => r.category === "standard" && r.source.startsWith("European Commission TEDB"))).toBe(true);
  });

  it("reads 25.5 exactly, merges repeated situations, and maps EL back to GR", () => {
    const rows = [
      { memberState: "EL", type: "STANDARD", rateType: "DEFAULT", value: "24.0", situationOn: "2016-06-01+02:00", category: null },
      { memberState: "EL", type: "STANDARD", rateType: "DEFAULT", value: "24", situationOn: "2026-01-01+01:00", category: null },
      { memberState: "FI", type: "STANDARD", rateType: "DEFAULT", value: "25.5", situationOn: "2024-09-01", category: null },
    ];
    expect(tedbStandardPeriods(rows).map((r) => [r.jurisdiction, r.ratePpm, r.effectiveFrom, r.effectiveTo])).toEqual([
      ["FI", 255_000, "2024-09-01", null],
      ["GR", 240_000, "2016-06-01", null],
    ]);
  });

  it("a SOAP Fault (an unknown ISO code), an HTTP failure and a malformed answer are clear errors", async () => {
    const { fetcher, control } = fake();
    // GR is not how TEDB spells Greece: the adapter converts it, so the fake's Fault needs a raw request
    const raw = await fetcher(BASE, { method: "POST", body: tedbRequest(["DE"], "2026-01-01", "2026-01-01").replace("<t:isoCode>DE", "<t:isoCode>GR") });
    expect(raw.status).toBe(500);
    expect(() => parseTedbResponse("")).toThrow(/not a retrieveVatRates response/);
    const rawText = await (await fetcher(BASE, { method: "POST", body: tedbRequest(["DE"], "2026-01-01", "2026-01-01").replace("<t:isoCode>DE", "<t:isoCode>GR") })).text();
    expect(() => parseTedbResponse(rawText)).toThrow(/Invalid member state ISO code: GR/);
    const faultXml = await (await fetcher(BASE, { method: "POST", body: tedbRequest(["DE"], "2026-01-02", "2026-01-01") })).text();
    expect(() => parseTedbResponse(faultXml)).toThrow(/TEDB refused the request: Invalid date range/);
    expect(await codeOf(fetchTedb(BASE, ["DE"], "2026-01-02", "2026-01-01", fetcher))).toBe("tax_feed_unavailable");
    await control("/_fake/fault", { method: "POST", body: JSON.stringify({ status: 503 }) });
    expect(await codeOf(fetchTedb(BASE, ["DE"], "2026-01-01", "2026-02-01", fetcher))).toBe("tax_feed_unavailable");
    expect(await codeOf(Promise.resolve().then(() => parseTedbResponse("<html>maintenance</html>")))).toBe("tax_feed_malformed");
    expect(() => tedbStandardPeriods([{ memberState: "DE", type: "STANDARD", rateType: "DEFAULT", value: "19,0", situationOn: "2021-01-01", category: null }])).toThrow(/not a percentage/);
    expect(() => tedbStandardPeriods([{ memberState: "DE", type: "STANDARD", rateType: "DEFAULT", value: "119", situationOn: "2021-01-01", category: null }])).toThrow(/over 100/);
  });

  it("no EU jurisdiction in use: nothing is asked", async () => {
    const { fetcher, control } = fake();
    expect((await fetchTedb(BASE, ["US", "GB"], "2026-01-01", "2027-01-01", fetcher)).rates).toEqual([]);
    expect(await (await control("/_fake/requests")).json()).toEqual([]);
  });
});
