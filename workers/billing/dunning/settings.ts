// Franchise dunning settings: aging buckets and holidays. A bucket list that would orphan an
// active cadence's "enter bucket" step is refused, naming the step.
import { bucketIssues, type AgingBucketDef } from "../../domain/dunning/buckets.ts";
import { DomainError, type FieldIssue } from "../../domain/errors.ts";
import { isIsoDate } from "../../domain/dates.ts";
import { runBatch } from "../../db/batch.ts";
import { getSettings, listCadences, settingsUpsert, type DunningSettings } from "../../db/dunning.ts";
import type { BillingContext } from "../context.ts";

export async function replaceSettings(ctx: BillingContext, input: { buckets: AgingBucketDef[]; holidays: Record<string, string[]> }): Promise<DunningSettings> {
  const issues: FieldIssue[] = bucketIssues(input.buckets);
  for (const [key, dates] of Object.entries(input.holidays)) {
    dates.forEach((d, i) => {
      if (!isIsoDate(d)) issues.push({ field: `holidays.${key}.${i}`, message: "must be a calendar date as YYYY-MM-DD" });
    });
  }
  const ids = new Set(input.buckets.map((b) => b.id));
  for (const c of await listCadences(ctx.db, ctx.franchiseId, { limit: 200 })) {
    c.definition.steps.forEach((s) => {
      if (s.trigger.type === "enter_bucket" && !ids.has(s.trigger.bucket)) issues.push({ field: "buckets", message: `cadence ${c.row.id} step ${s.id} enters bucket ${s.trigger.bucket}` });
    });
  }
  if (issues.length > 0) throw new DomainError("validation", "invalid_dunning_settings", issues[0]?.message ?? "invalid settings", issues);
  await runBatch(ctx.db, [settingsUpsert(ctx.db, ctx.franchiseId, input, ctx.clock.now().toISOString())]);
  return getSettings(ctx.db, ctx.franchiseId);
}
