// Tax-rate reference data and the feed's staged changes (issue 10).
import { z } from "zod";
import { TAX_CATEGORIES } from "../../domain/tax.ts";
import type { TaxRateRow, TaxRateChangeRow } from "../../db/tax-rate-changes.ts";
import type { RateAlert } from "../../domain/tax-periods.ts";
import { Id, IsoDate } from "./common.ts";

const Jurisdiction = z.string().describe('tax jurisdiction, e.g. "ES", "DE", "US-CA"');

export const TaxRate = z
  .object({
    id: z.string(),
    jurisdiction: Jurisdiction,
    category: z.string().describe(`one of ${TAX_CATEGORIES.join(", ")}`),
    ratePpm: z.number().int().describe("parts per million: 19 % = 190000"),
    effectiveFrom: IsoDate.describe("first day in force (inclusive)"),
    effectiveTo: IsoDate.nullable().describe("first day no longer in force (exclusive); null = open-ended"),
    source: z.string().describe("the law or official page the value comes from"),
  })
  .meta({ id: "TaxRate" });

export const TaxRateChange = z
  .object({
    id: Id("trc"),
    jurisdiction: Jurisdiction,
    category: z.string(),
    ratePpm: z.number().int(),
    effectiveFrom: IsoDate,
    effectiveTo: IsoDate.nullable().describe("null: in force until a later change; a date: temporary, the previous rate resumes on it"),
    source: z.string(),
    feed: z.string().describe("the feed publisher that proposed it"),
    status: z.enum(["pending", "approved", "rejected"]),
    stagedAt: z.string(),
    decidedAt: z.string().nullable(),
    decidedBy: z.string().nullable(),
    decisionReason: z.string().nullable(),
  })
  .meta({ id: "TaxRateChange" });

export const TaxRateAlert = z
  .object({
    kind: z.enum(["change_due_soon", "rate_missing"]),
    jurisdiction: Jurisdiction,
    category: z.string(),
    effectiveFrom: IsoDate.optional().describe("change_due_soon: when the pending change takes effect"),
    daysLeft: z.number().int().optional(),
    changeId: Id("trc").optional(),
    date: IsoDate.optional().describe("rate_missing: the first day without a rate"),
  })
  .meta({ id: "TaxRateAlert" });

export const TaxRateSync = z
  .object({ feed: z.string().nullable().describe("the feed URL read; null when none is configured"), staged: z.number().int(), alerts: z.array(TaxRateAlert) })
  .meta({ id: "TaxRateSync" });

export const taxRateResource = (r: TaxRateRow): z.infer<typeof TaxRate> => ({
  id: r.id,
  jurisdiction: r.jurisdiction,
  category: r.category,
  ratePpm: r.ratePpm,
  effectiveFrom: r.effectiveFrom,
  effectiveTo: r.effectiveTo,
  source: r.source,
});

export const taxRateChangeResource = (r: TaxRateChangeRow): z.infer<typeof TaxRateChange> => ({
  id: r.id,
  jurisdiction: r.jurisdiction,
  category: r.category,
  ratePpm: r.ratePpm,
  effectiveFrom: r.effectiveFrom,
  effectiveTo: r.effectiveTo,
  source: r.source,
  feed: r.feed,
  status: r.status as "pending" | "approved" | "rejected",
  stagedAt: r.stagedAt,
  decidedAt: r.decidedAt,
  decidedBy: r.decidedBy,
  decisionReason: r.decisionReason,
});

export const alertResource = (a: RateAlert): z.infer<typeof TaxRateAlert> => ({ ...a });
