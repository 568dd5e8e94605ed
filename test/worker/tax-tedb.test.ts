// TEDB as the deployment's rate source (TAX_RATE_SOURCE=tedb): the daily sync asks the (fake)
// European Commission TEDB service for the EU jurisdictions the table holds and stages only what
// the table lacks, through the same staging path as the JSON feed, with TEDB recorded as the
// source; a TEDB outage leaves the table alone and is a clear error.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../workers/domain/dates.ts";
import { createLogger } from "../../workers/observability/logger.ts";
import { syncTaxRates } from "../../workers/tax/rate-updates.ts";
import { seedFixtures } from "./fixtures.ts";

const now = new Date();
const today = now.toISOString().slice(0, 10);
const later = addDays(today, 120);
const rate = (id: string, j: string, ppm: number, from: string, to: string | null) =>
  env.DB.prepare("INSERT INTO tax_rates (id, jurisdiction, category, rate_ppm, effective_from, effective_to, source, created_at) VALUES (?, ?, 'standard', ?, ?, ?, 'test', ?)").bind(id, j, ppm, from, to, now.toISOString());
const tedbEnv = { ...env, TAX_RATE_SOURCE: "tedb" } as unknown as Env;
const logger = createLogger("error", {});
const fake = (path: string, init?: RequestInit) => fetch(`${env.TEDB_URL}${path}`, init);

beforeAll(async () => {
  await seedFixtures();
  await env.DB.batch([
    rate("tax_tedb_de_1", "DE", 190_000, "2007-01-01", "2020-07-01"),
    rate("tax_tedb_de_2", "DE", 160_000, "2020-07-01", "2021-01-01"),
    rate("tax_tedb_de_3", "DE", 190_000, "2021-01-01", null),
    rate("tax_tedb_fi_1", "FI", 240_000, "2013-01-01", "2024-09-01"),
    rate("tax_tedb_fi_2", "FI", 255_000, "2024-09-01", null),
  ]);
});

describe("TEDB as the rate source", () => {
  it("stages only the change the table lacks, sourced to TEDB, once", async () => {
    await fake("/_fake/situations", {
      method: "PUT",
      body: JSON.stringify([
        { memberState: "DE", value: "19.0", from: "2021-01-01" },
        { memberState: "FI", value: "25.5", from: "2024-09-01" },
        { memberState: "FI", value: "26.0", from: later },
      ]),
    });
    const result = await syncTaxRates(tedbEnv, logger, now);
    expect(result.feed).toBe(env.TEDB_URL);
    expect(result.staged).toBe(1);
    const { results } = await env.DB.prepare("SELECT jurisdiction, rate_ppm, effective_from, effective_to, source FROM tax_rate_changes WHERE status = 'pending'").all<Record<string, unknown>>();
    const fi = results.filter((r) => r.jurisdiction === "FI" && r.rate_ppm === 260_000);
    expect(fi).toHaveLength(1);
    expect(fi[0]).toMatchObject({ effective_from: later, effective_to: null });
    expect(String(fi[0]!.source)).toMatch(/^European Commission TEDB/);
    // the request named the table's EU jurisdictions, over today → a year ahead
    const requests = (await (await fake("/_fake/requests")).json()) as string[];
    const isoCodes = [...requests.at(-1)!.matchAll(/<t:isoCode>([A-Z]{2})<\/t:isoCode>/g)].map((m) => m[1]);
    expect(isoCodes).toEqual(expect.arrayContaining(["DE", "FI"]));
    expect(isoCodes).not.toContain("US");
    expect(isoCodes).not.toContain("GB");
    expect(requests.at(-1)).toContain(`<t:from>${today}</t:from>`);
    expect((await syncTaxRates(tedbEnv, logger, now)).staged).toBe(0);
  });

  it("a TEDB outage is a clear error and changes nothing", async () => {
    await fake("/_fake/fault", { method: "POST", body: JSON.stringify({ status: 503 }) });
    const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM tax_rate_changes").first<{ n: number }>();
    await expect(syncTaxRates(tedbEnv, logger, now)).rejects.toMatchObject({ code: "tax_feed_unavailable" });
    // the daily job keeps going (alerts still raised)
    expect((await syncTaxRates(tedbEnv, logger, now, { keepGoing: true })).staged).toBe(0);
    await fake("/_fake/fault", { method: "POST", body: JSON.stringify({ status: null }) });
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM tax_rate_changes").first<{ n: number }>())!.n).toBe(before!.n);
    await fake("/_fake/situations", { method: "DELETE" });
  });
});
