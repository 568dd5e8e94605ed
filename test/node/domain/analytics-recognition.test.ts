import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays } from "../../../workers/domain/dates.ts";
import { AMOUNT_FIELDS, CellAccumulator, type CellAmounts, type CellKey } from "../../../workers/domain/analytics/cells.ts";
import { creditNoteContributions, invoiceContributions, lineSchedule, settlementContributions, type RecognitionInvoice } from "../../../workers/domain/analytics/recognition.ts";
import { splitByWeights } from "../../../workers/domain/analytics/split.ts";
import { revenueSeries } from "../../../workers/domain/analytics/revenue-series.ts";
import { cei, dso, median, profitability } from "../../../workers/domain/analytics/kpis.ts";
import { checkDayPeriod, checkMonthPeriod, monthRangeDays, previousPeriod } from "../../../workers/domain/analytics/periods.ts";

const BASE = "2025-01-01";
const dayArb = fc.integer({ min: 0, max: 400 }).map((n) => addDays(BASE, n));

const lineArb = fc.record({
  netAmount: fc.integer({ min: 0, max: 5_000_000 }),
  serviceTypeId: fc.constantFrom("svt_a", "svt_b", null),
  period: fc.option(fc.tuple(fc.integer({ min: -60, max: 60 }), fc.integer({ min: 0, max: 120 })), { nil: null }),
});

/** A random issued invoice, maybe voided later, with credit notes after it (never more than its net). */
const docArb = fc
  .record({
    issue: dayArb,
    dueIn: fc.integer({ min: 0, max: 60 }),
    lines: fc.array(lineArb, { minLength: 1, maxLength: 4 }),
    taxPct: fc.integer({ min: 0, max: 25 }),
    credits: fc.array(fc.record({ after: fc.integer({ min: 0, max: 200 }), share: fc.double({ min: 0.01, max: 1, noNaN: true }) }), { maxLength: 3 }),
    voided: fc.boolean(),
  })
  .map((d) => {
    const lines = d.lines.map((l) => ({
      netAmount: l.netAmount,
      serviceTypeId: l.serviceTypeId,
      servicePeriodStart: l.period ? addDays(d.issue, l.period[0]) : null,
      servicePeriodEnd: l.period ? addDays(d.issue, l.period[0] + l.period[1]) : null,
    }));
    const subtotal = lines.reduce((s, l) => s + l.netAmount, 0);
    const total = subtotal + Math.floor((subtotal * d.taxPct) / 100);
    const inv: RecognitionInvoice = { branchId: "br_1", currency: "EUR", issueDate: d.issue, dueDate: addDays(d.issue, d.dueIn), total, lines };
    let left = subtotal;
    const credits = d.voided
      ? []
      : d.credits.flatMap((c) => {
          const net = Math.floor(left * c.share);
          if (net <= 0) return [];
          left -= net;
          return [{ issueDate: addDays(d.issue, c.after), subtotal: net, total: net + Math.floor((net * d.taxPct) / 100) }];
        });
    return { inv, credits, voided: d.voided };
  });

type Cell = CellKey & CellAmounts;
const sumThrough = (cells: Cell[], day: string, f: keyof CellAmounts) => cells.filter((c) => c.day <= day).reduce((s, c) => s + c[f], 0);

function cellsOf(docs: { inv: RecognitionInvoice; credits: { issueDate: string; subtotal: number; total: number }[]; voided: boolean }[]): Cell[] {
  const acc = new CellAccumulator();
  for (const d of docs) {
    acc.add(invoiceContributions(d.inv));
    for (const cn of d.credits) acc.add(creditNoteContributions(d.inv, cn));
    if (d.voided) acc.add(invoiceContributions(d.inv), -1);
  }
  return acc.nonZero();
}

/** Independent oracle: a line's revenue still to recognize after day d, net of credits issued by d. */
function oracleDeferred(docs: { inv: RecognitionInvoice; credits: { issueDate: string; subtotal: number }[]; voided: boolean }[], d: string): number {
  let deferred = 0;
  for (const { inv, credits, voided } of docs) {
    if (voided || inv.issueDate > d) continue;
    inv.lines.forEach((line) => {
      const schedule = lineSchedule(line, inv.issueDate);
      const future = schedule.filter((s) => s.day > d).reduce((s, x) => s + x.amount, 0);
      deferred += future;
    });
    for (const cn of credits) {
      if (cn.issueDate > d) continue;
      const perLine = splitByWeights(cn.subtotal, inv.lines.map((l) => l.netAmount));
      inv.lines.forEach((line, i) => {
        const schedule = lineSchedule(line, inv.issueDate);
        const rev = splitByWeights(perLine[i] ?? 0, schedule.map((s) => s.amount));
        deferred -= schedule.reduce((s, x, j) => s + (x.day > d ? (rev[j] ?? 0) : 0), 0);
      });
    }
  }
  return deferred;
}

describe("revenue recognition", () => {
  it("splits exactly: parts sum to the total and differ by at most one cent from proportional", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.array(fc.integer({ min: 0, max: 1e6 }), { minLength: 1, maxLength: 40 }), (total, weights) => {
        const parts = splitByWeights(total, weights);
        const sum = weights.reduce((a, b) => a + b, 0);
        expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
        if (sum > 0) parts.forEach((p, i) => expect(Math.abs(p - (total * (weights[i] ?? 0)) / sum)).toBeLessThan(1.0001));
      }),
    );
  });

  it("a monthly service period is recognized ratably by day; a line without one on the issue date", () => {
    const inv: RecognitionInvoice = {
      branchId: "br_1", currency: "EUR", issueDate: "2025-03-01", dueDate: "2025-03-31", total: 3720,
      lines: [
        { netAmount: 3100, serviceTypeId: "svt_a", servicePeriodStart: "2025-03-01", servicePeriodEnd: "2025-03-31" },
        { netAmount: 500, serviceTypeId: null, servicePeriodStart: null, servicePeriodEnd: null },
      ],
    };
    const cells = cellsOf([{ inv, credits: [], voided: false }]);
    const rec = cells.filter((c) => c.recognized !== 0);
    expect(rec.filter((c) => c.serviceTypeId === "svt_a")).toHaveLength(31);
    expect(rec.every((c) => c.serviceTypeId !== "svt_a" || c.recognized === 100)).toBe(true);
    expect(rec.find((c) => c.serviceTypeId === "")?.recognized).toBe(500);
    // deferred after the 10th: 21 days of svt_a
    expect(sumThrough(cells, "2025-03-10", "billedNet") - sumThrough(cells, "2025-03-10", "recognized")).toBe(2100);
  });

  it("a credit note reverses already-recognized days on its date and later days on theirs", () => {
    const inv: RecognitionInvoice = { branchId: "br_1", currency: "EUR", issueDate: "2025-03-01", dueDate: null, total: 3000,
      lines: [{ netAmount: 3000, serviceTypeId: "svt_a", servicePeriodStart: "2025-04-01", servicePeriodEnd: "2025-04-30" }] };
    const cells = cellsOf([{ inv, credits: [{ issueDate: "2025-04-11", subtotal: 1500, total: 1500 }], voided: false }]);
    const on = (day: string) => cells.find((c) => c.day === day && c.serviceTypeId === "svt_a")?.recognized ?? 0;
    expect(on("2025-04-01")).toBe(100);
    expect(on("2025-04-11")).toBe(100 - 50 * 11); // its own 100, less the catch-up of 11 credited days
    expect(on("2025-04-12")).toBe(50);
    expect(sumThrough(cells, "2025-12-31", "recognized")).toBe(1500);
  });

  it("property: deferred(d) = billed − credited − recognized to the cent, equals the oracle, never negative; void recognizes nothing", () => {
    fc.assert(
      fc.property(fc.array(docArb, { minLength: 1, maxLength: 8 }), dayArb, (docs, d) => {
        const cells = cellsOf(docs);
        const deferred = sumThrough(cells, d, "billedNet") - sumThrough(cells, d, "creditedNet") - sumThrough(cells, d, "recognized");
        expect(deferred).toBe(oracleDeferred(docs, d));
        expect(deferred).toBeGreaterThanOrEqual(0);
        // in the end everything billed and not credited is recognized; a voided invoice leaves no trace
        const end = "2030-01-01";
        const live = docs.filter((x) => !x.voided);
        const billed = live.reduce((s, x) => s + x.inv.lines.reduce((a, l) => a + l.netAmount, 0), 0);
        const credited = live.reduce((s, x) => s + x.credits.reduce((a, c) => a + c.subtotal, 0), 0);
        expect(sumThrough(cells, end, "recognized")).toBe(billed - credited);
        expect(sumThrough(cells, end, "billedGross")).toBe(live.reduce((s, x) => s + x.inv.total, 0));
        // one issued invoice per live invoice, counted on its issue date (the dispute rate's denominator)
        expect(sumThrough(cells, end, "invoicesIssued")).toBe(live.length);
        expect(sumThrough(cells, d, "invoicesIssued")).toBe(live.filter((x) => x.inv.issueDate <= d).length);
      }),
      { numRuns: 300 },
    );
  });

  it("overdue at the end of a day = totals past due less what settled them by then", () => {
    const inv: RecognitionInvoice = { branchId: "br_1", currency: "EUR", issueDate: "2025-01-01", dueDate: "2025-01-31", total: 1000, lines: [{ netAmount: 1000, serviceTypeId: null, servicePeriodStart: null, servicePeriodEnd: null }] };
    const acc = new CellAccumulator().add(invoiceContributions(inv));
    acc.add(settlementContributions(inv, { date: "2025-01-20", amount: 300, kind: "cash" }));
    acc.add(settlementContributions(inv, { date: "2025-02-10", amount: 200, kind: "credit" }));
    acc.add(creditNoteContributions(inv, { issueDate: "2025-02-20", subtotal: 100, total: 100 }));
    const cells = acc.nonZero();
    const overdue = (d: string) => sumThrough(cells, d, "overdueDelta");
    expect(overdue("2025-01-31")).toBe(0);
    expect(overdue("2025-02-01")).toBe(700);
    expect(overdue("2025-02-10")).toBe(500);
    expect(overdue("2025-02-20")).toBe(400);
    expect(sumThrough(cells, "2025-12-31", "collected")).toBe(300);
    expect(sumThrough(cells, "2025-12-31", "collectedDays")).toBe(300 * 19);
    for (const f of AMOUNT_FIELDS) for (const c of cells) expect(Number.isInteger(c[f])).toBe(true);
  });
});

describe("revenue series, KPIs and periods", () => {
  it("deferredEnd(m) = deferredEnd(m−1) + billed − credited − recognized", () => {
    const s = revenueSeries(["2025-01", "2025-02", "2025-03"], [{ month: "2025-01", billed: 1000, credited: 0, recognized: 400 }, { month: "2025-03", billed: 0, credited: 100, recognized: 300 }], 50);
    expect(s.map((m) => m.deferredEnd)).toEqual([650, 650, 250]);
  });

  it("KPIs never produce NaN and follow their definitions", () => {
    const base = { billed: 0, collected: 0, credited: 0, creditApplied: 0, recognized: 0, collectedDays: 0, lateDays: 0, outstandingStart: 0, outstandingEnd: 0, overdueEnd: 0, days: 30 };
    expect(dso(base)).toBeNull();
    expect(cei(base)).toBeNull();
    expect(dso({ ...base, billed: 3000, outstandingEnd: 1000 })).toBe(10);
    // opening 1000 + billed 3000, closing 1500 of which 500 overdue → (4000−1500)/(4000−1000)
    expect(cei({ ...base, outstandingStart: 1000, billed: 3000, outstandingEnd: 1500, overdueEnd: 500 })).toBe(83.3);
    expect(median([3, null, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
    expect(profitability(10_000, 6200)).toEqual({ revenue: 10_000, cost: 6200, margin: 3800, marginPct: 38 });
  });

  it("periods: bad ranges name the field; the previous period has the same length", () => {
    expect(checkDayPeriod("2025-02-30", "2025-03-01")?.field).toBe("from");
    expect(checkDayPeriod("2025-03-02", "2025-03-01")?.field).toBe("to");
    expect(checkDayPeriod("2015-01-01", "2025-12-31")?.field).toBe("to");
    expect(checkDayPeriod("2025-01-01", "2025-01-31")).toBeNull();
    expect(previousPeriod({ from: "2025-03-01", to: "2025-03-31" })).toEqual({ from: "2025-01-29", to: "2025-02-28" });
    expect(checkMonthPeriod("2025-13", "2025-12")?.field).toBe("from");
    expect(monthRangeDays("2024-02", "2024-02")).toEqual({ from: "2024-02-01", to: "2024-02-29" });
  });
});
