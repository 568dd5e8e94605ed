import { describe, expect, it } from "vitest";
import { idempotencyKey, plan } from "../../../../workers/domain/dunning/planner.ts";
import { customer, standardCadence } from "./fixtures.ts";

const none: { holidays: string[] } = { holidays: [] };

describe("plan", () => {
  it("prescribes each step on its day at 10:00 local, rendered in the customer's language", () => {
    const s = plan(customer(), standardCadence(), none, "2026-01-01", "2026-03-01");
    const sends = s.messages.filter((m) => m.status === "send");
    expect(sends.map((m) => [m.stepId, m.localDate, m.channel, m.at])).toEqual([
      ["pre", "2026-01-07", "email", "2026-01-07T09:00:00.000Z"],
      ["d1", "2026-01-11", "email", "2026-01-11T09:00:00.000Z"],
      ["d15", "2026-01-25", "email", "2026-01-25T09:00:00.000Z"],
      ["b31", "2026-02-10", "email", "2026-02-10T09:00:00.000Z"],
    ]);
    expect(sends[1]?.body).toBe("Casa Lumen: EUR 163.35 overdue (MAD1-000001). Pay: https://pay.example/cus_1");
    expect(s.escalations).toEqual([{ at: "2026-02-10T09:00:00.000Z", stepId: "b31", actions: ["formal_notice", "notify_branch_manager"], invoiceIds: ["inv_a"] }]);
    const es = plan(customer({ language: "es" }), standardCadence(), none, "2026-01-11", "2026-01-11").messages[0];
    expect(es?.subject).toBe("Vencida");
    expect(es?.language).toBe("es");
  });

  it("re-planning a day already sent does not count that send twice in the cap (historyUntil)", () => {
    // A daily run re-plans the previous local day; its send is already in sentAt.
    const cadence = standardCadence({ suppression: { ...standardCadence().suppression, weeklyCap: 2, minGapHours: 0 }, steps: [standardCadence().steps[1]!, { ...standardCadence().steps[1]!, id: "d2", trigger: { type: "days_after_due", days: 2 } }] });
    const state = customer({ sentAt: ["2026-01-11T09:00:00.000Z"] });
    const now = "2026-01-12T09:00:00.000Z";
    const fixed = plan(state, cadence, none, "2026-01-11", "2026-01-12", undefined, { historyUntil: now }).messages;
    expect(fixed.map((m) => [m.stepId, m.status, m.reason])).toEqual([["d1", "send", undefined], ["d2", "send", undefined]]);
    // Without it, the same send counts twice and the second reminder is wrongly held back.
    const doubled = plan(state, cadence, none, "2026-01-11", "2026-01-12").messages;
    expect(doubled.map((m) => [m.stepId, m.status, m.reason])).toEqual([["d1", "send", undefined], ["d2", "suppressed", "weekly_cap"]]);
  });

  it("batches every overdue invoice of the customer into one message per step day", () => {
    const state = customer({
      invoices: [
        { id: "inv_a", number: "A-1", currency: "EUR", dueDate: "2026-01-10", amountDue: 1000, settledAt: null, disputes: [] },
        { id: "inv_b", number: "A-2", currency: "EUR", dueDate: "2025-12-27", amountDue: 2500, settledAt: null, disputes: [] },
      ],
    });
    const day = plan(state, standardCadence(), none, "2026-01-11", "2026-01-11").messages;
    // inv_a fires d1 and inv_b fires d15 the same day: one message, by the later step, for both.
    expect(day).toHaveLength(1);
    expect(day[0]).toMatchObject({ stepId: "d15", status: "send", invoiceIds: ["inv_b", "inv_a"], amountDue: 3500 });
  });

  it("a payment one minute before the reminder cancels it; one minute after does not", () => {
    const before = plan(customer({ invoices: [{ ...customer().invoices[0]!, settledAt: "2026-01-11T08:59:00.000Z" }] }), standardCadence(), none, "2026-01-11", "2026-01-11");
    expect(before.messages).toEqual([expect.objectContaining({ status: "suppressed", reason: "invoice_paid", stepId: "d1" })]);
    const after = plan(customer({ invoices: [{ ...customer().invoices[0]!, settledAt: "2026-01-11T09:01:00.000Z" }] }), standardCadence(), none, "2026-01-11", "2026-01-11");
    expect(after.messages[0]?.status).toBe("send");
  });

  it("records the reason for every rule that blocks a send", () => {
    const cad = standardCadence();
    const one = (state: Parameters<typeof plan>[0], date = "2026-01-11", c = cad, cal = none) => plan(state, c, cal, date, date).messages.map((m) => [m.channel, m.status, m.reason]);
    expect(one(customer({ invoices: [{ ...customer().invoices[0]!, disputes: [{ from: "2026-01-05T00:00:00Z", to: null }] }] }))).toEqual([["email", "suppressed", "invoice_disputed"]]);
    expect(one(customer({ promises: [{ madeAt: "2026-01-02T00:00:00Z", until: "2026-01-20" }] }))).toEqual([["email", "suppressed", "promise_to_pay"]]);
    expect(one(customer({ doNotContact: true }))).toEqual([["email", "suppressed", "do_not_contact"]]);
    expect(one(customer(), "2026-01-11", cad, { holidays: ["2026-01-11"] })).toEqual([["email", "suppressed", "branch_holiday"]]);
    expect(one(customer(), "2026-01-11", standardCadence({ suppression: { ...cad.suppression, minAmount: 20000 } }))).toEqual([["email", "suppressed", "below_threshold"]]);
    expect(one(customer({ sentAt: ["2026-01-10T20:00:00Z"] }))).toEqual([["email", "suppressed", "min_gap"]]);
    expect(one(customer({ sentAt: ["2026-01-05T09:00:00Z", "2026-01-07T09:00:00Z", "2026-01-09T09:00:00Z"] }))).toEqual([["email", "suppressed", "weekly_cap"]]);
    const optedOut = customer();
    optedOut.channels[0]!.optOuts = [{ from: "2026-01-01T00:00:00Z", to: null }];
    expect(one(optedOut)).toEqual([["email", "suppressed", "opted_out"], ["sms", "send", undefined]]);
    const bounced = customer();
    bounced.channels[0]!.unreachableAt = "2026-01-01T00:00:00Z";
    bounced.channels[1]!.consent = false;
    expect(one(bounced)).toEqual([["email", "suppressed", "channel_unreachable"], ["sms", "suppressed", "no_consent"]]);
  });

  it("the gap rule reads the latest earlier send even when history holds later ones (a re-plan)", () => {
    // History already has a send on Jan 22; planning from Jan 11 sends d1 that day. On Jan 25
    // the latest earlier send is Jan 22 (3 days), inside a 5-day gap: d15 must be held back.
    const cad = standardCadence({ suppression: { ...standardCadence().suppression, minGapHours: 120, weeklyCap: 10 } });
    const schedule = plan(customer({ sentAt: ["2026-01-22T09:00:00Z"] }), cad, none, "2026-01-11", "2026-01-26");
    expect(schedule.messages.map((m) => [m.localDate, m.stepId, m.status, m.reason])).toEqual([
      ["2026-01-11", "d1", "send", undefined],
      ["2026-01-25", "d15", "suppressed", "min_gap"],
    ]);
  });

  it("opting back in ends the opt-out period", () => {
    const state = customer();
    state.channels[0]!.optOuts = [{ from: "2026-01-01T00:00:00Z", to: "2026-01-11T08:00:00Z" }];
    expect(plan(state, standardCadence(), none, "2026-01-11", "2026-01-11").messages[0]).toMatchObject({ channel: "email", status: "send" });
  });

  it("moves the send time into the window and across DST stays in local hours", () => {
    const cad = standardCadence({ suppression: { ...standardCadence().suppression, sendAtMinute: 6 * 60 } });
    const ny = customer({ timezone: "America/New_York", invoices: [{ ...customer().invoices[0]!, dueDate: "2026-03-07" }] });
    // 2026-03-08 is the US spring-forward day: 08:00 EDT = 12:00Z.
    expect(plan(ny, cad, none, "2026-03-08", "2026-03-08").messages[0]?.at).toBe("2026-03-08T12:00:00.000Z");
  });

  it("names each send by customer, step and local date", () => {
    expect(idempotencyKey("cus_1", "d1", "2026-01-11")).toBe("cus_1:d1:2026-01-11");
  });
});
