// Customers and their contact channels. Every query is scoped by franchise.
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "./client.ts";
import { assertInBatch, runBatch, type Statement } from "./batch.ts";
import { outboxInsert } from "./outbox.ts";
import { idempotencyCommit, type IdempotencyClaim } from "./idempotency.ts";
import { customerPayload } from "../events/payloads.ts";
import { selectInChunks } from "./chunks.ts";
import { customerChannels, customers } from "./schema.ts";

export type CustomerRow = typeof customers.$inferSelect;
export type ChannelRow = typeof customerChannels.$inferSelect;
export const CHANNELS = ["email", "sms", "whatsapp"] as const;
export type Channel = (typeof CHANNELS)[number];

export interface ChannelInput {
  address: string;
  consent: "granted" | "not_given";
  optedOut?: boolean | undefined;
}

export interface CustomerWithChannels {
  customer: CustomerRow;
  channels: ChannelRow[];
}

export async function getCustomer(db: Db, franchiseId: string, id: string): Promise<CustomerWithChannels | undefined> {
  const customer = await db.select().from(customers).where(and(eq(customers.franchiseId, franchiseId), eq(customers.id, id))).get();
  if (!customer) return undefined;
  const channels = await db.select().from(customerChannels).where(and(eq(customerChannels.franchiseId, franchiseId), eq(customerChannels.customerId, id))).all();
  return { customer, channels };
}

export async function listCustomers(db: Db, franchiseId: string, opts: { before?: string; limit: number; segment?: string }): Promise<CustomerWithChannels[]> {
  const conditions = [eq(customers.franchiseId, franchiseId)];
  if (opts.before) conditions.push(lt(customers.id, opts.before));
  if (opts.segment) conditions.push(eq(customers.segment, opts.segment));
  const rows = await db.select().from(customers).where(and(...conditions)).orderBy(desc(customers.id)).limit(opts.limit + 1).all();
  if (rows.length === 0) return [];
  const channels = await selectInChunks(rows.map((r) => r.id), (ids) =>
    db.select().from(customerChannels).where(and(eq(customerChannels.franchiseId, franchiseId), inArray(customerChannels.customerId, ids))),
  );
  const byCustomer = Map.groupBy(channels, (ch) => ch.customerId);
  return rows.map((customer) => ({ customer, channels: byCustomer.get(customer.id) ?? [] }));
}

// Consent and opt-out timestamps only move when the state changes: they are evidence.
function channelState(input: ChannelInput, previous: ChannelRow | undefined, now: string) {
  return {
    consentAt: input.consent === "granted" ? (previous?.consent === "granted" ? previous.consentAt : now) : null,
    optedOutAt: input.optedOut ? (previous?.optedOutAt ?? now) : null,
  };
}

type ChannelState = Pick<ChannelRow, "channel" | "address" | "consent" | "consentAt" | "optedOutAt">;

/** The channels as they will be after `channels` is applied (the event payload shows them). */
function channelsAfter(channels: Partial<Record<Channel, ChannelInput | null>>, now: string, existing: ChannelRow[]): ChannelState[] {
  return CHANNELS.flatMap((channel): ChannelState[] => {
    const input = channels[channel];
    const previous = existing.find((c) => c.channel === channel);
    if (input === undefined) return previous ? [previous] : [];
    if (input === null) return [];
    return [{ channel, address: input.address, consent: input.consent, ...channelState(input, previous, now) }];
  });
}

function channelUpserts(db: Db, franchiseId: string, customerId: string, channels: Partial<Record<Channel, ChannelInput | null>>, now: string, existing: ChannelRow[]): Statement[] {
  const statements: Statement[] = [];
  for (const channel of CHANNELS) {
    const input = channels[channel];
    if (input === undefined) continue;
    if (input === null) {
      statements.push(db.delete(customerChannels).where(and(eq(customerChannels.franchiseId, franchiseId), eq(customerChannels.customerId, customerId), eq(customerChannels.channel, channel))));
      continue;
    }
    const { consentAt, optedOutAt } = channelState(input, existing.find((c) => c.channel === channel), now);
    statements.push(
      db
        .insert(customerChannels)
        .values({ franchiseId, customerId, channel, address: input.address, consent: input.consent, consentAt, optedOutAt, updatedAt: now })
        .onConflictDoUpdate({
          target: [customerChannels.customerId, customerChannels.channel],
          set: { address: input.address, consent: input.consent, consentAt, optedOutAt, updatedAt: now },
        }),
    );
  }
  return statements;
}

export interface NewCustomer {
  id: string;
  franchiseId: string;
  homeBranchId: string | null;
  externalRef: string | null;
  name: string;
  email: string | null;
  phone: string | null;
  segment: string;
  language: string;
  timezone: string;
  taxId: string | null;
  /** JSON PostalAddress. */
  address: string | null;
  channels: Partial<Record<Channel, ChannelInput>>;
}

export async function createCustomer(db: Db, input: NewCustomer, now: string, actor: string, idempotency?: IdempotencyClaim): Promise<void> {
  const { channels, ...row } = input;
  await runBatch(db, [
    db.insert(customers).values({ ...row, status: "active", version: 1, createdAt: now, updatedAt: now }),
    ...channelUpserts(db, input.franchiseId, input.id, channels, now, []),
    outboxInsert(db, { franchiseId: input.franchiseId, type: "customer.created", aggregateType: "customer", aggregateId: input.id, aggregateVersion: 1, actor, payload: customerPayload({ ...row, status: "active", version: 1 }, channelsAfter(channels, now, [])), occurredAt: now }),
    ...idempotencyCommit(db, idempotency, "customer.created", input.id),
  ]);
}

export type CustomerChanges = Partial<Pick<CustomerRow, "name" | "email" | "phone" | "segment" | "language" | "timezone" | "taxId" | "address" | "homeBranchId" | "externalRef" | "status">>;

/** Applies the change only if the stored version is still `expectedVersion` (If-Match). */
export async function updateCustomer(
  db: Db,
  franchiseId: string,
  current: CustomerWithChannels,
  expectedVersion: number,
  changes: CustomerChanges,
  channels: Partial<Record<Channel, ChannelInput | null>>,
  now: string,
  actor: string,
): Promise<void> {
  const id = current.customer.id;
  const after = channelsAfter(channels, now, current.channels);
  await runBatch(db, [
    assertInBatch(db, "customer_version", sql`EXISTS (SELECT 1 FROM customers WHERE id = ${id} AND franchise_id = ${franchiseId} AND version = ${expectedVersion})`),
    db
      .update(customers)
      .set({ ...changes, version: sql`${customers.version} + 1`, updatedAt: now })
      .where(and(eq(customers.franchiseId, franchiseId), eq(customers.id, id))),
    ...channelUpserts(db, franchiseId, id, channels, now, current.channels),
    outboxInsert(db, {
      franchiseId,
      type: "customer.updated",
      aggregateType: "customer",
      aggregateId: id,
      aggregateVersion: expectedVersion + 1,
      actor,
      payload: customerPayload({ ...current.customer, ...changes, version: expectedVersion + 1 }, after, changedFields(current, changes, after)),
      occurredAt: now,
    }),
  ]);
}

/** The fields whose value the update really changes ("channels.<name>" for a channel). */
function changedFields(current: CustomerWithChannels, changes: CustomerChanges, after: ChannelState[]): string[] {
  const fields = Object.entries(changes)
    .filter(([field, value]) => current.customer[field as keyof CustomerChanges] !== value)
    .map(([field]) => field);
  const key = (c: ChannelState | undefined) => (c ? `${c.address}|${c.consent}|${c.consentAt}|${c.optedOutAt}` : "");
  for (const channel of CHANNELS) {
    if (key(current.channels.find((c) => c.channel === channel)) !== key(after.find((c) => c.channel === channel))) fields.push(`channels.${channel}`);
  }
  return fields;
}
