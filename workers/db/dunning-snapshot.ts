// Everything a customer's dunning run reads, in ONE D1 round trip (db.batch of read-only selects):
// the customer and channels, profile, settings, open invoices, disputes, promises, recent sends
// and the franchise's active cadences with their current definitions. A daily run wakes every
// overdue customer, and these eleven reads used to be up to four sequential round trips each.
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { AgingBucketDef } from "../domain/dunning/buckets.ts";
import { DEFAULT_BUCKETS } from "../domain/dunning/buckets.ts";
import type { Channel } from "../domain/dunning/cadence.ts";
import type { BranchScope } from "./branch-scope.ts";
import { inBranchScope } from "./branch-scope.ts";
import type { Db } from "./client.ts";
import type { CustomerWithChannels } from "./customers.ts";
import type { CadenceDefinition, DisputeRow, DunningProfile, DunningSettings, PromiseRow, StoredCadence } from "./dunning.ts";
import { communications, customerDunningProfiles, dunningCadences, dunningCadenceVersions, dunningSettings, invoiceDisputes, promisesToPay } from "./schema/dunning.ts";
import { customerChannels, customers, invoices } from "./schema.ts";

export interface DunningSnapshot {
  found: CustomerWithChannels | undefined;
  profile: DunningProfile;
  settings: DunningSettings;
  invoices: Array<typeof invoices.$inferSelect>;
  disputes: DisputeRow[];
  promises: PromiseRow[];
  sentAt: string[];
  cadences: StoredCadence[];
}

export async function dunningSnapshot(db: Db, franchiseId: string, customerId: string, sentSince: string, scope?: BranchScope): Promise<DunningSnapshot> {
  const [customerRows, channels, profileRows, settingsRows, open, disputes, promises, sent, cadenceRows, versions] = await db.batch([
    db.select().from(customers).where(and(eq(customers.franchiseId, franchiseId), eq(customers.id, customerId))).limit(1),
    db.select().from(customerChannels).where(and(eq(customerChannels.franchiseId, franchiseId), eq(customerChannels.customerId, customerId))),
    db.select().from(customerDunningProfiles).where(and(eq(customerDunningProfiles.franchiseId, franchiseId), eq(customerDunningProfiles.customerId, customerId))).limit(1),
    db.select().from(dunningSettings).where(eq(dunningSettings.franchiseId, franchiseId)).limit(1),
    db
      .select()
      .from(invoices)
      .where(and(eq(invoices.franchiseId, franchiseId), eq(invoices.customerId, customerId), inArray(invoices.status, ["issued", "partially_paid"]), inBranchScope(invoices.branchId, scope)))
      .orderBy(asc(invoices.dueDate)),
    db.select().from(invoiceDisputes).where(and(eq(invoiceDisputes.franchiseId, franchiseId), eq(invoiceDisputes.customerId, customerId))).orderBy(asc(invoiceDisputes.id)),
    db.select().from(promisesToPay).where(and(eq(promisesToPay.franchiseId, franchiseId), eq(promisesToPay.customerId, customerId))).orderBy(asc(promisesToPay.id)),
    db
      .select({ at: communications.occurredAt })
      .from(communications)
      .where(and(eq(communications.franchiseId, franchiseId), eq(communications.customerId, customerId), eq(communications.kind, "sent"), sql`${communications.occurredAt} >= ${sentSince}`)),
    db.select().from(dunningCadences).where(and(eq(dunningCadences.franchiseId, franchiseId), eq(dunningCadences.status, "active"))).orderBy(desc(dunningCadences.id)).limit(200),
    db
      .select()
      .from(dunningCadenceVersions)
      .where(and(eq(dunningCadenceVersions.franchiseId, franchiseId), sql`(${dunningCadenceVersions.cadenceId}, ${dunningCadenceVersions.version}) IN (SELECT c.id, c.version FROM dunning_cadences c WHERE c.franchise_id = ${franchiseId} AND c.status = 'active')`)),
  ]);
  const customer = customerRows[0];
  const profile = profileRows[0];
  const settings = settingsRows[0];
  const byId = new Map(versions.map((v) => [v.cadenceId, JSON.parse(v.definition) as CadenceDefinition]));
  return {
    found: customer ? { customer, channels } : undefined,
    profile: profile
      ? {
          preferredChannels: JSON.parse(profile.preferredChannels) as Channel[],
          doNotContact: profile.doNotContact,
          unreachable: JSON.parse(profile.unreachable) as DunningProfile["unreachable"],
          segment: profile.segment,
          segmentSource: profile.segmentSource as DunningProfile["segmentSource"],
        }
      : { preferredChannels: [], doNotContact: false, unreachable: {}, segment: null, segmentSource: null },
    settings: settings
      ? { buckets: JSON.parse(settings.buckets) as AgingBucketDef[], holidays: JSON.parse(settings.holidays) as Record<string, string[]>, updatedAt: settings.updatedAt }
      : { buckets: DEFAULT_BUCKETS.map((b) => ({ ...b })), holidays: {}, updatedAt: null },
    invoices: open,
    disputes,
    promises,
    sentAt: sent.map((r) => r.at),
    cadences: cadenceRows.flatMap((row) => {
      const definition = byId.get(row.id);
      return definition ? [{ row, definition }] : [];
    }),
  };
}
