// POST /v1/dunning/preview: the exact schedule plan() prescribes for a customer, sending nothing.
import { daysBetween } from "../../domain/dates.ts";
import { invalid, notFound } from "../../domain/errors.ts";
import { plan, type Schedule } from "../../domain/dunning/planner.ts";
import type { BillingContext } from "../context.ts";
import { loadDunningInputs } from "./customer-state.ts";

export const MAX_PREVIEW_DAYS = 366;

export async function previewSchedule(ctx: BillingContext, customerId: string, from: string, to: string): Promise<Schedule & { cadence: { id: string; version: number } | null }> {
  if (to < from) throw invalid("invalid_range", "to", "to must not be before from");
  if (daysBetween(from, to) >= MAX_PREVIEW_DAYS) throw invalid("range_too_long", "to", `a preview covers at most ${MAX_PREVIEW_DAYS} days`);
  const inputs = await loadDunningInputs(ctx.db, ctx.franchiseId, customerId, ctx.clock.now(), { scope: ctx.branchScope });
  if (!inputs) throw notFound("customer", customerId);
  if (!inputs.cadence) return { messages: [], escalations: [], cadence: null };
  return { ...plan(inputs.state, inputs.cadence, inputs.calendar, from, to, inputs.buckets), cadence: { id: inputs.cadence.id, version: inputs.cadence.version } };
}
