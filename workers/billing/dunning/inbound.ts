// What customers and providers tell us: SMS keywords (STOP family, START, HELP), WhatsApp
// replies, one-click email unsubscribes and delivery statuses. Consent changes apply at once
// through setChannelOptOut (recorded with their source); statuses are appended to the history.
import { and, eq } from "drizzle-orm";
import type { Channel } from "../../domain/dunning/cadence.ts";
import { systemClock } from "../../domain/clock.ts";
import { runBatch } from "../../db/batch.ts";
import { database } from "../../db/client.ts";
import { communicationInsert } from "../../db/dunning.ts";
import { tenantDatabases } from "../../db/resolver.ts";
import { customerChannels } from "../../db/schema.ts";
import { communications } from "../../db/schema/dunning.ts";
import { billingContext } from "../context.ts";
import { type ConsentSource, setChannelOptOut } from "./consent.ts";

// FCC 24-18 / CTIA: these words (alone, any case) revoke consent; START family re-subscribes.
const STOP_WORDS = new Set(["stop", "stopall", "quit", "end", "revoke", "opt out", "optout", "cancel", "unsubscribe"]);
const START_WORDS = new Set(["start", "unstop", "yes"]);
const HELP_WORDS = new Set(["help", "info"]);

export type Keyword = "stop" | "start" | "help" | null;

export function keywordOf(text: string): Keyword {
  const t = text.trim().toLowerCase().replace(/[.!]+$/, "").replace(/\s+/g, " ");
  if (STOP_WORDS.has(t)) return "stop";
  if (START_WORDS.has(t)) return "start";
  if (HELP_WORDS.has(t)) return "help";
  return null;
}

/** Applies an opt-out/in to every customer reachable at that address. Returns how many changed. */
export async function consentFromAddress(env: Env, channel: Channel, address: string, optedOut: boolean, source: ConsentSource, evidence: string): Promise<number> {
  let changed = 0;
  for (const d1 of tenantDatabases(env)) {
    const rows = await database(d1)
      .select({ franchiseId: customerChannels.franchiseId, customerId: customerChannels.customerId })
      .from(customerChannels)
      .where(and(eq(customerChannels.channel, channel), eq(customerChannels.address, address)))
      .all();
    for (const r of rows) {
      await setChannelOptOut(billingContext(env, r.franchiseId, systemClock, `system:inbound-${channel}`), r.customerId, channel, optedOut, source, evidence);
      changed++;
    }
  }
  return changed;
}

export async function optOutByToken(env: Env, franchiseId: string, customerId: string): Promise<void> {
  await setChannelOptOut(billingContext(env, franchiseId, systemClock, "system:email-unsubscribe"), customerId, "email", true, "email_unsubscribe", "RFC 8058 one-click");
}

/** A provider's delivery status for a message we sent; unknown message ids are ignored. */
export async function recordDeliveryStatus(env: Env, providerMessageId: string, status: string, detail: string | null): Promise<boolean> {
  const kind = status === "delivered" || status === "read" ? "delivered" : status === "failed" || status === "undelivered" ? "failed" : null;
  if (kind === null) return false;
  for (const d1 of tenantDatabases(env)) {
    const db = database(d1);
    const sent = await db.select().from(communications).where(and(eq(communications.providerMessageId, providerMessageId), eq(communications.kind, "sent"))).get();
    if (!sent) continue;
    await runBatch(db, [
      communicationInsert(db, sent.franchiseId, {
        customerId: sent.customerId,
        kind,
        channel: sent.channel,
        stepId: sent.stepId,
        cadenceId: sent.cadenceId,
        cadenceVersion: sent.cadenceVersion,
        invoiceIds: JSON.parse(sent.invoiceIds) as string[],
        // "failed: 30003": the status with the provider's error code, when it gives one.
        reason: detail ? `${status}: ${detail}` : status,
        providerMessageId,
        // Callbacks repeat: one record per message and status.
        idempotencyKey: `${providerMessageId}:${status}`,
        actor: "system:provider-callback",
        occurredAt: new Date().toISOString(),
      }),
    ]);
    return true;
  }
  return false;
}
