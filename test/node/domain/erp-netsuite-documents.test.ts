// Ledgerline documents as NetSuite record bodies: externalId = our id (so the upsert is the
// idempotency), per-line tax that adds up to our per-group tax (totals to the cent, property
// test), missing mappings that fail with a fix; and NetSuite's errors classified with fix texts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeInvoiceTotals } from "../../../workers/domain/invoice-totals.ts";
import { MissingMapping, mappingTable, taxKey } from "../../../workers/domain/erp/mapping.ts";
import type { SyncDocument } from "../../../workers/domain/erp/xero-documents.ts";
import { internalIdFromLocation, netsuiteCustomerBody, netsuiteInvoiceBody, netsuitePaymentBody, netsuiteTotalOf, toNetSuiteAmount } from "../../../workers/domain/erp/netsuite-documents.ts";
import { assertionRefused, classifyNetSuiteResponse, repeatedLoginFailure } from "../../../workers/domain/erp/netsuite-errors.ts";
import { adaptSlice, SLICE_GROWTH_AFTER } from "../../../workers/domain/erp/rate-budget.ts";

const RATES = [0, 40_000, 100_000, 210_000, 88_750];
const mapping = mappingTable([
  ...RATES.map((r) => ({ kind: "tax" as const, localKey: taxKey("ES", "standard", r), remoteCode: `1${r}` })),
  { kind: "account", localKey: "default", remoteCode: "201" },
  { kind: "account", localKey: "payments", remoteCode: "1" },
]);
const currencies = new Map([["EUR", "4"], ["USD", "1"], ["JPY", "7"]]);

function doc(lines: Array<{ quantityMilli: number; unitPrice: number; discountBps: number; taxRatePpm: number }>, currency = "EUR"): SyncDocument {
  const priced = lines.map((l) => ({ ...l, taxCategory: "standard" as const }));
  const totals = computeInvoiceTotals(priced);
  return {
    id: "inv_01jx", number: "MAD1-000001", currency, issueDate: "2026-01-01", dueDate: "2026-01-31",
    subtotal: totals.subtotal, taxTotal: totals.taxTotal, total: totals.total, taxBreakdown: totals.taxBreakdown,
    lines: priced.map((l, i) => ({ position: i + 1, description: `line ${i}`, quantityMilli: l.quantityMilli, unitPrice: l.unitPrice, netAmount: totals.lineNetAmounts[i]!, serviceTypeId: null, taxCategory: "standard", taxRatePpm: l.taxRatePpm })),
  };
}

const arbLines = fc.array(
  fc.record({ quantityMilli: fc.integer({ min: 1, max: 100_000 }), unitPrice: fc.integer({ min: 0, max: 1_000_000 }), discountBps: fc.integer({ min: 0, max: 5_000 }), taxRatePpm: fc.constantFrom(...RATES) }),
  { minLength: 1, maxLength: 40 },
);
const ctx = { customerId: "1001", jurisdiction: "ES", mapping, currencies };

describe("netsuiteInvoiceBody", () => {
  it("totals to ours to the cent: NetSuite's sum of line amounts and line tax equals our subtotal, tax and total", () => {
    fc.assert(
      fc.property(arbLines, fc.constantFrom("EUR", "USD", "JPY"), (lines, currency) => {
        const d = doc(lines, currency);
        const body = netsuiteInvoiceBody(d, ctx);
        expect(netsuiteTotalOf(body, currency)).toEqual({ subtotal: d.subtotal, tax: d.taxTotal, total: d.total });
      }),
      { numRuns: 500 },
    );
  });

  it("carries our id as externalId and our number as tranId, with item, tax code and currency references", () => {
    const body = netsuiteInvoiceBody(doc([{ quantityMilli: 3000, unitPrice: 4500, discountBps: 0, taxRatePpm: 210_000 }]), ctx);
    expect(body).toMatchObject({ externalId: "inv_01jx", tranId: "MAD1-000001", entity: { id: "1001" }, currency: { id: "4" }, dueDate: "2026-01-31" });
    expect(body.item.items[0]).toEqual({ taxCode: { id: "1210000" }, item: { id: "201" }, description: "line 0", quantity: 3, rate: 45, amount: 135, tax1Amt: 28.35 });
  });

  it("fails loudly, naming what to map, on a missing tax code, item or currency", () => {
    const d = doc([{ quantityMilli: 1000, unitPrice: 100, discountBps: 0, taxRatePpm: 210_000 }]);
    const missing = (m: typeof mapping, c = currencies) => {
      try {
        netsuiteInvoiceBody(d, { ...ctx, mapping: m, currencies: c });
      } catch (e) {
        return e as MissingMapping;
      }
      throw new Error("expected a MissingMapping");
    };
    expect(missing(mappingTable([{ kind: "account", localKey: "default", remoteCode: "201" }])).fix).toBe("Tax rate ES standard 21% has no NetSuite tax code: map it under Integrations → Tax, then retry.");
    expect(missing(mappingTable([{ kind: "tax", localKey: taxKey("ES", "standard", 210_000), remoteCode: "101" }])).fix).toMatch(/no NetSuite item: map it/);
    expect(missing(mapping, new Map()).fix).toMatch(/Currency EUR is not set up in NetSuite/);
  });

  it("refuses a 3-decimal currency rather than round it", () => {
    expect(() => toNetSuiteAmount(1234, "KWD")).toThrow(/NetSuite keeps 2/);
  });
});

describe("payments and customers", () => {
  it("applies one allocation to its invoice's internal id, with our allocation id as externalId", () => {
    const body = netsuitePaymentBody({ id: "pay_1:inv_1", amount: 50_000, currency: "EUR", receivedAt: "2026-02-03T10:00:00.000Z", remoteInvoiceId: "2001", customerId: "1001" }, mapping, currencies);
    expect(body).toEqual({ externalId: "pay_1:inv_1", customer: { id: "1001" }, tranDate: "2026-02-03", currency: { id: "4" }, account: { id: "1" }, payment: 500, apply: { items: [{ doc: { id: "2001" }, apply: true, amount: 500 }] } });
    expect(() => netsuitePaymentBody({ id: "p", amount: 1, currency: "EUR", receivedAt: "2026-01-01", remoteInvoiceId: "1", customerId: "1" }, mappingTable([]), currencies)).toThrow(MissingMapping);
  });

  it("upserts customers by our id", () => {
    expect(netsuiteCustomerBody({ id: "cus_1", name: "Casa Lumen SL", email: "a@b.example", taxId: "ESB123" })).toEqual({ externalId: "cus_1", companyName: "Casa Lumen SL", email: "a@b.example", vatRegNumber: "ESB123" });
    expect(internalIdFromLocation("https://x.suitetalk.api.netsuite.com/services/rest/record/v1/invoice/2042")).toBe("2042");
    expect(internalIdFromLocation(null)).toBeNull();
  });
});

const err = (status: number, details: Array<Record<string, string>>) => classifyNetSuiteResponse(status, new Headers(), JSON.stringify({ type: "x", title: "t", status, "o:errorDetails": details }));

describe("classifyNetSuiteResponse", () => {
  it("treats the concurrency pool (429) as a short wait that never uses up the record's attempts", () => {
    const f = err(429, [{ detail: "Concurrent request limit exceeded. Request blocked.", "o:errorCode": "CONCURRENCY_LIMIT_EXCEEDED" }]);
    expect(f).toMatchObject({ class: "rate_limited", retryAfterSeconds: 2 });
    expect(f.fix).toMatch(/concurrency pool/);
  });

  it("retries a 401 with a new token first, then as NetSuite's over-concurrency login failure, before asking to reconnect", () => {
    const f = err(401, [{ detail: "Invalid login attempt.", "o:errorCode": "INVALID_LOGIN" }]);
    expect(f.class).toBe("token_expired");
    expect(repeatedLoginFailure(f).class).toBe("transient");
  });

  it("turns validation errors into fix texts naming the line and the mapping screen", () => {
    expect(err(400, [{ detail: "Invalid taxCode reference key 999.", "o:errorCode": "INVALID_VALUE", "o:errorPath": "item.items[1].taxCode" }])).toMatchObject({
      class: "data_fix_required",
      message: "INVALID_VALUE at item.items[1].taxCode: Invalid taxCode reference key 999.",
      fix: "NetSuite does not accept the tax code (line 2): correct the tax mapping under Integrations → Tax, then replay.",
    });
    expect(err(400, [{ detail: "Error while accessing a resource. This record has been locked by a user defined workflow.", "o:errorCode": "USER_ERROR" }]).fix).toMatch(/workflow locks this record/);
    expect(err(400, [{ detail: "The total can not be negative", "o:errorCode": "USER_ERROR" }]).fix).toMatch(/tax or item mapping is wrong/);
    expect(err(400, [{ detail: "dup", "o:errorCode": "IDEMPOTENCY_ERROR" }]).class).toBe("duplicate");
    expect(err(503, [{ detail: "down", "o:errorCode": "UNEXPECTED_ERROR" }]).class).toBe("transient");
    expect(classifyNetSuiteResponse(500, new Headers(), "<html>").class).toBe("transient");
  });

  it("explains a refused assertion in terms of NetSuite's M2M setup", () => {
    const setup = { certificateId: "cert-1", clientId: "client-1" };
    expect(assertionRefused(400, JSON.stringify({ error: "invalid_grant", error_description: "signature" }), setup).fix).toMatch(/Certificate cert-1 is not mapped .* OAuth 2.0 Client Credentials \(M2M\) Setup/);
    expect(assertionRefused(400, JSON.stringify({ error: "invalid_client" }), setup).fix).toMatch(/client id client-1/);
  });
});

describe("adaptSlice (our share of NetSuite's shared concurrency pool)", () => {
  it("shrinks by one per 429, never below one, and grows back one step per 20 successes up to the max", () => {
    let slice = { limit: 3, successes: 0 };
    slice = adaptSlice(slice, 3, "limited");
    slice = adaptSlice(slice, 3, "limited");
    slice = adaptSlice(slice, 3, "limited");
    expect(slice.limit).toBe(1);
    for (let i = 0; i < SLICE_GROWTH_AFTER - 1; i++) slice = adaptSlice(slice, 3, "ok");
    expect(slice.limit).toBe(1);
    slice = adaptSlice(slice, 3, "ok");
    expect(slice.limit).toBe(2);
    for (let i = 0; i < 100; i++) slice = adaptSlice(slice, 3, "ok");
    expect(slice.limit).toBe(3);
    expect(adaptSlice(slice, 3, "other")).toBe(slice);
  });

  it("stays within [1, max] whatever the outcomes (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("ok" as const, "limited" as const, "other" as const), { maxLength: 300 }), fc.integer({ min: 1, max: 10 }), (outcomes, max) => {
        let slice = { limit: max, successes: 0 };
        for (const o of outcomes) {
          slice = adaptSlice(slice, max, o);
          expect(slice.limit).toBeGreaterThanOrEqual(1);
          expect(slice.limit).toBeLessThanOrEqual(max);
        }
      }),
    );
  });
});
