import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays } from "../../../workers/domain/dates.ts";
import { planCreditNote } from "../../../workers/domain/credit-note.ts";
import { priceDraft, repriceForIssue } from "../../../workers/domain/invoice-draft.ts";
import { applyPlan, assertRateChains, chainCovers, diffFeed, planRateChange, rateAlerts, type RateChange, type SourcedTaxRate } from "../../../workers/domain/tax-periods.ts";
import { rateInForce, type TaxRate } from "../../../workers/domain/tax.ts";

const r = (jurisdiction: string, ratePpm: number, effectiveFrom: string, effectiveTo: string | null, category = "standard"): SourcedTaxRate => ({ jurisdiction, category, ratePpm, effectiveFrom, effectiveTo, source: "test" });

// The real boundaries (compliance NOTES §5).
const DE = [r("DE", 190_000, "2007-01-01", "2020-07-01"), r("DE", 160_000, "2020-07-01", "2021-01-01"), r("DE", 190_000, "2021-01-01", null)];
const EE = [r("EE", 200_000, "2009-07-01", "2024-01-01"), r("EE", 220_000, "2024-01-01", "2025-07-01"), r("EE", 240_000, "2025-07-01", null)];
const FI = [r("FI", 240_000, "2013-01-01", "2024-09-01"), r("FI", 255_000, "2024-09-01", null)];
const TABLE = [...DE, ...EE, ...FI];

describe("real rate boundaries: the day before and the day of each change", () => {
  it.each([
    ["DE", "2020-06-30", 190_000],
    ["DE", "2020-07-01", 160_000],
    ["DE", "2020-12-31", 160_000],
    ["DE", "2021-01-01", 190_000],
    ["EE", "2023-12-31", 200_000],
    ["EE", "2024-01-01", 220_000],
    ["EE", "2025-06-30", 220_000],
    ["EE", "2025-07-01", 240_000],
    ["FI", "2024-08-31", 240_000],
    ["FI", "2024-09-01", 255_000],
  ])("%s on %s is %d ppm", (j, date, ppm) => expect(rateInForce(TABLE, j, "standard", date)).toBe(ppm));

  it("the real table is one unbroken chain per jurisdiction", () => expect(() => assertRateChains(TABLE)).not.toThrow());

  it("a draft priced before the EE change and issued after it is re-priced at 24 %; its credit note after the change keeps the invoice's rate", () => {
    const pricing = { jurisdiction: "EE", taxRates: TABLE, serviceTypeTaxCategory: new Map(), today: "2025-06-30" };
    const draft = priceDraft({ lines: [{ description: "Cleaning", quantity: 1, unitPrice: 10_000 }] }, pricing);
    expect(draft.lines[0]!.taxRatePpm).toBe(220_000);
    const issuedBefore = repriceForIssue(draft.lines, pricing, "2025-06-30");
    expect(issuedBefore.totals.taxTotal).toBe(2_200);
    const issuedAfter = repriceForIssue(draft.lines, pricing, "2025-07-01");
    expect(issuedAfter.totals.taxTotal).toBe(2_400);
    // The credit note of the pre-change invoice is taxed at its 22 %, whatever the date.
    const invoice = { status: "issued" as const, total: issuedBefore.totals.total, amountPaid: 0, amountCredited: 0, taxGroups: issuedBefore.totals.taxBreakdown, alreadyCredited: [] };
    const credit = planCreditNote(invoice, [{ description: "Refund", quantity: 1, unitPrice: 5_000 }]);
    expect(credit.lines.map((l) => l.taxRatePpm)).toEqual([220_000]);
    expect(credit.totals.taxTotal).toBe(1_100);
  });
});

describe("assertRateChains", () => {
  it("refuses a gap, an overlap and an empty period, naming which", () => {
    expect(() => assertRateChains([r("X", 1, "2020-01-01", "2021-01-01"), r("X", 2, "2021-02-01", null)])).toThrow(/no rate between 2021-01-01 and 2021-02-01/);
    expect(() => assertRateChains([r("X", 1, "2020-01-01", "2021-03-01"), r("X", 2, "2021-02-01", null)])).toThrow(/overlaps/);
    expect(() => assertRateChains([r("X", 1, "2020-01-01", null), r("X", 2, "2021-02-01", null)])).toThrow(/overlaps/);
    expect(() => assertRateChains([r("X", 1, "2020-01-01", "2020-01-01")])).toThrow(/must end after it starts/);
    // another category or jurisdiction is another chain
    expect(() => assertRateChains([r("X", 1, "2020-01-01", null), r("X", 2, "2021-02-01", null, "reduced"), r("Y", 2, "2021-02-01", null)])).not.toThrow();
  });

  // Cut points 0..n in day offsets; a chain made from consecutive cuts is always valid, and
  // moving one boundary of one period makes it invalid.
  const chainArb = fc.uniqueArray(fc.integer({ min: 0, max: 20_000 }), { minLength: 2, maxLength: 12 }).map((days) => {
    const cuts = [...days].sort((a, b) => a - b).map((d) => addDays("1990-01-01", d));
    return cuts.slice(0, -1).map((from, i) => r("X", 1000 * i, from, i === cuts.length - 2 ? null : cuts[i + 1]!));
  });

  it("accepts every contiguous chain in any order, and refuses it once one period's end moves", () => {
    fc.assert(
      fc.property(chainArb, fc.nat(), fc.integer({ min: -400, max: 400 }).filter((n) => n !== 0), (chain, pick, shift) => {
        expect(() => assertRateChains([...chain].reverse())).not.toThrow();
        const closed = chain.filter((p) => p.effectiveTo !== null);
        if (closed.length === 0) return;
        const victim = closed[pick % closed.length]!;
        const moved = addDays(victim.effectiveTo!, shift);
        const broken = chain.map((p) => (p === victim ? { ...p, effectiveTo: moved } : p));
        expect(() => assertRateChains(broken)).toThrow();
      }),
    );
  });

  it("planned changes always keep a chain contiguous and change only the days from the change on", () => {
    fc.assert(
      fc.property(chainArb, fc.integer({ min: 1, max: 3_000 }), fc.option(fc.integer({ min: 1, max: 800 })), fc.integer({ min: 0, max: 1_000_000 }), (chain, after, length, ppm) => {
        const last = chain.at(-1)!;
        const from = addDays(last.effectiveFrom, after);
        const change: RateChange = { jurisdiction: "X", category: "standard", ratePpm: ppm, effectiveFrom: from, effectiveTo: length === null ? null : addDays(from, length), source: "feed" };
        const next = applyPlan(chain, planRateChange(chain, change, from));
        expect(() => assertRateChains(next)).not.toThrow();
        expect(chainCovers(next, change)).toBe(true);
        // every day before the change keeps its rate
        for (let d = chain[0]!.effectiveFrom; d < from; d = addDays(d, 97)) expect(rateInForce(next, "X", "standard", d)).toBe(rateInForce(chain, "X", "standard", d));
        // a temporary change ends with the previous rate resuming
        if (change.effectiveTo !== null) expect(rateInForce(next, "X", "standard", change.effectiveTo)).toBe(last.ratePpm);
      }),
    );
  });
});

describe("planRateChange", () => {
  const DE_BEFORE = [r("DE", 160_000, "1998-04-01", "2007-01-01"), r("DE", 190_000, "2007-01-01", null)];

  it("applies the DE 2020 temporary cut: closes the open 19 %, inserts 16 % until 2021-01-01 and 19 % again after", () => {
    const change: RateChange = { jurisdiction: "DE", category: "standard", ratePpm: 160_000, effectiveFrom: "2020-07-01", effectiveTo: "2021-01-01", source: "Corona-Steuerhilfegesetz" };
    const plan = planRateChange(DE_BEFORE, change, "2020-06-10");
    expect(plan.close).toEqual({ effectiveFrom: "2007-01-01", effectiveTo: "2020-07-01" });
    expect(plan.insert.map((p) => [p.ratePpm, p.effectiveFrom, p.effectiveTo])).toEqual([
      [160_000, "2020-07-01", "2021-01-01"],
      [190_000, "2021-01-01", null],
    ]);
    const after = applyPlan(DE_BEFORE, plan);
    expect(["2020-06-30", "2020-07-01", "2020-12-31", "2021-01-01"].map((d) => rateInForce(after, "DE", "standard", d))).toEqual([190_000, 160_000, 160_000, 190_000]);
  });

  it("applies EE 24 % from 2025-07-01 and FI 25.5 % from 2024-09-01 as open-ended changes", () => {
    const ee = applyPlan(EE.slice(0, 2).map((p, i) => (i === 1 ? { ...p, effectiveTo: null } : p)), planRateChange([EE[0]!, { ...EE[1]!, effectiveTo: null }], { jurisdiction: "EE", category: "standard", ratePpm: 240_000, effectiveFrom: "2025-07-01", effectiveTo: null, source: "KMS" }, "2025-06-01"));
    expect(ee.map((p) => [p.ratePpm, p.effectiveFrom, p.effectiveTo])).toEqual(EE.map((p) => [p.ratePpm, p.effectiveFrom, p.effectiveTo]));
    const fiBefore = [{ ...FI[0]!, effectiveTo: null }];
    const fi = applyPlan(fiBefore, planRateChange(fiBefore, { jurisdiction: "FI", category: "standard", ratePpm: 255_000, effectiveFrom: "2024-09-01", effectiveTo: null, source: "ALV" }, "2024-08-31"));
    expect(rateInForce(fi, "FI", "standard", "2024-08-31")).toBe(240_000);
    expect(rateInForce(fi, "FI", "standard", "2024-09-01")).toBe(255_000);
  });

  it("never rewrites the past or history already in the table", () => {
    const change = (from: string): RateChange => ({ jurisdiction: "DE", category: "standard", ratePpm: 150_000, effectiveFrom: from, effectiveTo: null, source: "x" });
    expect(() => planRateChange(DE_BEFORE, change("2026-01-01"), "2026-01-02")).toThrow(/before today/);
    expect(() => planRateChange(DE_BEFORE, change("2007-01-01"), "2000-01-01")).toThrow(/must start after it/);
    expect(() => planRateChange(DE_BEFORE, change("2005-01-01"), "2000-01-01")).toThrow(/must start after it/);
  });
});

describe("diffFeed", () => {
  it("stages only what the table lacks and is still relevant", () => {
    const table: TaxRate[] = [r("DE", 190_000, "2007-01-01", null)];
    const feed: RateChange[] = DE.map((p) => ({ ...p }));
    // 2020-06-10: the 16 % period is new; the 19 % before and after it are what the table says.
    expect(diffFeed(table, feed, "2020-06-10").map((c) => [c.ratePpm, c.effectiveFrom])).toEqual([[160_000, "2020-07-01"]]);
    // once applied, nothing is staged again
    expect(diffFeed(DE, feed, "2020-06-10")).toEqual([]);
    // a period that ended before today is history: never staged
    expect(diffFeed(table, feed, "2021-02-01")).toEqual([]);
  });

  it("refuses a feed that is not itself a chain", () => {
    expect(() => diffFeed([], [r("DE", 1, "2020-01-01", null), r("DE", 2, "2021-01-01", null)], "2020-01-01")).toThrow(/overlaps/);
  });
});

describe("rateAlerts", () => {
  const base = { today: "2026-06-01", horizon: "2026-07-01", daysUntil: (d: string) => Math.round((Date.parse(d) - Date.parse("2026-06-01")) / 86_400_000) };

  it("alerts a pending change due within the horizon, not a later one", () => {
    const pending = [
      { id: "trc_soon", jurisdiction: "DE", category: "standard", ratePpm: 1, effectiveFrom: "2026-06-20", effectiveTo: null, source: "x" },
      { id: "trc_late", jurisdiction: "DE", category: "standard", ratePpm: 1, effectiveFrom: "2026-09-01", effectiveTo: null, source: "x" },
    ];
    expect(rateAlerts({ ...base, table: DE, pending, inUse: [] })).toEqual([{ kind: "change_due_soon", jurisdiction: "DE", category: "standard", effectiveFrom: "2026-06-20", daysLeft: 19, changeId: "trc_soon" }]);
  });

  it("alerts a jurisdiction in use with no rate today, or whose last period ends within the horizon", () => {
    const table = [...DE, r("ES", 210_000, "2012-09-01", "2026-06-15")];
    const inUse = [
      { jurisdiction: "DE", category: "standard" },
      { jurisdiction: "PT", category: "standard" },
      { jurisdiction: "ES", category: "standard" },
      { jurisdiction: "DE", category: "standard" },
    ];
    expect(rateAlerts({ ...base, table, pending: [], inUse })).toEqual([
      { kind: "rate_missing", jurisdiction: "PT", category: "standard", date: "2026-06-01" },
      { kind: "rate_missing", jurisdiction: "ES", category: "standard", date: "2026-06-15" },
    ]);
  });
});
