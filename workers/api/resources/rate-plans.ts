// Rate plans (docs/rate-limits.md) as the plans API shows them, and the assignment of a plan to a
// franchise or an API key.
import { z } from "zod";
import type { StoredRatePlan } from "../../db/rate-plans.ts";
import { Id } from "./common.ts";

const Burst = z.number().int().min(1).max(1_000_000);
const PerMinute = z.number().int().min(1).max(60_000_000);

export const RatePlanFields = {
  name: z.string().trim().min(1).max(100),
  keyBurst: Burst.describe("requests one API key may make at once on a full bucket (>= 1)"),
  keyPerMinute: PerMinute.describe("requests per minute one API key earns back (sustained rate, > 0)"),
  franchiseBurst: Burst.describe("requests all of a franchise's keys may make at once (the franchise cap, >= 1)"),
  franchisePerMinute: PerMinute.describe("the franchise cap's sustained rate per minute (> 0)"),
  expensiveConcurrency: z.number().int().min(1).max(1_000).describe("expensive requests (billing runs, exports, analytics) in flight at once per franchise (>= 1)"),
};

export const CreateRatePlanBody = z.object(RatePlanFields).strict();
export const UpdateRatePlanBody = z
  .object({
    name: RatePlanFields.name.optional(),
    keyBurst: RatePlanFields.keyBurst.optional(),
    keyPerMinute: RatePlanFields.keyPerMinute.optional(),
    franchiseBurst: RatePlanFields.franchiseBurst.optional(),
    franchisePerMinute: RatePlanFields.franchisePerMinute.optional(),
    expensiveConcurrency: RatePlanFields.expensiveConcurrency.optional(),
  })
  .strict()
  .describe("the fields to change; the others keep their values (an empty body changes nothing)");

export const RatePlan = z
  .object({
    id: z.string(),
    name: z.string(),
    keyBurst: z.number().int(),
    keyPerMinute: z.number().int(),
    franchiseBurst: z.number().int(),
    franchisePerMinute: z.number().int(),
    expensiveConcurrency: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "RatePlan" });

export const AssignRatePlanBody = z.object({ ratePlanId: Id("rp").nullable().describe("the plan to apply; null = back to the default (the franchise's plan for a key, the built-in default for a franchise)") }).strict();

export const RatePlanAssignment = z
  .object({
    franchiseId: z.string(),
    subject: z.string().describe('"franchise", or the API key id'),
    ratePlanId: z.string().nullable().describe("null: no plan of its own (the default applies)"),
  })
  .meta({ id: "RatePlanAssignment" });

export const ratePlanResource = (p: StoredRatePlan): z.infer<typeof RatePlan> => ({
  id: p.id,
  name: p.name,
  keyBurst: p.keyBurst,
  keyPerMinute: p.keyPerMinute,
  franchiseBurst: p.franchiseBurst,
  franchisePerMinute: p.franchisePerMinute,
  expensiveConcurrency: p.expensiveConcurrency,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});
