import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_RETRAIN_POLICY, retrainReason } from "../../../../workers/domain/forecast/retrain-policy.ts";

const DAY = 86_400_000;
const now = Date.UTC(2026, 11, 2, 4, 40);

describe("retrainReason", () => {
  it("trains a franchise with invoices that never trained, and leaves one without invoices alone", () => {
    expect(retrainReason({ lastTrainedAt: null, invoicesSince: 1, now })).toBe("never_trained");
    expect(retrainReason({ lastTrainedAt: null, invoicesSince: 0, now })).toBeNull();
  });

  it("refreshes a week-old run (the daily cron's jitter counts), not a six-day-old one", () => {
    expect(retrainReason({ lastTrainedAt: now - 6 * DAY, invoicesSince: 0, now })).toBeNull();
    expect(retrainReason({ lastTrainedAt: now - 7 * DAY + 10 * 60_000, invoicesSince: 0, now })).toBe("stale");
    expect(retrainReason({ lastTrainedAt: now - 30 * DAY, invoicesSince: 0, now })).toBe("stale");
  });

  it("retrains early at the new-invoice threshold, not one below", () => {
    const t = DEFAULT_RETRAIN_POLICY.newInvoices;
    expect(retrainReason({ lastTrainedAt: now - DAY, invoicesSince: t - 1, now })).toBeNull();
    expect(retrainReason({ lastTrainedAt: now - DAY, invoicesSince: t, now })).toBe("new_invoices");
    expect(retrainReason({ lastTrainedAt: now - DAY, invoicesSince: 5, now }, { maxAgeDays: 7, newInvoices: 5 })).toBe("new_invoices");
  });

  it("is monotone: more invoices or an older run never makes a due franchise not due", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 500 }), (ageDays, since, extra) => {
        const base = retrainReason({ lastTrainedAt: now - ageDays * DAY, invoicesSince: since, now });
        if (base === null) return;
        expect(retrainReason({ lastTrainedAt: now - ageDays * DAY, invoicesSince: since + extra, now })).not.toBeNull();
        expect(retrainReason({ lastTrainedAt: now - (ageDays + 1) * DAY, invoicesSince: since, now })).not.toBeNull();
      }),
    );
  });
});
