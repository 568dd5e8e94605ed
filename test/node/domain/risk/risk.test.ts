// The late-payment model: metric values by hand, no look-ahead in the features (property), and
// the targets on the real AR payment histories (time split at 2013-01-01).
import { existsSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { byCustomer, earlierThan, type InvoiceRecord, invoiceFeatures } from "../../../../workers/domain/risk/features.ts";
import { fitLogistic, predictProbability } from "../../../../workers/domain/risk/linear.ts";
import { baselineScores, evaluateScores, scoreInvoices, trainRiskModel } from "../../../../workers/domain/risk/model.ts";
import { auc, brier, calibrationTable, logLoss } from "../../../../workers/domain/risk/risk-metrics.ts";
import { arToInvoices } from "../../../../scripts/ar-to-invoices.ts";
import { parseDay } from "../../../../cli/lib/dates.ts";

const AR = new URL("../../../../../shared/data/ar-payments/ar-payments-train.csv", import.meta.url).pathname;

describe("risk metrics", () => {
  it("AUC counts ordered pairs (ties half), Brier and log loss by hand", () => {
    expect(auc([true, false, true, false], [0.9, 0.1, 0.4, 0.4])).toBeCloseTo((1 + 1 + 1 + 0.5) / 4, 12);
    expect(brier([true, false], [0.8, 0.4])).toBeCloseTo((0.04 + 0.16) / 2, 12);
    expect(logLoss([true, false], [0.8, 0.4])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, 12);
    const cal = calibrationTable([true, false, true], [0.05, 0.08, 0.95]);
    expect(cal.map((b) => [b.count, b.observedRate])).toEqual([
      [2, 0.5],
      [1, 1],
    ]);
  });

  it("logistic regression recovers the direction and calibration of a known logit", () => {
    const x: number[][] = [];
    const y: boolean[] = [];
    for (let i = 0; i < 400; i++) {
      const v = (i % 40) / 4 - 5;
      x.push([v]);
      // Deterministic labels at the rate sigmoid(v): within each block of 20, the first round(20·p) are late.
      y.push((i % 20) / 20 < 1 / (1 + Math.exp(-v)));
    }
    const m = fitLogistic(x, y, 0.01);
    expect(predictProbability(m, [3])).toBeGreaterThan(0.85);
    expect(predictProbability(m, [-3])).toBeLessThan(0.15);
  });
});

const inv = fc.record({
  customerId: fc.constantFrom("a", "b"),
  invoiceId: fc.uuid(),
  issued: fc.integer({ min: 0, max: 400 }),
  amount: fc.double({ min: 1, max: 1e4, noNaN: true }),
  lag: fc.option(fc.integer({ min: 0, max: 90 }), { nil: undefined }),
  disputed: fc.boolean(),
});

describe("features know only the past", () => {
  it("an invoice's features ignore its own outcome, later invoices and settlements after its issue date", () => {
    fc.assert(
      fc.property(fc.array(inv, { minLength: 2, maxLength: 25 }), (raw) => {
        const recs: InvoiceRecord[] = raw.map((r) => ({ ...r, due: r.issued + 30, settled: r.lag === undefined ? undefined : r.issued + r.lag }));
        const pop = { lateRate: 0.3, daysToSettle: 30 };
        const target = recs[0]!;
        const before = invoiceFeatures(target, earlierThan(byCustomer(recs).get(target.customerId)!, target), pop);
        // Rewrite the future: the target's own settlement, every later invoice, every settlement on or after its date.
        const rewritten = recs.map((r, i) =>
          i === 0
            ? { ...r, settled: 999 }
            : r.issued >= target.issued
              ? { ...r, amount: 1, settled: undefined, disputed: !r.disputed }
              : r.settled !== undefined && r.settled >= target.issued
                ? { ...r, settled: r.settled + 50 }
                : r,
        );
        const after = invoiceFeatures(rewritten[0]!, earlierThan(byCustomer(rewritten).get(target.customerId)!, rewritten[0]!), pop);
        expect(after).toEqual(before);
      }),
      { numRuns: 200 },
    );
  });
});

describe.runIf(existsSync(AR))("AR payment histories (time split at 2013-01-01)", () => {
  it("beats the customer's own past late rate and meets AUC ≥ 0.86, Brier ≤ 0.14, days MAE ≤ 6.5", () => {
    const { train, score } = arToInvoices(readFileSync(AR, "utf8"), "2013-01-01");
    const parse = (csv: string): InvoiceRecord[] =>
      csv
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => {
          const c = l.split(",");
          return {
            customerId: c[0]!,
            invoiceId: c[1]!,
            issued: parseDay(c[2]!)!,
            due: parseDay(c[3]!)!,
            amount: Number(c[4]),
            settled: c[5] ? parseDay(c[5]) : undefined,
            disputed: c[6] === "Yes",
          };
        });
    const tr = parse(train);
    const sc = parse(score);
    const history = [...tr, ...sc];
    const model = trainRiskModel(tr, history);
    const ev = evaluateScores(sc, scoreInvoices(model, history, sc));
    const base = evaluateScores(sc, baselineScores(history, sc, tr));
    expect(ev.invoices).toBe(569);
    expect(ev.auc).toBeGreaterThanOrEqual(0.86);
    expect(ev.brier).toBeLessThanOrEqual(0.14);
    expect(ev.daysMae).toBeLessThanOrEqual(6.5);
    expect(ev.auc).toBeGreaterThan(base.auc);
    expect(ev.brier).toBeLessThan(base.brier);
    expect(ev.daysMae).toBeLessThan(base.daysMae);
  });
});
