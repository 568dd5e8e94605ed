// Cadence templates: create, and update as a new immutable version (If-Match on the current one).
import { cadenceIssues } from "../../domain/dunning/cadence.ts";
import { DomainError, stale } from "../../domain/errors.ts";
import { isBatchAssertionFailure, runBatch } from "../../db/batch.ts";
import { cadenceInsert, cadenceNewVersion, getSettings, type CadenceDefinition, type StoredCadence } from "../../db/dunning.ts";
import { newId } from "../../db/ids.ts";
import { idempotencyCommit } from "../../db/idempotency.ts";
import type { BillingContext } from "../context.ts";

export interface CadenceInput extends CadenceDefinition {
  name: string;
  segments: string[];
}

async function validate(ctx: BillingContext, input: CadenceInput) {
  const { buckets } = await getSettings(ctx.db, ctx.franchiseId);
  const issues = cadenceIssues(input, buckets);
  if (issues.length > 0) throw new DomainError("validation", "invalid_cadence", `the cadence cannot run: ${issues[0]?.field} ${issues[0]?.message}`, issues);
}

const definitionOf = (input: CadenceInput): CadenceDefinition => ({ defaultLanguage: input.defaultLanguage, steps: input.steps, suppression: input.suppression });

export async function createCadence(ctx: BillingContext, input: CadenceInput): Promise<string> {
  await validate(ctx, input);
  const now = ctx.clock.now();
  const id = newId("cad", now.getTime());
  await runBatch(ctx.db, [...cadenceInsert(ctx.db, ctx.franchiseId, id, input.name, input.segments, definitionOf(input), now.toISOString(), ctx.actor), ...idempotencyCommit(ctx.db, ctx.idempotency, "dunning_cadence.created", id)]);
  return id;
}

export async function updateCadence(ctx: BillingContext, current: StoredCadence, input: CadenceInput & { status: "active" | "archived" }): Promise<void> {
  await validate(ctx, input);
  try {
    await runBatch(ctx.db, cadenceNewVersion(ctx.db, ctx.franchiseId, current.row.id, current.row.version, input, definitionOf(input), ctx.clock.now().toISOString(), ctx.actor));
  } catch (error) {
    if (isBatchAssertionFailure(error)) throw stale("cadence");
    throw error;
  }
}
