// Intuit's two webhook formats become the same notifications; junk is skipped, never thrown on;
// the three-way comparison flags only changes the ERP made that we did not.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nextChangedSince, parseQboNotifications, remoteChanges } from "../../../workers/domain/erp/qbo-webhooks.ts";

describe("parseQboNotifications", () => {
  it("reads the legacy eventNotifications and the CloudEvents array alike", () => {
    const legacy = { eventNotifications: [{ realmId: "123", dataChangeEvent: { entities: [{ name: "Invoice", id: "42", operation: "Update", lastUpdated: "2026-03-01T10:00:00.000Z" }, { name: "Payment", id: "7", operation: "Create", lastUpdated: "2026-03-01T10:00:01.000Z" }] } }] };
    const cloud = [
      { specversion: "1.0", id: "e1", source: "intuit.quickbooks", type: "qbo.invoice.updated.v1", time: "2026-03-01T10:00:00.000Z", intuitentityid: "42", intuitaccountid: "123", data: {} },
      { specversion: "1.0", id: "e2", source: "intuit.quickbooks", type: "qbo.payment.created.v1", time: "2026-03-01T10:00:01.000Z", intuitentityid: "7", intuitaccountid: "123", data: {} },
    ];
    const expected = [
      { realmId: "123", entity: "Invoice", id: "42", operation: "Update", at: "2026-03-01T10:00:00.000Z" },
      { realmId: "123", entity: "Payment", id: "7", operation: "Create", at: "2026-03-01T10:00:01.000Z" },
    ];
    expect(parseQboNotifications(legacy)).toEqual(expected);
    expect(parseQboNotifications(cloud)).toEqual(expected);
    expect(parseQboNotifications([{ ...cloud[0], type: "qbo.creditmemo.voided.v1" }])[0]).toMatchObject({ entity: "CreditMemo", operation: "Void" });
  });

  it("never throws on arbitrary JSON and only yields notifications with a realm and an id", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const n of parseQboNotifications(value)) expect(n.realmId && n.id && n.entity).toBeTruthy();
      }),
      { numRuns: 500 },
    );
    expect(parseQboNotifications({ eventNotifications: [{ realmId: "1", dataChangeEvent: { entities: [{ name: "Invoice" }] } }] })).toEqual([]);
    expect(parseQboNotifications([{ type: "something.else" }])).toEqual([]);
  });
});

describe("remoteChanges", () => {
  it("is a conflict only where the ERP moved away from the base and from us", () => {
    const base = { status: "open", total: 100 };
    expect(remoteChanges(base, { status: "voided", total: 100 }, { status: "open", total: 100 })).toEqual(["status"]);
    // We recorded the payment ourselves: QBO paid = ours paid, nothing to review.
    expect(remoteChanges(base, { status: "paid", total: 100 }, { status: "paid", total: 100 })).toEqual([]);
    expect(remoteChanges(base, base, { status: "voided", total: 100 })).toEqual([]);
    expect(remoteChanges(base, { status: "open", total: 1 }, base)).toEqual(["total"]);
  });
});

describe("nextChangedSince", () => {
  it("resumes from the pass's start unless QBO's 1,000-object cap cut it short", () => {
    expect(nextChangedSince("2026-03-01T10:00:00.000Z", 12, "2026-03-01T09:59:00.000Z")).toBe("2026-03-01T10:00:00.000Z");
    expect(nextChangedSince("2026-03-01T10:00:00.000Z", 1000, "2026-03-01T09:00:00.000Z")).toBe("2026-03-01T09:00:00.000Z");
  });
});
