import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, daysBetween } from "../../../workers/domain/dates.ts";
import { checkDeletion, deletableFrom, periodEnd, policyFor, RETENTION_POLICIES, retainedThrough } from "../../../workers/domain/retention.ts";

const policy = (j: string, c: "invoice" | "books" = "invoice") => policyFor(RETENTION_POLICIES, j, c)!;

describe("retention from the end of the period the law names (compliance NOTES §1.9)", () => {
  it.each([
    // jurisdiction, class, document date, kept through
    ["ES", "invoice", "2020-03-15", "2026-12-31"],
    ["PT", "invoice", "2020-03-15", "2030-12-31"],
    ["FR", "invoice", "2020-12-31", "2030-12-31"],
    ["DE", "invoice", "2020-01-01", "2028-12-31"],
    ["DE", "books", "2020-01-01", "2030-12-31"],
    ["IT", "invoice", "2020-07-01", "2030-12-31"],
    ["SA", "invoice", "2020-02-10", "2026-03-31"], // end of Q1 2020 + 6 y
    ["SA", "invoice", "2020-11-30", "2026-12-31"],
    ["IN", "invoice", "2020-04-01", "2027-12-31"], // FY 2020-21, return due 2021-12-31, + 72 months
    ["IN", "invoice", "2021-03-31", "2027-12-31"], // same fiscal year
    ["IN", "invoice", "2021-04-01", "2028-12-31"],
  ] as const)("%s %s of %s is kept through %s", (j, c, date, through) => {
    expect(retainedThrough(policy(j, c), date)).toBe(through);
    expect(deletableFrom(policy(j, c), date)).toBe(addDays(through, 1));
  });

  it("has a policy for every market of the notes, for invoices and books", () => {
    for (const j of ["ES", "PT", "FR", "DE", "IT", "SA", "IN"]) for (const c of ["invoice", "books"] as const) expect(policyFor(RETENTION_POLICIES, j, c)?.source.length).toBeGreaterThan(10);
    expect(policy("DE", "invoice").months).toBe(96);
    expect(policy("DE", "books").months).toBe(120);
  });

  const date = fc.integer({ min: 0, max: 30_000 }).map((d) => addDays("1990-01-01", d));
  it("is never shorter than the period counted from the document date, and equal for every date of one period", () => {
    fc.assert(
      fc.property(fc.constantFrom(...RETENTION_POLICIES), date, date, (p, a, b) => {
        const through = retainedThrough(p, a);
        // at least `months` after the document date itself (the upload date can only be later still)
        const naive = addDays(`${Number(a.slice(0, 4)) + Math.floor(p.months / 12)}-${a.slice(5)}`.replace(/-02-29$/, "-02-28"), -1);
        expect(through >= naive).toBe(true);
        // a period end plus whole months is a month end: deletion starts on the 1st
        expect(deletableFrom(p, a).endsWith("-01")).toBe(true);
        // monotonic, and constant within a period
        if (a <= b) expect(retainedThrough(p, a) <= retainedThrough(p, b)).toBe(true);
        if (periodEnd(p.start, a) === periodEnd(p.start, b)) expect(retainedThrough(p, b)).toBe(through);
        expect(daysBetween(periodEnd(p.start, a), through)).toBeGreaterThanOrEqual(Math.floor(p.months / 12) * 365);
      }),
    );
  });
});

describe("checkDeletion", () => {
  const de = policy("DE");
  it("refuses before expiry, under a hold (even after expiry) and without a policy; allows otherwise", () => {
    expect(checkDeletion({ policy: de, documentDate: "2020-05-01", today: "2028-12-31", heldBy: [] })).toMatchObject({ allowed: false, code: "retention_period_running", deletableFrom: "2029-01-01" });
    expect(checkDeletion({ policy: de, documentDate: "2020-05-01", today: "2029-01-01", heldBy: [] })).toEqual({ allowed: true, deletableFrom: "2029-01-01" });
    expect(checkDeletion({ policy: de, documentDate: "2020-05-01", today: "2040-01-01", heldBy: [{ reason: "tax audit 2024" }] })).toMatchObject({ allowed: false, code: "legal_hold_active" });
    expect(checkDeletion({ policy: undefined, documentDate: "2000-01-01", today: "2040-01-01", heldBy: [] })).toMatchObject({ allowed: false, code: "no_retention_policy" });
  });
});
