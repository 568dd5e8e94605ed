// Ledgerline documents as QBO bodies: QBO's own arithmetic (Qty × UnitPrice per line, tax per
// tax code on the lines' sum) over what we send gives our totals to the cent; bodies use only
// XSD elements; missing mappings fail with a fix; QBO's three fault shapes classify correctly.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeInvoiceTotals } from "../../../workers/domain/invoice-totals.ts";
import { divideRoundHalfUp } from "../../../workers/domain/money.ts";
import { MissingMapping, mappingTable, taxKey } from "../../../workers/domain/erp/mapping.ts";
import type { SyncDocument } from "../../../workers/domain/erp/xero-documents.ts";
import { qboComputedTax, qboCustomerBody, qboDocNumberQuery, qboInvoiceBody, qboPaymentBody, qboRequestId } from "../../../workers/domain/erp/qbo-documents.ts";
import { classifyQboResponse, qboFaults } from "../../../workers/domain/erp/qbo-errors.ts";
import { qboContractProblems } from "../../../scripts/fakes/qbo-contract.ts";

const RATES = [0, 40_000, 100_000, 200_000, 210_000, 88_750];
const mapping = mappingTable([
  ...RATES.map((r) => ({ kind: "tax" as const, localKey: taxKey("ES", "standard", r), remoteCode: `T${r}` })),
  { kind: "account", localKey: "default", remoteCode: "1" },
  { kind: "account", localKey: "payments", remoteCode: "35" },
]);
const ctx = { customerId: "58", jurisdiction: "ES", mapping, enabledCurrencies: new Set(["EUR"]) };

function doc(lines: Array<{ quantityMilli: number; unitPrice: number; discountBps: number; taxRatePpm: number }>): SyncDocument {
  const priced = lines.map((l) => ({ ...l, taxCategory: "standard" as const }));
  const totals = computeInvoiceTotals(priced);
  return {
    id: "inv_x", number: "MAD1-000001", currency: "EUR", issueDate: "2026-01-01", dueDate: "2026-01-31",
    subtotal: totals.subtotal, taxTotal: totals.taxTotal, total: totals.total, taxBreakdown: totals.taxBreakdown,
    lines: priced.map((l, i) => ({ position: i + 1, description: `line ${i}`, quantityMilli: l.quantityMilli, unitPrice: l.unitPrice, netAmount: totals.lineNetAmounts[i]!, serviceTypeId: null, taxCategory: "standard", taxRatePpm: l.taxRatePpm })),
  };
}

const arbLines = fc.array(
  fc.record({ quantityMilli: fc.integer({ min: 1, max: 100_000 }), unitPrice: fc.integer({ min: 0, max: 1_000_000 }), discountBps: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5_000 })), taxRatePpm: fc.constantFrom(...RATES) }),
  { minLength: 1, maxLength: 40 },
);

const cents = (x: number) => Math.round(x * 100);
/** QBO's pricing of a body, as the fake (and QBO) does it. */
function qboTotals(body: ReturnType<typeof qboInvoiceBody>) {
  const lines = body.Line.map((l) => {
    const d = l.SalesItemLineDetail as { Qty?: number; UnitPrice?: number; TaxCodeRef: { value: string } };
    // QBO refuses a line whose Amount is not Qty × UnitPrice rounded to the cent.
    if (d.Qty !== undefined) expect(Number(divideRoundHalfUp(BigInt(Math.round(d.Qty * 10_000)) * BigInt(Math.round(d.UnitPrice! * 1_000_000)), 100_000_000n))).toBe(cents(l.Amount));
    return { amount: cents(l.Amount), taxCode: d.TaxCodeRef.value, ratePpm: Number(d.TaxCodeRef.value.slice(1)) };
  });
  return { sub: lines.reduce((a, l) => a + l.amount, 0), ...qboComputedTax(lines) };
}

describe("qboInvoiceBody", () => {
  it("QBO's own arithmetic over the body gives our subtotal, tax and total to the cent", () => {
    fc.assert(
      fc.property(arbLines, (lines) => {
        const d = doc(lines);
        const body = qboInvoiceBody(d, ctx);
        const q = qboTotals(body);
        expect(q.sub).toBe(d.subtotal);
        // One tax code per group: QBO's tax equals ours, so the TotalTax override is a no-op.
        expect(q.tax).toBe(d.taxTotal);
        expect(cents(body.TxnTaxDetail.TotalTax)).toBe(d.taxTotal);
        expect(q.sub + cents(body.TxnTaxDetail.TotalTax)).toBe(d.total);
      }),
      { numRuns: 500 },
    );
  });

  it("with several groups on one QBO code, the TotalTax override stays within QBO's rounding tolerance", () => {
    const oneCode = mappingTable([...RATES.map((r) => ({ kind: "tax" as const, localKey: taxKey("ES", "standard", r), remoteCode: "T210000" })), { kind: "account", localKey: "default", remoteCode: "1" }]);
    const e = doc([{ quantityMilli: 1000, unitPrice: 250, discountBps: 0, taxRatePpm: 210_000 }, { quantityMilli: 1000, unitPrice: 250, discountBps: 0, taxRatePpm: 210_000 }]);
    const body = qboInvoiceBody(e, { ...ctx, mapping: oneCode });
    expect(cents(body.TxnTaxDetail.TotalTax)).toBe(e.taxTotal);
    expect(Math.abs(qboTotals(body).tax - e.taxTotal)).toBeLessThanOrEqual(1);
  });

  it("uses only elements of the QBO XSD (Invoice, Payment, Customer)", () => {
    fc.assert(fc.property(arbLines, (lines) => {
      expect(qboContractProblems("Invoice", qboInvoiceBody(doc(lines), ctx))).toEqual([]);
    }), { numRuns: 50 });
    expect(qboContractProblems("Payment", qboPaymentBody({ id: "pay_1", amount: 1234, currency: "EUR", receivedAt: "2026-02-01T10:00:00Z", remoteInvoiceId: "130", remoteCustomerId: "58" }, mapping))).toEqual([]);
    expect(qboContractProblems("Customer", qboCustomerBody({ id: "cus_1", name: " Casa Lumen SL ", email: "a@b.es" }))).toEqual([]);
  });

  it("fails loudly on a missing tax code or item, naming what to map", () => {
    const bare = mappingTable([{ kind: "account", localKey: "default", remoteCode: "1" }]);
    const d = doc([{ quantityMilli: 1000, unitPrice: 100, discountBps: 0, taxRatePpm: 210_000 }]);
    expect(() => qboInvoiceBody(d, { ...ctx, mapping: bare })).toThrow(MissingMapping);
    expect(() => qboInvoiceBody(d, { ...ctx, mapping: bare })).toThrow("Tax rate ES standard 21% has no QuickBooks tax code: map it under Integrations → Tax, then retry.");
    const noItem = mappingTable([{ kind: "tax", localKey: taxKey("ES", "standard", 210_000), remoteCode: "3" }]);
    expect(() => qboInvoiceBody(d, { ...ctx, mapping: noItem })).toThrow("Lines without a service type have no QuickBooks item");
  });

  it("requestids are stable per record and within QBO's 50 characters; doc-number queries escape quotes", () => {
    expect(qboRequestId("invoice", "esr_01hzzzzzzzzzzzzzzzzzzzzzzz", "0123456789abcdef")).toBe("ll-inv-esr_01hzzzzzzzzzzzzzzzzzzzzzzz-01234567");
    expect(qboRequestId("void", "esr_01hzzzzzzzzzzzzzzzzzzzzzzz", "0123456789abcdef").length).toBeLessThanOrEqual(50);
    expect(() => qboRequestId("payment", "x".repeat(60), "00000000")).toThrow();
    expect(qboDocNumberQuery("Invoice", ["A-1", "O'Brien"])).toBe("select * from Invoice where DocNumber in ('A-1', 'O\\'Brien') maxresults 1000");
  });
});

const h = (headers: Record<string, string> = {}) => ({ get: (n: string) => headers[n.toLowerCase()] ?? null });

describe("classifyQboResponse", () => {
  it("reads the XML 429 as a rate limit, honouring Retry-After or waiting one (scaled) minute", () => {
    const xml = '<?xml version="1.0"?><IntuitResponse xmlns="http://schema.intuit.com/finance/v3"><Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message><Detail>The request limit was reached.  Try again later</Detail></Error></Fault></IntuitResponse>';
    expect(qboFaults(xml)).toEqual([{ code: "3001", message: "message=ThrottleExceeded; errorCode=003001; statusCode=429", detail: "The request limit was reached.  Try again later", element: "", type: "SERVICE" }]);
    expect(classifyQboResponse(429, h({ "retry-after": "7" }), xml)).toMatchObject({ class: "rate_limited", retryAfterSeconds: 7 });
    expect(classifyQboResponse(429, h(), xml, 1)).toMatchObject({ class: "rate_limited", retryAfterSeconds: 1 });
    // Legacy throttling came as 403 with the same fault.
    expect(classifyQboResponse(403, h(), xml).class).toBe("rate_limited");
  });

  it("tells an expired token (refresh and retry) from a removed authorization (reconnect)", () => {
    expect(classifyQboResponse(401, h(), JSON.stringify({ fault: { error: [{ message: "message=AuthenticationFailed; errorCode=003200; statusCode=401", detail: "Token expired: x", code: "3200" }], type: "AUTHENTICATION" } })).class).toBe("token_expired");
    expect(classifyQboResponse(403, h(), JSON.stringify({ Fault: { Error: [{ Message: "AuthorizationFailure", Detail: "-11014-You do not have access to use QuickBooks Online Plus.", code: "120" }], type: "AuthorizationFault" } })).class).toBe("reconnect_required");
  });

  it("retries 5xx and stale SyncTokens, links duplicates, and gives validation faults their fix", () => {
    const f = (code: string, Message: string, Detail: string, element = "") => JSON.stringify({ Fault: { Error: [{ Message, Detail, code, element }], type: "ValidationFault" }, time: "t" });
    expect(classifyQboResponse(503, h(), "<html>").class).toBe("transient");
    expect(classifyQboResponse(400, h(), f("5010", "Stale Object Error", "Stale Object Error : …"))).toMatchObject({ class: "transient", qboCode: "5010" });
    expect(classifyQboResponse(400, h(), f("6140", "Duplicate Document Number Error", "…", "DocNumber"))).toMatchObject({ class: "duplicate", qboCode: "6140" });
    const badTax = classifyQboResponse(400, h(), f("2500", "Invalid Reference Id", "Invalid Reference Id : TaxCode assigned is not valid: 99", "TaxCodeRef"));
    expect(badTax).toMatchObject({ class: "data_fix_required", message: "Invalid Reference Id: Invalid Reference Id : TaxCode assigned is not valid: 99" });
    expect(badTax.fix).toBe("QuickBooks has no active tax code with the mapped id: correct the tax mapping under Integrations → Tax, then replay.");
    expect(classifyQboResponse(400, h(), f("6210", "Account Period Closed", "…")).fix).toMatch(/period is closed/);
    expect(classifyQboResponse(400, h(), f("6190", "Invalid Company Status", "…")).class).toBe("reconnect_required");
  });
});
