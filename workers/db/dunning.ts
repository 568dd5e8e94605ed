// Dunning storage: buckets, cadences and their versions, profiles, disputes, promises to pay and
// the append-only communications history. Every query is scoped by franchise.
import { and, asc, desc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import { type AgingBucketDef, DEFAULT_BUCKETS } from "../domain/dunning/buckets.ts";
import type { Cadence, CadenceStep, Channel, SuppressionSettings } from "../domain/dunning/cadence.ts";
import { assertInBatch, type Statement } from "./batch.ts";
import type { Db } from "./client.ts";
import { newId } from "./ids.ts";
import { communications, customerDunningProfiles, dunningCadences, dunningCadenceVersions, dunningSettings, invoiceDisputes, promisesToPay } from "./schema/dunning.ts";
import { invoices } from "./schema.ts";
import type { BranchScope } from "./branch-scope.ts";
import { inBranchScope } from "./branch-scope.ts";

export type CommunicationRow = typeof communications.$inferSelect;
export type DisputeRow = typeof invoiceDisputes.$inferSelect;
export type PromiseRow = typeof promisesToPay.$inferSelect;
export type CadenceRow = typeof dunningCadences.$inferSelect;

export interface CadenceDefinition {
  defaultLanguage: string;
  steps: CadenceStep[];
  suppression: SuppressionSettings;
}

// ---- buckets -------------------------------------------------------------------------------

export interface DunningSettings {
  buckets: AgingBucketDef[];
  /** "*" → every branch, else branch id → local dates on which nothing is sent. */
  holidays: Record<string, string[]>;
  updatedAt: string | null;
}

export async function getSettings(db: Db, franchiseId: string): Promise<DunningSettings> {
  const row = await db.select().from(dunningSettings).where(eq(dunningSettings.franchiseId, franchiseId)).get();
  if (!row) return { buckets: DEFAULT_BUCKETS.map((b) => ({ ...b })), holidays: {}, updatedAt: null };
  return { buckets: JSON.parse(row.buckets) as AgingBucketDef[], holidays: JSON.parse(row.holidays) as Record<string, string[]>, updatedAt: row.updatedAt };
}

export function settingsUpsert(db: Db, franchiseId: string, settings: Omit<DunningSettings, "updatedAt">, now: string): Statement {
  const set = { buckets: JSON.stringify(settings.buckets), holidays: JSON.stringify(settings.holidays), updatedAt: now };
  return db.insert(dunningSettings).values({ franchiseId, ...set }).onConflictDoUpdate({ target: dunningSettings.franchiseId, set });
}

// ---- cadences ------------------------------------------------------------------------------

export interface StoredCadence {
  row: CadenceRow;
  definition: CadenceDefinition;
}

export const toCadence = (c: StoredCadence, version = c.row.version): Cadence => ({
  id: c.row.id,
  version,
  name: c.row.name,
  segments: JSON.parse(c.row.segments) as string[],
  ...c.definition,
});

export async function getCadence(db: Db, franchiseId: string, id: string): Promise<StoredCadence | undefined> {
  const row = await db.select().from(dunningCadences).where(and(eq(dunningCadences.franchiseId, franchiseId), eq(dunningCadences.id, id))).get();
  if (!row) return undefined;
  const definition = await getCadenceDefinition(db, franchiseId, id, row.version);
  return definition ? { row, definition } : undefined;
}

export async function getCadenceDefinition(db: Db, franchiseId: string, cadenceId: string, version: number): Promise<CadenceDefinition | undefined> {
  const v = await db
    .select()
    .from(dunningCadenceVersions)
    .where(and(eq(dunningCadenceVersions.franchiseId, franchiseId), eq(dunningCadenceVersions.cadenceId, cadenceId), eq(dunningCadenceVersions.version, version)))
    .get();
  return v ? (JSON.parse(v.definition) as CadenceDefinition) : undefined;
}

/** Active cadences, newest first, with their current definitions. */
export async function listCadences(db: Db, franchiseId: string, opts: { before?: string | undefined; limit: number; includeArchived?: boolean }): Promise<StoredCadence[]> {
  const conditions = [eq(dunningCadences.franchiseId, franchiseId)];
  if (!opts.includeArchived) conditions.push(eq(dunningCadences.status, "active"));
  if (opts.before) conditions.push(lt(dunningCadences.id, opts.before));
  const rows = await db.select().from(dunningCadences).where(and(...conditions)).orderBy(desc(dunningCadences.id)).limit(opts.limit + 1).all();
  if (rows.length === 0) return [];
  const versions = await db
    .select()
    .from(dunningCadenceVersions)
    .where(and(eq(dunningCadenceVersions.franchiseId, franchiseId), sql`(${dunningCadenceVersions.cadenceId}, ${dunningCadenceVersions.version}) IN (SELECT c.id, c.version FROM dunning_cadences c WHERE c.franchise_id = ${franchiseId})`))
    .all();
  const byId = new Map(versions.map((v) => [v.cadenceId, JSON.parse(v.definition) as CadenceDefinition]));
  return rows.flatMap((row) => {
    const definition = byId.get(row.id);
    return definition ? [{ row, definition }] : [];
  });
}

export function cadenceInsert(db: Db, franchiseId: string, id: string, name: string, segments: string[], definition: CadenceDefinition, now: string, actor: string): Statement[] {
  return [
    db.insert(dunningCadences).values({ id, franchiseId, name, segments: JSON.stringify(segments), version: 1, status: "active", createdAt: now, updatedAt: now }),
    db.insert(dunningCadenceVersions).values({ franchiseId, cadenceId: id, version: 1, definition: JSON.stringify(definition), createdAt: now, createdBy: actor }),
  ];
}

/** A new version, only if the current one is still `expectedVersion` (If-Match). */
export function cadenceNewVersion(db: Db, franchiseId: string, id: string, expectedVersion: number, changes: { name: string; segments: string[]; status: "active" | "archived" }, definition: CadenceDefinition, now: string, actor: string): Statement[] {
  return [
    assertInBatch(db, "cadence_version", sql`EXISTS (SELECT 1 FROM dunning_cadences WHERE id = ${id} AND franchise_id = ${franchiseId} AND version = ${expectedVersion})`),
    db.insert(dunningCadenceVersions).values({ franchiseId, cadenceId: id, version: expectedVersion + 1, definition: JSON.stringify(definition), createdAt: now, createdBy: actor }),
    db
      .update(dunningCadences)
      .set({ name: changes.name, segments: JSON.stringify(changes.segments), status: changes.status, version: expectedVersion + 1, updatedAt: now })
      .where(and(eq(dunningCadences.franchiseId, franchiseId), eq(dunningCadences.id, id))),
  ];
}

// ---- profiles, disputes, promises ------------------------------------------------------------

export interface DunningProfile {
  preferredChannels: Channel[];
  doNotContact: boolean;
  /** channel → when it failed permanently. */
  unreachable: Partial<Record<Channel, string>>;
  /** Segment that picks the cadence instead of the customer's own; null = theirs. */
  segment: string | null;
  /** Who set `segment`: by hand ("staff", never overridden) or the risk model ("risk"). */
  segmentSource: "staff" | "risk" | null;
}

export async function getProfile(db: Db, franchiseId: string, customerId: string): Promise<DunningProfile> {
  const row = await db.select().from(customerDunningProfiles).where(and(eq(customerDunningProfiles.franchiseId, franchiseId), eq(customerDunningProfiles.customerId, customerId))).get();
  if (!row) return { preferredChannels: [], doNotContact: false, unreachable: {}, segment: null, segmentSource: null };
  return {
    preferredChannels: JSON.parse(row.preferredChannels) as Channel[],
    doNotContact: row.doNotContact,
    unreachable: JSON.parse(row.unreachable) as DunningProfile["unreachable"],
    segment: row.segment,
    segmentSource: row.segmentSource as DunningProfile["segmentSource"],
  };
}

export function profileUpsert(db: Db, franchiseId: string, customerId: string, profile: DunningProfile, now: string): Statement {
  const set = {
    preferredChannels: JSON.stringify(profile.preferredChannels),
    doNotContact: profile.doNotContact,
    unreachable: JSON.stringify(profile.unreachable),
    segment: profile.segment,
    segmentSource: profile.segmentSource,
    updatedAt: now,
  };
  return db.insert(customerDunningProfiles).values({ customerId, franchiseId, ...set }).onConflictDoUpdate({ target: customerDunningProfiles.customerId, set });
}

export async function getDispute(db: Db, franchiseId: string, id: string): Promise<DisputeRow | undefined> {
  return db.select().from(invoiceDisputes).where(and(eq(invoiceDisputes.franchiseId, franchiseId), eq(invoiceDisputes.id, id))).get();
}

export function disputeInsert(db: Db, row: DisputeRow): Statement[] {
  // At most one open dispute per invoice: a second is a conflict, not a second pause.
  return [
    assertInBatch(db, "dispute_already_open", sql`NOT EXISTS (SELECT 1 FROM invoice_disputes WHERE franchise_id = ${row.franchiseId} AND invoice_id = ${row.invoiceId} AND resolved_at IS NULL)`),
    db.insert(invoiceDisputes).values(row),
  ];
}

export function disputeResolve(db: Db, franchiseId: string, id: string, resolution: string, now: string): Statement[] {
  return [
    assertInBatch(db, "dispute_not_open", sql`EXISTS (SELECT 1 FROM invoice_disputes WHERE franchise_id = ${franchiseId} AND id = ${id} AND resolved_at IS NULL)`),
    db.update(invoiceDisputes).set({ resolvedAt: now, resolution }).where(and(eq(invoiceDisputes.franchiseId, franchiseId), eq(invoiceDisputes.id, id), isNull(invoiceDisputes.resolvedAt))),
  ];
}

export async function disputesOfCustomer(db: Db, franchiseId: string, customerId: string): Promise<DisputeRow[]> {
  return db.select().from(invoiceDisputes).where(and(eq(invoiceDisputes.franchiseId, franchiseId), eq(invoiceDisputes.customerId, customerId))).orderBy(asc(invoiceDisputes.id)).all();
}

export function promiseInsert(db: Db, row: PromiseRow): Statement {
  return db.insert(promisesToPay).values(row);
}

export async function promisesOfCustomer(db: Db, franchiseId: string, customerId: string): Promise<PromiseRow[]> {
  return db.select().from(promisesToPay).where(and(eq(promisesToPay.franchiseId, franchiseId), eq(promisesToPay.customerId, customerId))).orderBy(asc(promisesToPay.id)).all();
}

/** Open (issued, partially paid) invoices of a customer within the caller's branches. */
export async function openInvoicesOfCustomer(db: Db, franchiseId: string, customerId: string, scope?: BranchScope) {
  return db
    .select()
    .from(invoices)
    .where(and(eq(invoices.franchiseId, franchiseId), eq(invoices.customerId, customerId), inArray(invoices.status, ["issued", "partially_paid"]), inBranchScope(invoices.branchId, scope)))
    .orderBy(asc(invoices.dueDate))
    .all();
}

// ---- communications ------------------------------------------------------------------------

export type NewCommunication = Omit<CommunicationRow, "id" | "franchiseId" | "invoiceIds" | "channel" | "stepId" | "cadenceId" | "cadenceVersion" | "reason" | "address" | "subject" | "body" | "contentHash" | "providerMessageId" | "idempotencyKey"> &
  Partial<Pick<CommunicationRow, "channel" | "stepId" | "cadenceId" | "cadenceVersion" | "reason" | "address" | "subject" | "body" | "contentHash" | "providerMessageId" | "idempotencyKey">> & { invoiceIds?: string[] };

export function communicationInsert(db: Db, franchiseId: string, c: NewCommunication, at = Date.parse(c.occurredAt)): Statement {
  return db
    .insert(communications)
    .values({ ...c, id: newId("com", at), franchiseId, invoiceIds: JSON.stringify(c.invoiceIds ?? []) })
    .onConflictDoNothing();
}

export async function listCommunications(db: Db, franchiseId: string, customerId: string, opts: { before?: string | undefined; limit: number }): Promise<CommunicationRow[]> {
  const conditions = [eq(communications.franchiseId, franchiseId), eq(communications.customerId, customerId)];
  if (opts.before) conditions.push(lt(communications.id, opts.before));
  return db.select().from(communications).where(and(...conditions)).orderBy(desc(communications.id)).limit(opts.limit + 1).all();
}

/** Every record naming an invoice, oldest first: the evidence file for a dispute. */
export async function communicationsOfInvoice(db: Db, franchiseId: string, invoiceId: string): Promise<CommunicationRow[]> {
  return db
    .select()
    .from(communications)
    .where(and(eq(communications.franchiseId, franchiseId), sql`EXISTS (SELECT 1 FROM json_each(${communications.invoiceIds}) WHERE value = ${invoiceId})`))
    .orderBy(asc(communications.id))
    .all();
}

/** When the customer was last messaged (sent, not just attempted), newest first. */
export async function sentInstants(db: Db, franchiseId: string, customerId: string, since: string): Promise<string[]> {
  const rows = await db
    .select({ at: communications.occurredAt })
    .from(communications)
    .where(and(eq(communications.franchiseId, franchiseId), eq(communications.customerId, customerId), eq(communications.kind, "sent"), sql`${communications.occurredAt} >= ${since}`))
    .all();
  return rows.map((r) => r.at);
}

/** Marks a channel unreachable after a permanent failure, atomically (no read-modify-write). */
export function markUnreachable(db: Db, franchiseId: string, customerId: string, channel: Channel, at: string): Statement {
  return db
    .insert(customerDunningProfiles)
    .values({ customerId, franchiseId, preferredChannels: "[]", doNotContact: false, unreachable: JSON.stringify({ [channel]: at }), updatedAt: at })
    .onConflictDoUpdate({ target: customerDunningProfiles.customerId, set: { unreachable: sql`json_set(${customerDunningProfiles.unreachable}, ${`$.${channel}`}, ${at})`, updatedAt: at } });
}

export async function wasSent(db: Db, franchiseId: string, idempotencyKey: string): Promise<boolean> {
  const row = await db
    .select({ id: communications.id })
    .from(communications)
    .where(and(eq(communications.franchiseId, franchiseId), eq(communications.kind, "sent"), eq(communications.idempotencyKey, idempotencyKey)))
    .get();
  return row !== undefined;
}

/** Which of these idempotency keys already have a "sent" record (the consumer checks a whole batch at once). */
export async function sentKeys(db: Db, franchiseId: string, keys: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  // The keys go in as ONE JSON parameter (json_each), not one parameter each: drizzle's inArray
  // over 90 keys cost ~2 ms of query building per key (the consumer's biggest CPU item at 1,000
  // sends), and one parameter keeps any number of keys under D1's 100.
  for (let i = 0; i < keys.length; i += 500) {
    const rows = await db.all<{ key: string }>(
      sql`SELECT idempotency_key AS key FROM communications WHERE franchise_id = ${franchiseId} AND kind = 'sent' AND idempotency_key IN (SELECT value FROM json_each(${JSON.stringify(keys.slice(i, i + 500))}))`,
    );
    for (const r of rows) if (r.key) out.add(r.key);
  }
  return out;
}

/** Customers with open invoices due up to `dueBy`, after `after` (keyset paging for the daily sweep). */
export async function customersToWake(db: Db, after: { franchiseId: string; customerId: string } | null, dueBy: string, limit: number): Promise<Array<{ franchiseId: string; customerId: string }>> {
  const cursor = after ? sql`AND (franchise_id, customer_id) > (${after.franchiseId}, ${after.customerId})` : sql``;
  const rows = await db.all<{ franchise_id: string; customer_id: string }>(
    sql`SELECT DISTINCT franchise_id, customer_id FROM invoices WHERE status IN ('issued', 'partially_paid') AND due_date IS NOT NULL AND due_date <= ${dueBy} ${cursor} ORDER BY franchise_id, customer_id LIMIT ${limit}`,
  );
  return rows.map((r) => ({ franchiseId: r.franchise_id, customerId: r.customer_id }));
}
