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
  return shape(customerRows[0] ? { customer: customerRows[0], channels } : undefined, profileRows[0], settingsRows[0], open, disputes, promises, sent.map((r) => r.at), cadenceRows, versions);
}

type ProfileRow = typeof customerDunningProfiles.$inferSelect;
type SettingsRow = typeof dunningSettings.$inferSelect;
type CadenceVersionRow = typeof dunningCadenceVersions.$inferSelect;

function shape(
  found: CustomerWithChannels | undefined,
  profile: ProfileRow | undefined,
  settings: SettingsRow | undefined,
  open: Array<typeof invoices.$inferSelect>,
  disputes: DisputeRow[],
  promises: PromiseRow[],
  sentAt: string[],
  cadenceRows: Array<typeof dunningCadences.$inferSelect>,
  versions: CadenceVersionRow[],
): DunningSnapshot {
  const byId = new Map(versions.map((v) => [v.cadenceId, JSON.parse(v.definition) as CadenceDefinition]));
  return {
    found,
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
    sentAt,
    cadences: cadenceRows.flatMap((row) => {
      const definition = byId.get(row.id);
      return definition ? [{ row, definition }] : [];
    }),
  };
}

/** Customers per statement: their ids plus franchise id and one more bound value stay under D1's 100. */
export const SNAPSHOT_CHUNK = 90;

/**
 * The same snapshot for many customers of one franchise at once (the daily sweep and the
 * reminders consumer): one D1 round trip per SNAPSHOT_CHUNK customers instead of one each.
 * Customers that do not exist map to a snapshot with `found: undefined`.
 */
export async function dunningSnapshots(db: Db, franchiseId: string, customerIds: readonly string[], sentSince: string): Promise<Map<string, DunningSnapshot>> {
  const ids = [...new Set(customerIds)];
  const out = new Map<string, DunningSnapshot>();
  if (ids.length === 0) return out;
  const [settingsRows, cadenceRows, versions] = await db.batch([
    db.select().from(dunningSettings).where(eq(dunningSettings.franchiseId, franchiseId)).limit(1),
    db.select().from(dunningCadences).where(and(eq(dunningCadences.franchiseId, franchiseId), eq(dunningCadences.status, "active"))).orderBy(desc(dunningCadences.id)).limit(200),
    db
      .select()
      .from(dunningCadenceVersions)
      .where(and(eq(dunningCadenceVersions.franchiseId, franchiseId), sql`(${dunningCadenceVersions.cadenceId}, ${dunningCadenceVersions.version}) IN (SELECT c.id, c.version FROM dunning_cadences c WHERE c.franchise_id = ${franchiseId} AND c.status = 'active')`)),
  ]);
  for (let i = 0; i < ids.length; i += SNAPSHOT_CHUNK) {
    const chunk = ids.slice(i, i + SNAPSHOT_CHUNK);
    const [customerRows, channels, profiles, open, disputes, promises, sent] = await db.batch([
      db.select().from(customers).where(and(eq(customers.franchiseId, franchiseId), inArray(customers.id, chunk))),
      db.select().from(customerChannels).where(and(eq(customerChannels.franchiseId, franchiseId), inArray(customerChannels.customerId, chunk))),
      db.select().from(customerDunningProfiles).where(and(eq(customerDunningProfiles.franchiseId, franchiseId), inArray(customerDunningProfiles.customerId, chunk))),
      db
        .select()
        .from(invoices)
        .where(and(eq(invoices.franchiseId, franchiseId), inArray(invoices.customerId, chunk), inArray(invoices.status, ["issued", "partially_paid"])))
        .orderBy(asc(invoices.dueDate)),
      db.select().from(invoiceDisputes).where(and(eq(invoiceDisputes.franchiseId, franchiseId), inArray(invoiceDisputes.customerId, chunk))).orderBy(asc(invoiceDisputes.id)),
      db.select().from(promisesToPay).where(and(eq(promisesToPay.franchiseId, franchiseId), inArray(promisesToPay.customerId, chunk))).orderBy(asc(promisesToPay.id)),
      db
        .select({ customerId: communications.customerId, at: communications.occurredAt })
        .from(communications)
        .where(and(eq(communications.franchiseId, franchiseId), inArray(communications.customerId, chunk), eq(communications.kind, "sent"), sql`${communications.occurredAt} >= ${sentSince}`)),
    ]);
    const group = <T, K extends keyof T>(rows: T[], key: K) => {
      const m = new Map<unknown, T[]>();
      for (const r of rows) m.set(r[key], [...(m.get(r[key]) ?? []), r]);
      return (id: string) => m.get(id) ?? [];
    };
    const channelsOf = group(channels, "customerId");
    const invoicesOf = group(open, "customerId");
    const disputesOf = group(disputes, "customerId");
    const promisesOf = group(promises, "customerId");
    const sentOf = group(sent, "customerId");
    const customerOf = new Map(customerRows.map((c) => [c.id, c]));
    const profileOf = new Map(profiles.map((p) => [p.customerId, p]));
    for (const id of chunk) {
      const customer = customerOf.get(id);
      out.set(id, shape(customer ? { customer, channels: channelsOf(id) } : undefined, profileOf.get(id), settingsRows[0], invoicesOf(id), disputesOf(id), promisesOf(id), sentOf(id).map((r) => r.at), cadenceRows, versions));
    }
  }
  return out;
}
