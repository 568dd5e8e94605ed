// Demo recurring agreements (scripts/seed/agreements.ts): most active customers have one, every
// one is valid for the API's rules, and an agreements billing run of the anchor month bills them.
import { describe, expect, it } from "vitest";
import { chargeFor, validateTerms, type Cadence } from "../../workers/domain/agreements/cadence.ts";
import { AGREEMENT_SHARE } from "../../scripts/seed/agreements.ts";
import { generateDemoData } from "../../scripts/seed/generate.ts";

describe("seed: recurring agreements", async () => {
  const data = await generateDemoData({ anchorMonth: "2026-12", customersPerFranchise: [150, 100], months: 12 });

  it("gives most active customers an agreement for a service of their franchise, at their branch", () => {
    const customers = new Map(data.customers.map((c) => [c.id, c]));
    const serviceTypes = new Map(data.service_types.map((s) => [s.id, s]));
    const billedThisYear = new Set(data.invoices.filter((i) => i.issue_date >= "2026-11-01").map((i) => i.customer_id));
    const withAgreement = new Set(data.agreements.map((a) => a.customer_id));
    const share = [...billedThisYear].filter((c) => withAgreement.has(c)).length / billedThisYear.size;
    expect(share).toBeGreaterThan(AGREEMENT_SHARE - 0.1);
    for (const a of data.agreements) {
      const customer = customers.get(a.customer_id)!;
      expect(customer.franchise_id).toBe(a.franchise_id);
      expect(serviceTypes.get(a.service_type_id)?.franchise_id).toBe(a.franchise_id);
      expect(data.branches.find((b) => b.id === a.branch_id)?.franchise_id).toBe(a.franchise_id);
      expect(a.quantity_milli).toBeGreaterThan(0);
      expect(Number.isInteger(a.unit_price) && a.unit_price > 0).toBe(true);
      expect(() => validateTerms({ cadence: a.cadence as Cadence, quantityMilli: a.quantity_milli, unitPrice: a.unit_price, startDate: a.start_date, endDate: a.end_date })).not.toThrow();
    }
    expect(new Set(data.agreements.map((a) => a.cadence))).toEqual(new Set(["monthly", "quarterly", "annual"]));
  });

  it("bills in the anchor month for the monthly ones", () => {
    const monthly = data.agreements.filter((a) => a.cadence === "monthly");
    const billed = monthly.filter((a) => chargeFor({ cadence: "monthly", quantityMilli: a.quantity_milli, unitPrice: a.unit_price, startDate: a.start_date, endDate: a.end_date }, "2026-12"));
    expect(billed.length).toBe(monthly.length);
  });

  it("is deterministic", async () => {
    const again = await generateDemoData({ anchorMonth: "2026-12", customersPerFranchise: [150, 100], months: 12 });
    expect(again.agreements).toEqual(data.agreements);
  });
});
