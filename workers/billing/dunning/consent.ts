// Opt-outs and opt-ins per channel, from the API, an SMS keyword, a WhatsApp reply or a one-click
// email unsubscribe. Each updates the channel at once (one batch: the channel, the customer's
// version and customer.updated event, and the history record of where the request came from).
import { and, eq, sql } from "drizzle-orm";
import type { Channel } from "../../domain/dunning/cadence.ts";
import { conflict, invalid, notFound } from "../../domain/errors.ts";
import { assertInBatch, isBatchAssertionFailure, runBatch } from "../../db/batch.ts";
import { getCustomer, type CustomerWithChannels } from "../../db/customers.ts";
import { communicationInsert, getProfile, profileUpsert, type DunningProfile } from "../../db/dunning.ts";
import { outboxInsert } from "../../db/outbox.ts";
import { customerChannels, customers } from "../../db/schema.ts";
import { customerPayload } from "../../events/payloads.ts";
import type { BillingContext } from "../context.ts";

export type ConsentSource = "api" | "sms_keyword" | "whatsapp_reply" | "email_unsubscribe";

export async function loadCustomerOr404(ctx: BillingContext, customerId: string): Promise<CustomerWithChannels> {
  const found = await getCustomer(ctx.db, ctx.franchiseId, customerId);
  if (!found) throw notFound("customer", customerId);
  return found;
}

/** Opts the channel out (optedOut = true) or back in. Already in that state: nothing changes. */
export async function setChannelOptOut(ctx: BillingContext, customerId: string, channel: Channel, optedOut: boolean, source: ConsentSource, evidence?: string): Promise<CustomerWithChannels> {
  const current = await loadCustomerOr404(ctx, customerId);
  const ch = current.channels.find((c) => c.channel === channel);
  if (!ch) throw invalid("channel_not_on_file", "channel", `customer ${customerId} has no ${channel} address`);
  if ((ch.optedOutAt !== null) === optedOut) return current;
  const now = ctx.clock.now().toISOString();
  const version = current.customer.version;
  const after = current.channels.map((c) => (c.channel === channel ? { ...c, optedOutAt: optedOut ? now : null, updatedAt: now } : c));
  try {
    await runBatch(ctx.db, [
      assertInBatch(ctx.db, "customer_version", sql`EXISTS (SELECT 1 FROM customers WHERE id = ${customerId} AND franchise_id = ${ctx.franchiseId} AND version = ${version})`),
      ctx.db
        .update(customerChannels)
        .set({ optedOutAt: optedOut ? now : null, updatedAt: now })
        .where(and(eq(customerChannels.franchiseId, ctx.franchiseId), eq(customerChannels.customerId, customerId), eq(customerChannels.channel, channel))),
      ctx.db.update(customers).set({ version: version + 1, updatedAt: now }).where(and(eq(customers.franchiseId, ctx.franchiseId), eq(customers.id, customerId))),
      outboxInsert(ctx.db, {
        franchiseId: ctx.franchiseId,
        type: "customer.updated",
        aggregateType: "customer",
        aggregateId: customerId,
        aggregateVersion: version + 1,
        actor: ctx.actor,
        payload: customerPayload({ ...current.customer, version: version + 1 }, after, [`channels.${channel}`]),
        occurredAt: now,
      }),
      communicationInsert(ctx.db, ctx.franchiseId, { customerId, kind: optedOut ? "opt_out" : "opt_in", channel, address: ch.address, reason: source, body: evidence ?? null, actor: ctx.actor, occurredAt: now }),
    ]);
  } catch (error) {
    if (isBatchAssertionFailure(error)) throw conflict("customer_changed", "the customer changed while updating consent; retry");
    throw error;
  }
  return loadCustomerOr404(ctx, customerId);
}

/** `segment` given: staff chose the dunning segment by hand (a string pins it; null hands it back to the risk model). */
export async function setDunningProfile(
  ctx: BillingContext,
  customerId: string,
  input: Pick<DunningProfile, "preferredChannels" | "doNotContact"> & { segment?: string | null | undefined },
): Promise<DunningProfile> {
  await loadCustomerOr404(ctx, customerId);
  const current = await getProfile(ctx.db, ctx.franchiseId, customerId);
  const { segment, ...rest } = input;
  const next: DunningProfile = { ...current, ...rest };
  if (segment !== undefined) {
    next.segment = segment;
    next.segmentSource = segment === null ? null : "staff";
  }
  await runBatch(ctx.db, [profileUpsert(ctx.db, ctx.franchiseId, customerId, next, ctx.clock.now().toISOString())]);
  return next;
}
