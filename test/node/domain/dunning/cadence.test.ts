import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketIssues, bucketOfDays, DEFAULT_BUCKETS } from "../../../../workers/domain/dunning/buckets.ts";
import { cadenceFor, cadenceIssues } from "../../../../workers/domain/dunning/cadence.ts";
import { instantOfLocal, localPartsAt } from "../../../../workers/domain/dunning/local-time.ts";
import { renderTemplate, unknownVariables } from "../../../../workers/domain/dunning/template.ts";
import { standardCadence } from "./fixtures.ts";

describe("aging buckets", () => {
  it("maps days past due to the default buckets at every boundary", () => {
    const cases: [number, string][] = [[-5, "current"], [0, "current"], [1, "1-30"], [30, "1-30"], [31, "31-60"], [60, "31-60"], [61, "61-90"], [90, "61-90"], [91, "90+"], [5000, "90+"]];
    for (const [days, id] of cases) expect(bucketOfDays(DEFAULT_BUCKETS, days)).toBe(id);
    expect(bucketIssues(DEFAULT_BUCKETS)).toEqual([]);
  });

  it("rejects gaps, overlaps, closed ends and duplicates at their field", () => {
    expect(bucketIssues([])).toEqual([{ field: "buckets", message: "at least one bucket is required" }]);
    expect(bucketIssues([{ id: "a", label: "A", minDays: 0, maxDays: 10 }, { id: "b", label: "B", minDays: 12, maxDays: null }]).map((i) => i.field)).toEqual(["buckets.1.minDays"]);
    expect(bucketIssues([{ id: "a", label: "A", minDays: 0, maxDays: 10 }, { id: "a", label: "B", minDays: 11, maxDays: 20 }]).map((i) => i.field)).toEqual(["buckets.1.id", "buckets.1.maxDays"]);
  });

  it("every day count falls in exactly one bucket of any valid list (property)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 400 }), { maxLength: 6 }), fc.integer({ min: 0, max: 1000 }), (cuts, days) => {
        const sorted = [...cuts].sort((a, b) => a - b);
        const buckets = [0, ...sorted].map((min, i) => ({ id: `b${i}`, label: `b${i}`, minDays: min === 0 ? 0 : min, maxDays: i < sorted.length ? (sorted[i] as number) - 1 : null }));
        if (bucketIssues(buckets).length > 0) return;
        const hits = buckets.filter((b) => days >= b.minDays && (b.maxDays === null || days <= b.maxDays));
        expect(hits).toHaveLength(1);
        expect(bucketOfDays(buckets, days)).toBe(hits[0]?.id);
      }),
    );
  });
});

describe("cadence validation", () => {
  it("accepts the standard cadence", () => expect(cadenceIssues(standardCadence())).toEqual([]));

  it("names empty steps, unknown variables, unknown buckets and a missing default text", () => {
    const c = standardCadence();
    expect(cadenceIssues({ ...c, steps: [] })).toEqual([{ field: "steps", message: "a cadence needs at least one step" }]);
    const bad = standardCadence();
    bad.steps[0] = { ...bad.steps[0]!, channels: [], escalations: [] };
    bad.steps[1] = { ...bad.steps[1]!, templates: { en: { body: "Hi {{custmer}}" } } };
    bad.steps[2] = { ...bad.steps[2]!, templates: { es: { body: "Hola" } } };
    bad.steps[3] = { ...bad.steps[3]!, trigger: { type: "enter_bucket", bucket: "120+" } };
    expect(cadenceIssues(bad)).toEqual([
      { field: "steps.0.channels", message: "a step must send on a channel or escalate" },
      { field: "steps.1.templates.en.body", message: "unknown variable {{custmer}}" },
      { field: "steps.2.templates.en", message: "the default language needs a text" },
      { field: "steps.3.trigger.bucket", message: "unknown bucket 120+" },
    ]);
  });

  it("picks the segment's cadence, else the catch-all", () => {
    const vip = { id: "vip", segments: ["vip"] };
    const all = { id: "all", segments: [] };
    expect(cadenceFor([all, vip], "vip")?.id).toBe("vip");
    expect(cadenceFor([all, vip], "smb")?.id).toBe("all");
    expect(cadenceFor([vip], "smb")).toBeUndefined();
  });
});

describe("templates", () => {
  it("renders known variables and reports unknown ones", () => {
    expect(unknownVariables("{{customerName}} {{ amountDue }} {{oops}} {{oops}}")).toEqual(["oops"]);
    expect(renderTemplate("Hi {{ customerName }}, {{oops}}", { customerName: "Ana", invoiceNumbers: "", amountDue: "", dueDates: "", paymentLink: "", invoiceCount: "", daysPastDue: "" })).toBe("Hi Ana, {{oops}}");
  });
});

describe("local time", () => {
  it("round-trips local wall times that exist, in any zone (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom("UTC", "Europe/Madrid", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"), fc.integer({ min: 0, max: 730 }), fc.integer({ min: 0, max: 1439 }), (tz, day, minute) => {
        const date = new Date(Date.UTC(2026, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
        const at = instantOfLocal(date, minute, tz);
        const back = localPartsAt(at, tz);
        // Skipped local times (DST gaps) land just after the gap, never before the wall time asked for.
        if (back.date === date && back.minuteOfDay === minute) return;
        expect(back.date === date ? back.minuteOfDay > minute : back.date > date).toBe(true);
      }),
    );
  });
});
