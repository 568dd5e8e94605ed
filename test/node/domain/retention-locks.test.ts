import { describe, expect, it } from "vitest";
import { lockRules, MAX_LOCK_RULES } from "../../../workers/domain/retention-locks.ts";
import { RETENTION_POLICIES } from "../../../workers/domain/retention.ts";

describe("R2 bucket-lock rules from the retention policies", () => {
  it("locks each year's documents until the strictest of the franchise's jurisdictions allows deletion, and the records by age", () => {
    const rules = lockRules([{ franchiseId: "fr_a", jurisdictions: ["ES", "DE"] }], [2025, 2026], RETENTION_POLICIES);
    expect(rules).toEqual([
      // DE invoices 8 y from the end of the calendar year beat ES 6 y
      { id: "einvoice-fr_a-2025", enabled: true, prefix: "einvoice/fr_a/documents/2025/", condition: { type: "Date", date: "2034-01-01T00:00:00Z" } },
      { id: "einvoice-fr_a-2026", enabled: true, prefix: "einvoice/fr_a/documents/2026/", condition: { type: "Date", date: "2035-01-01T00:00:00Z" } },
      { id: "einvoice-fr_a-records", enabled: true, prefix: "einvoice/fr_a/records/", condition: { type: "Age", maxAgeSeconds: 9 * 366 * 86_400 } },
    ]);
  });

  it("locks indefinitely where a jurisdiction has no policy, and refuses more rules than R2 allows", () => {
    const rules = lockRules([{ franchiseId: "fr_b", jurisdictions: ["GB"] }], [2026], RETENTION_POLICIES);
    expect(rules.map((r) => r.condition)).toEqual([{ type: "Indefinite" }, { type: "Indefinite" }]);
    const many = Array.from({ length: 100 }, (_, i) => ({ franchiseId: `fr_${i}`, jurisdictions: ["ES"] }));
    expect(lockRules(many, [2026, 2027, 2028, 2029, 2030, 2031, 2032, 2033, 2034], RETENTION_POLICIES)).toHaveLength(MAX_LOCK_RULES);
    expect(() => lockRules(many, Array.from({ length: 10 }, (_, i) => 2026 + i), RETENTION_POLICIES)).toThrow(/exceed R2's 1000/);
  });
});
