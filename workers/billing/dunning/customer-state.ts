// Loads what plan() needs for one customer from D1: profile, channels, open invoices with their
// disputes, promises, recent sends, the franchise's buckets and holidays, and the cadence for the
// customer's segment (or a pinned version: a running sequence keeps the one it started with).
import { cadenceFor, type Cadence, type Channel } from "../../domain/dunning/cadence.ts";
import type { CustomerState, DunningCalendar } from "../../domain/dunning/customer-state.ts";
import type { AgingBucketDef } from "../../domain/dunning/buckets.ts";
import type { BranchScope } from "../../db/branch-scope.ts";
import type { Db } from "../../db/client.ts";
import { getCadenceDefinition, toCadence } from "../../db/dunning.ts";
import { dunningSnapshot, dunningSnapshots, type DunningSnapshot } from "../../db/dunning-snapshot.ts";

export interface DunningInputs {
  state: CustomerState;
  cadence: Cadence | undefined;
  calendar: DunningCalendar;
  buckets: AgingBucketDef[];
}

export const PAYMENT_LINK_BASE = "https://pay.ledgerline.example/c/";

export async function loadDunningInputs(
  db: Db,
  franchiseId: string,
  customerId: string,
  now: Date,
  opts: { scope?: BranchScope; pinned?: { cadenceId: string; version: number } | undefined; paymentLinkBase?: string } = {},
): Promise<DunningInputs | undefined> {
  // One round trip for all of it: the daily run does this for every overdue customer.
  const snapshot = await dunningSnapshot(db, franchiseId, customerId, sentSince(now), opts.scope);
  return inputsFromSnapshot(db, franchiseId, customerId, snapshot, opts);
}

/** Sends since then count against the weekly cap and the minimum gap. */
const sentSince = (now: Date) => new Date(now.getTime() - 8 * 86_400_000).toISOString();

/** Many customers' snapshots of one franchise in a few round trips (see dunningSnapshots). */
export function loadDunningSnapshots(db: Db, franchiseId: string, customerIds: readonly string[], now: Date): Promise<Map<string, DunningSnapshot>> {
  return dunningSnapshots(db, franchiseId, customerIds, sentSince(now));
}

/**
 * What plan() needs, from a snapshot read earlier (by loadDunningInputs, or in bulk by the sweep
 * or the consumer). Reads D1 only for a pinned cadence version that is no longer current.
 */
export async function inputsFromSnapshot(
  db: Db,
  franchiseId: string,
  customerId: string,
  snapshot: DunningSnapshot,
  opts: { pinned?: { cadenceId: string; version: number } | undefined; paymentLinkBase?: string } = {},
): Promise<DunningInputs | undefined> {
  if (!snapshot.found) return undefined;
  const { customer, channels } = snapshot.found;
  const { profile, settings, invoices, disputes, promises, sentAt: sent, cadences } = snapshot;
  const candidates = cadences.map((c) => toCadence(c));
  // A dunning segment on the profile (by hand, or high-risk from the risk model) wins.
  const segment = profile.segment ?? customer.segment;
  let cadence = cadenceFor(candidates, segment);
  const pinned = opts.pinned;
  if (pinned && pinned.version !== candidates.find((c) => c.id === pinned.cadenceId)?.version) {
    const stored = cadences.find((c) => c.row.id === pinned.cadenceId);
    const definition = stored && (await getCadenceDefinition(db, franchiseId, pinned.cadenceId, pinned.version));
    if (stored && definition) cadence = toCadence({ row: stored.row, definition }, pinned.version);
  } else if (pinned) cadence = candidates.find((c) => c.id === pinned.cadenceId) ?? cadence;
  const state: CustomerState = {
    customerId,
    name: customer.name,
    segment,
    language: customer.language,
    timezone: customer.timezone,
    doNotContact: profile.doNotContact || customer.status !== "active",
    preferredChannels: profile.preferredChannels,
    channels: channels.map((c) => ({
      channel: c.channel as Channel,
      address: c.address,
      consent: c.consent === "granted",
      optOuts: c.optedOutAt === null ? [] : [{ from: c.optedOutAt, to: null }],
      unreachableAt: profile.unreachable[c.channel as Channel] ?? null,
    })),
    invoices: invoices.flatMap((inv) =>
      inv.dueDate === null
        ? []
        : [
            {
              id: inv.id,
              number: inv.number ?? inv.id,
              currency: inv.currency,
              dueDate: inv.dueDate,
              amountDue: inv.total - inv.amountPaid - inv.amountCredited,
              settledAt: null,
              disputes: disputes.filter((d) => d.invoiceId === inv.id).map((d) => ({ from: d.openedAt, to: d.resolvedAt })),
            },
          ],
    ),
    promises: promises.map((p) => ({ madeAt: p.createdAt, until: p.until })),
    sentAt: sent,
    paymentLinkBase: opts.paymentLinkBase ?? PAYMENT_LINK_BASE,
  };
  const holidays = [...(settings.holidays["*"] ?? []), ...(customer.homeBranchId ? (settings.holidays[customer.homeBranchId] ?? []) : [])];
  return {
    state,
    cadence,
    calendar: { holidays },
    buckets: settings.buckets,
  };
}
