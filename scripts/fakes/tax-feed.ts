// A local tax-rate feed in the "ledgerline-tax-rates/1" format (docs/tax-rates.md), standing in for
// the rate source the daily sync reads (workers/tax/rate-updates.ts). It serves GET /rates.json:
// by default the real DE / EE / FI standard-rate history, plus ONE FICTIONAL future ES change
// (21 → 22 % from the first day of the month after next, labelled as fictional in its source) so
// a demo and the browser suite have a change to review; tests replace the feed.
// Control surface: PUT /_fake/rates (a whole feed document, or {"rates": [...]} to keep the
// envelope), DELETE /_fake/rates (back to the default), GET /_fake/requests (how often it was read),
// POST /_fake/fault {"status": 503} (answer that status until cleared with {"status": null}).
import type { FakeDefinition } from "./fake-server.ts";

const UStG = "UStG § 12 Abs. 1 (https://www.gesetze-im-internet.de/ustg_1980/__12.html)";
const CORONA = "Zweites Corona-Steuerhilfegesetz, BGBl. I 2020 S. 1512: 16 % from 2020-07-01 to 2020-12-31";
const KMS = "Käibemaksuseadus (Value-Added Tax Act) § 15";
const ALV = "Arvonlisäverolaki 1501/1993 § 84 (https://www.finlex.fi/fi/laki/ajantasa/1993/19931501)";

export const DEFAULT_TAX_FEED = {
  format: "ledgerline-tax-rates/1",
  publisher: "fake-tax-feed",
  generatedAt: "2026-01-01T00:00:00Z",
  rates: [
    { jurisdiction: "DE", category: "standard", ratePpm: 190_000, effectiveFrom: "2007-01-01", effectiveTo: "2020-07-01", source: UStG },
    { jurisdiction: "DE", category: "standard", ratePpm: 160_000, effectiveFrom: "2020-07-01", effectiveTo: "2021-01-01", source: `${UStG}; ${CORONA}` },
    { jurisdiction: "DE", category: "standard", ratePpm: 190_000, effectiveFrom: "2021-01-01", effectiveTo: null, source: UStG },
    { jurisdiction: "EE", category: "standard", ratePpm: 200_000, effectiveFrom: "2009-07-01", effectiveTo: "2024-01-01", source: KMS },
    { jurisdiction: "EE", category: "standard", ratePpm: 220_000, effectiveFrom: "2024-01-01", effectiveTo: "2025-07-01", source: `${KMS}, 22 % from 2024-01-01` },
    { jurisdiction: "EE", category: "standard", ratePpm: 240_000, effectiveFrom: "2025-07-01", effectiveTo: null, source: `${KMS}, 24 % from 2025-07-01` },
    { jurisdiction: "FI", category: "standard", ratePpm: 240_000, effectiveFrom: "2013-01-01", effectiveTo: "2024-09-01", source: ALV },
    { jurisdiction: "FI", category: "standard", ratePpm: 255_000, effectiveFrom: "2024-09-01", effectiveTo: null, source: `${ALV}, 25.5 % from 2024-09-01` },
  ],
};

/** The first day of the month after next (stable for a whole month, so a rejection sticks). */
function monthAfterNext(now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 1));
  return d.toISOString().slice(0, 10);
}

/** The default feed as served today: the real history and the fictional ES change. */
export function defaultTaxFeed(now = new Date()) {
  const from = monthAfterNext(now);
  const ES = "Ley 37/1992 del IVA art. 90";
  return {
    ...DEFAULT_TAX_FEED,
    rates: [
      ...DEFAULT_TAX_FEED.rates,
      { jurisdiction: "ES", category: "standard", ratePpm: 210_000, effectiveFrom: "2012-09-01", effectiveTo: from, source: ES },
      { jurisdiction: "ES", category: "standard", ratePpm: 220_000, effectiveFrom: from, effectiveTo: null, source: "FICTIONAL demo change served by the local fake feed: not a real rate" },
    ],
  };
}

export const taxFeedFake: FakeDefinition = {
  name: "tax-feed",
  standsInFor: "the tax-rate feed (JSON, docs/tax-rates.md)",
  envVar: "TAX_RATE_FEED_URL",
  purpose: "serves GET /rates.json; PUT /_fake/rates replaces it, GET /_fake/requests counts reads",
  create() {
    let feed: unknown = null; // null: the default feed, computed per request
    let reads = 0;
    let fault: number | null = null;
    return async (request) => {
      const url = new URL(request.url);
      if (url.pathname === "/_fake/rates" && request.method === "PUT") {
        const body = (await request.json()) as Record<string, unknown>;
        feed = "format" in body ? body : { ...DEFAULT_TAX_FEED, ...body };
        return Response.json(feed);
      }
      if (url.pathname === "/_fake/rates" && request.method === "DELETE") {
        feed = null;
        return Response.json(defaultTaxFeed());
      }
      if (url.pathname === "/_fake/requests" && request.method === "GET") return Response.json({ reads });
      if (url.pathname === "/_fake/fault" && request.method === "POST") {
        fault = ((await request.json()) as { status: number | null }).status;
        return Response.json({ fault });
      }
      if (url.pathname !== "/rates.json" || request.method !== "GET") return new Response("not found", { status: 404 });
      reads++;
      if (fault !== null) return new Response("injected fault", { status: fault });
      return Response.json(feed ?? defaultTaxFeed());
    };
  },
};
