// The guarantees no competitor promises, for any generated cadence, calendar, timezone and
// event history: no send in quiet hours, over the weekly cap, to an opted-out channel, after
// payment, or during a dispute.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays } from "../../../../workers/domain/dates.ts";
import { type Cadence, CHANNELS, type CadenceStep, ESCALATIONS } from "../../../../workers/domain/dunning/cadence.ts";
import { type CustomerState, inPeriod, type Period } from "../../../../workers/domain/dunning/customer-state.ts";
import { localPartsAt } from "../../../../workers/domain/dunning/local-time.ts";
import { plan } from "../../../../workers/domain/dunning/planner.ts";

const START = Date.parse("2026-01-01T00:00:00Z");
const DAY = 86_400_000;
const ZONES = ["UTC", "Europe/Madrid", "Europe/London", "America/New_York", "America/Los_Angeles", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/St_Johns"];

const instant = fc.integer({ min: 0, max: 130 * DAY }).map((ms) => new Date(START + ms - (ms % 60_000)).toISOString());
const period: fc.Arbitrary<Period> = fc.tuple(instant, fc.option(instant, { nil: null })).map(([a, b]) => (b !== null && b < a ? { from: b, to: a } : { from: a, to: b }));

const step = (i: number): fc.Arbitrary<CadenceStep> =>
  fc.record({
    id: fc.constant(`s${i}`),
    trigger: fc.oneof(
      fc.record({ type: fc.constant("days_after_due" as const), days: fc.integer({ min: -10, max: 100 }) }),
      fc.record({ type: fc.constant("enter_bucket" as const), bucket: fc.constantFrom("1-30", "31-60", "61-90", "90+") }),
    ),
    channels: fc.uniqueArray(fc.constantFrom(...CHANNELS), { minLength: 0, maxLength: 3 }),
    templates: fc.constant({ en: { body: "{{customerName}} owes {{amountDue}}" } }),
    escalations: fc.uniqueArray(fc.constantFrom(...ESCALATIONS), { maxLength: 2 }),
  });

const cadence: fc.Arbitrary<Cadence> = fc
  .tuple(
    fc.integer({ min: 1, max: 8 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => step(i)))),
    fc.integer({ min: 0, max: 23 * 60 }),
    fc.integer({ min: 30, max: 24 * 60 }),
    fc.integer({ min: 0, max: 24 * 60 - 1 }),
    fc.integer({ min: 0, max: 72 }),
    fc.integer({ min: 1, max: 7 }),
  )
  .map(([steps, start, len, sendAt, gap, cap]) => ({
    id: "cad",
    version: 1,
    name: "generated",
    segments: [],
    defaultLanguage: "en",
    steps,
    suppression: { windowStartMinute: start, windowEndMinute: Math.min(24 * 60, start + len), sendAtMinute: sendAt, minGapHours: gap, weeklyCap: cap, minAmount: 0 },
  }));

const state: fc.Arbitrary<CustomerState> = fc.record({
  customerId: fc.constant("cus_p"),
  name: fc.constant("P"),
  segment: fc.constant("smb"),
  language: fc.constantFrom("en", "es"),
  timezone: fc.constantFrom(...ZONES),
  doNotContact: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  preferredChannels: fc.uniqueArray(fc.constantFrom(...CHANNELS)),
  channels: fc.uniqueArray(
    fc.record({ channel: fc.constantFrom(...CHANNELS), address: fc.constant("x"), consent: fc.boolean(), optOuts: fc.array(period, { maxLength: 2 }), unreachableAt: fc.option(instant, { nil: null }) }),
    { selector: (c) => c.channel },
  ),
  invoices: fc.array(
    fc.record({
      id: fc.uuid(),
      number: fc.constant("N"),
      currency: fc.constant("EUR"),
      dueDate: fc.integer({ min: -60, max: 100 }).map((d) => addDays("2026-01-01", d)),
      amountDue: fc.integer({ min: 1, max: 100000 }),
      settledAt: fc.option(instant, { nil: null }),
      disputes: fc.array(period, { maxLength: 2 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  promises: fc.array(fc.record({ madeAt: instant, until: fc.integer({ min: 0, max: 120 }).map((d) => addDays("2026-01-01", d)) }), { maxLength: 1 }),
  sentAt: fc.array(instant, { maxLength: 3 }),
  paymentLinkBase: fc.constant("https://pay.example/"),
});

const holidays = fc.array(fc.integer({ min: 0, max: 120 }).map((d) => addDays("2026-01-01", d)), { maxLength: 10 });

describe("plan guarantees (property)", () => {
  it("never sends in quiet hours, over the cap or the gap, to a blocked channel, after payment, during a dispute or a promise", () => {
    fc.assert(
      fc.property(state, cadence, holidays, (s, c, hol) => {
        const schedule = plan(s, c, { holidays: hol }, "2026-01-01", "2026-04-30");
        const sends = schedule.messages.filter((m) => m.status === "send");
        const history = [...s.sentAt.map((t) => Date.parse(t)), ...sends.map((m) => Date.parse(m.at))].sort((a, b) => a - b);
        for (const m of sends) {
          const local = localPartsAt(Date.parse(m.at), s.timezone);
          expect(local.minuteOfDay).toBeGreaterThanOrEqual(c.suppression.windowStartMinute);
          expect(local.minuteOfDay).toBeLessThan(c.suppression.windowEndMinute);
          expect(local.date).toBe(m.localDate);
          expect(hol).not.toContain(m.localDate);
          const t = Date.parse(m.at);
          expect(history.filter((h) => h > t - 7 * DAY && h <= t).length).toBeLessThanOrEqual(c.suppression.weeklyCap);
          const ch = s.channels.find((x) => x.channel === m.channel);
          expect(ch?.consent).toBe(true);
          expect(inPeriod(ch?.optOuts ?? [], m.at)).toBe(false);
          expect(ch?.unreachableAt === null || (ch?.unreachableAt ?? "") > m.at).toBe(true);
          expect(s.doNotContact).toBe(false);
          expect(s.promises.some((p) => p.madeAt <= m.at && m.localDate <= p.until)).toBe(false);
          expect(m.invoiceIds.length).toBeGreaterThan(0);
          for (const id of m.invoiceIds) {
            const inv = s.invoices.find((i) => i.id === id);
            expect(inv?.settledAt === null || (inv?.settledAt ?? "") > m.at).toBe(true);
            expect(inPeriod(inv?.disputes ?? [], m.at)).toBe(false);
          }
        }
        // One message per customer per step day, and one send per day at most.
        const days = sends.map((m) => m.localDate);
        expect(new Set(days).size).toBe(days.length);
        for (const m of schedule.messages.filter((x) => x.status === "suppressed")) expect(m.reason).toBeDefined();
      }),
      { numRuns: 400 },
    );
  });

  it("is deterministic and re-planning a sub-range with the sends so far gives the same sends", () => {
    fc.assert(
      fc.property(state, cadence, fc.integer({ min: 1, max: 100 }), (s, c, split) => {
        const whole = plan(s, c, { holidays: [] }, "2026-01-01", "2026-04-30").messages.filter((m) => m.status === "send");
        expect(plan(s, c, { holidays: [] }, "2026-01-01", "2026-04-30").messages.filter((m) => m.status === "send")).toEqual(whole);
        const cut = addDays("2026-01-01", split);
        const first = whole.filter((m) => m.localDate < cut);
        const rest = plan({ ...s, sentAt: [...s.sentAt, ...first.map((m) => m.at)] }, c, { holidays: [] }, cut, "2026-04-30").messages.filter((m) => m.status === "send");
        expect(rest).toEqual(whole.filter((m) => m.localDate >= cut));
      }),
      { numRuns: 200 },
    );
  });
});
