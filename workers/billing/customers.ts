// Customer use cases: create, and update under optimistic concurrency (If-Match).
import { isValidTimeZone } from "../domain/dates.ts";
import { invalid, stale } from "../domain/errors.ts";
import { isBatchAssertionFailure } from "../db/batch.ts";
import { createCustomer as insertCustomer, updateCustomer as applyCustomerUpdate, type Channel, type ChannelInput, type CustomerWithChannels } from "../db/customers.ts";
import { getBranch } from "../db/reference-data.ts";
import { newId } from "../db/ids.ts";
import type { BillingContext } from "./context.ts";
import { normalizeAddress, type PostalAddress } from "../domain/postal-address.ts";

/** Stored as JSON; undefined = not given (PATCH leaves it), null = none. */
function addressColumn(address: PostalAddress | null | undefined): string | null | undefined {
  if (address === undefined || address === null) return address;
  return JSON.stringify(normalizeAddress(address));
}

export interface CustomerInput {
  name: string;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  segment: string;
  language: string;
  timezone?: string | undefined;
  taxId?: string | null | undefined;
  address?: PostalAddress | null | undefined;
  homeBranchId?: string | null | undefined;
  externalRef?: string | null | undefined;
  channels: Partial<Record<Channel, ChannelInput>>;
}

async function checkHomeBranch(ctx: BillingContext, homeBranchId: string | null | undefined) {
  if (!homeBranchId) return undefined;
  const branch = await getBranch(ctx.db, ctx.franchiseId, homeBranchId, ctx.branchScope);
  if (!branch) throw invalid("unknown_branch", "homeBranchId", `branch ${homeBranchId} does not exist`);
  return branch;
}

function checkTimezone(timezone: string | undefined) {
  if (timezone !== undefined && !isValidTimeZone(timezone)) throw invalid("invalid_timezone", "timezone", `${timezone} is not an IANA timezone`);
}

export async function createCustomer(ctx: BillingContext, input: CustomerInput): Promise<string> {
  checkTimezone(input.timezone);
  const branch = await checkHomeBranch(ctx, input.homeBranchId);
  const now = ctx.clock.now();
  const id = newId("cus", now.getTime());
  await insertCustomer(
    ctx.db,
    {
      id,
      franchiseId: ctx.franchiseId,
      homeBranchId: input.homeBranchId ?? null,
      externalRef: input.externalRef ?? null,
      name: input.name,
      email: input.email ?? null,
      phone: input.phone ?? null,
      segment: input.segment,
      language: input.language,
      timezone: input.timezone ?? branch?.timezone ?? "UTC",
      taxId: input.taxId ?? null,
      address: addressColumn(input.address) ?? null,
      channels: input.channels,
    },
    now.toISOString(),
    ctx.actor,
    ctx.idempotency,
  );
  return id;
}

export async function updateCustomer(
  ctx: BillingContext,
  current: CustomerWithChannels,
  expectedVersion: number,
  changes: Omit<Partial<CustomerInput>, "channels"> & { status?: "active" | "archived" | undefined },
  channels: Partial<Record<Channel, ChannelInput | null>>,
): Promise<void> {
  checkTimezone(changes.timezone);
  await checkHomeBranch(ctx, changes.homeBranchId);
  const defined = Object.fromEntries(Object.entries({ ...changes, address: addressColumn(changes.address) }).filter(([, v]) => v !== undefined));
  try {
    await applyCustomerUpdate(ctx.db, ctx.franchiseId, current, expectedVersion, defined, channels, ctx.clock.now().toISOString(), ctx.actor);
  } catch (error) {
    if (isBatchAssertionFailure(error)) throw stale("customer");
    throw error;
  }
}
