import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CONTACT_OWNERS, FIELD_GROUPS, ownerOf, threeWay, type Fields, type Owner } from "../../../workers/domain/erp/three-way.ts";
import { checkAlerts } from "../../../workers/domain/erp/alert-rules.ts";
import { planRemoteInvoice, planRemotePayment, type InvoiceView, type LocalInvoice } from "../../../workers/domain/erp/remote-changes.ts";

const OWNERS: Owner[] = ["ledgerline", "erp", "first", "review"];

describe("ownerOf", () => {
  it("gives amounts to Ledgerline, payment and status to whoever is first, contacts to the setting", () => {
    for (const c of CONTACT_OWNERS) {
      expect(FIELD_GROUPS.map((g) => ownerOf(g, c))).toEqual(["ledgerline", "first", "first", c]);
    }
  });
});

describe("threeWay: every combination of who changed what", () => {
  // Values 0/1/2 for one field: base is 0; each side keeps it (0) or moves it (1 or 2).
  const cases: Array<[number, number, Owner, string]> = [];
  for (const ours of [0, 1, 2])
    for (const theirs of [0, 1, 2])
      for (const owner of OWNERS) {
        let expected: string;
        if (theirs === 0) expected = ours === 0 ? "unchanged" : "outbound";
        else if (theirs === ours) expected = "converged";
        else if (ours !== 0) expected = "conflict";
        else expected = owner === "ledgerline" ? "ignore" : owner === "review" ? "conflict" : "apply";
        cases.push([ours, theirs, owner, expected]);
      }
  it.each(cases)("ours %i theirs %i owner %s → %s", (ours, theirs, owner, expected) => {
    expect(threeWay("amounts", owner, { v: 0 }, { v: ours }, { v: theirs }).kind).toBe(expected);
  });

  const fields = fc.dictionary(fc.constantFrom("a", "b", "c"), fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constant(null), fc.constantFrom("x", "y")), {
    maxKeys: 3,
  }) as fc.Arbitrary<Fields>;
  it("never applies or ignores when we changed the group too, and never touches what the ERP did not change", () => {
    fc.assert(
      fc.property(fields, fields, fields, fc.constantFrom(...OWNERS), (base, ours, theirs, owner) => {
        const d = threeWay("contact", owner, base, ours, theirs);
        const weChanged = Object.keys({ ...base, ...ours }).some((f) => (base[f] ?? null) !== (ours[f] ?? null));
        if (d.kind === "apply" || d.kind === "ignore") {
          expect(weChanged).toBe(false);
          for (const f of d.fields) expect(theirs[f] ?? null).not.toBe(base[f] ?? null);
        }
        if (d.kind === "apply") expect(["erp", "first"]).toContain(owner);
        if (d.kind === "ignore") expect(owner).toBe("ledgerline");
        // Applying the ERP's fields to ours makes the sides agree (apply is complete).
        if (d.kind === "apply") {
          const merged = { ...ours, ...Object.fromEntries(d.fields.map((f) => [f, theirs[f] ?? null])) };
          expect(threeWay("contact", owner, base, merged, theirs).kind).toBe("converged");
        }
      }),
    );
  });

  it("never conflicts when both sides hold the same values", () => {
    fc.assert(
      fc.property(fields, fields, fc.constantFrom(...OWNERS), (base, side, owner) => {
        expect(["unchanged", "converged"]).toContain(threeWay("status", owner, base, side, side).kind);
      }),
    );
  });
});

const inv = (v: Partial<LocalInvoice> = {}): LocalInvoice => ({ status: "open", total: 10_000, amountPaid: 0, amountCredited: 0, ...v });
const view = (v: Partial<InvoiceView> = {}): InvoiceView => ({ status: "open", total: 10_000, amountPaid: 0, ...v });

describe("planRemoteInvoice", () => {
  it("applies a void made only in the ERP to an unpaid invoice", () => {
    expect(planRemoteInvoice(view(), inv(), view({ status: "void" }), "review")).toEqual([{ kind: "void", group: "status" }]);
  });
  it("sends a void of an invoice paid here to review (both sides changed its settlement)", () => {
    const [a] = planRemoteInvoice(view(), inv({ amountPaid: 500 }), view({ status: "void" }), "review");
    expect(a).toMatchObject({ kind: "conflict", group: "status", ours: { status: "open" }, theirs: { status: "void" }, base: { status: "open" } });
  });
  it("ignores a total changed in the ERP (amounts are Ledgerline's), with the reason", () => {
    expect(planRemoteInvoice(view(), inv(), view({ total: 9_000 }), "erp")).toEqual([
      { kind: "ignore", group: "amounts", fields: ["total"], reason: expect.stringContaining("belong to Ledgerline") },
    ]);
  });
  it("picks up a payment made in the ERP from its payments, not by copying the paid amount", () => {
    expect(planRemoteInvoice(view(), inv(), view({ status: "paid", amountPaid: 10_000 }), "review")).toEqual([{ kind: "poll_payments", group: "payment" }]);
  });
  it("does nothing when both sides already agree, or only we changed", () => {
    expect(planRemoteInvoice(view(), inv({ status: "void" }), view({ status: "void" }), "review")).toEqual([]);
    expect(planRemoteInvoice(view(), inv({ amountPaid: 300 }), view(), "review")).toEqual([]);
  });
  it("never voids an invoice with money on it, whatever the sides say", () => {
    const status = fc.constantFrom<"open" | "paid" | "void">("open", "paid", "void");
    fc.assert(
      fc.property(status, status, status, fc.nat(10_000), fc.nat(10_000), fc.nat(10_000), (bs, os, ts, paid, credited, theirPaid) => {
        const actions = planRemoteInvoice(
          view({ status: bs }),
          inv({ status: os, amountPaid: paid, amountCredited: credited }),
          view({ status: ts, amountPaid: theirPaid }),
          "review",
        );
        if (paid > 0 || credited > 0) expect(actions.some((a) => a.kind === "void")).toBe(false);
        expect(actions.filter((a) => a.kind === "void").length).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe("planRemotePayment", () => {
  const base = { ours: false, alreadyApplied: false, invoice: { ...inv(), currency: "EUR" }, amount: 4_000, currency: "EUR" };
  it("applies a payment the ERP recorded first", () => expect(planRemotePayment(base).kind).toBe("apply"));
  it("skips our own payments and ones applied already", () => {
    expect(planRemotePayment({ ...base, ours: true })).toEqual({ kind: "skip", reason: "sent from Ledgerline" });
    expect(planRemotePayment({ ...base, alreadyApplied: true })).toEqual({ kind: "skip", reason: "already applied" });
  });
  it("sends to review what would over-settle, a void invoice, another currency", () => {
    expect(planRemotePayment({ ...base, invoice: { ...base.invoice, amountPaid: 7_000 } }).kind).toBe("conflict");
    expect(planRemotePayment({ ...base, invoice: { ...base.invoice, status: "void" } }).kind).toBe("conflict");
    expect(planRemotePayment({ ...base, currency: "USD" }).kind).toBe("conflict");
  });
  it("ignores payments of documents we never sent", () => expect(planRemotePayment({ ...base, invoice: null }).kind).toBe("ignore"));
  it("applies only what fits the open balance (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20_000 }),
        fc.nat(10_000),
        fc.nat(10_000),
        fc.integer({ min: -5, max: 20_000 }),
        (total, paid, credited, amount) => {
          const a = planRemotePayment({ ...base, amount, invoice: { ...inv({ total, amountPaid: paid, amountCredited: credited }), currency: "EUR" } });
          if (a.kind === "apply") {
            expect(amount).toBeGreaterThan(0);
            expect(amount).toBeLessThanOrEqual(total - paid - credited);
          }
        },
      ),
    );
  });
});

describe("checkAlerts", () => {
  it("crosses only strictly above the threshold, lag being the slower of p95 and the oldest waiting", () => {
    fc.assert(
      fc.property(fc.option(fc.nat(10_000), { nil: null }), fc.option(fc.nat(10_000), { nil: null }), fc.nat(500), fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 0, max: 400 }), (p95, oldest, failed, maxLag, maxFailed) => {
        const [lag, fail] = checkAlerts({ p95LagSeconds: p95, oldestPendingAgeSeconds: oldest, failed }, { maxLagSeconds: maxLag, maxFailed });
        expect(lag!.value).toBe(Math.max(p95 ?? 0, oldest ?? 0));
        expect(lag!.crossed).toBe(lag!.value > maxLag);
        expect(fail!.crossed).toBe(failed > maxFailed);
      }),
    );
  });
});
