import { z } from "zod";
import type { ChannelRow, CustomerWithChannels } from "../../db/customers.ts";
import { Id } from "./common.ts";
import { parseAddress, PostalAddress, PostalAddressInput } from "./party.ts";

const ChannelState = z.object({
  address: z.string(),
  consent: z.enum(["granted", "not_given"]),
  consentAt: z.string().nullable(),
  optedOut: z.boolean(),
  optedOutAt: z.string().nullable(),
});

export const Customer = z.object({
  id: Id("cus"),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  segment: z.string(),
  language: z.string(),
  timezone: z.string(),
  taxId: z.string().nullable(),
  address: PostalAddress.nullable(),
  homeBranchId: z.string().nullable(),
  externalRef: z.string().nullable(),
  status: z.enum(["active", "archived"]),
  channels: z.object({ email: ChannelState.optional(), sms: ChannelState.optional(), whatsapp: ChannelState.optional() }),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: "Customer" });

const channelResource = (c: ChannelRow) => ({
  address: c.address,
  consent: c.consent as "granted" | "not_given",
  consentAt: c.consentAt,
  optedOut: c.optedOutAt !== null,
  optedOutAt: c.optedOutAt,
});

export function customerResource({ customer: c, channels }: CustomerWithChannels): z.infer<typeof Customer> {
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    phone: c.phone,
    segment: c.segment,
    language: c.language,
    timezone: c.timezone,
    taxId: c.taxId,
    address: parseAddress(c.address),
    homeBranchId: c.homeBranchId,
    externalRef: c.externalRef,
    status: c.status as "active" | "archived",
    channels: Object.fromEntries(channels.map((ch) => [ch.channel, channelResource(ch)])),
    version: c.version,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

export const customerETag = (version: number) => `"v${version}"`;

const ChannelInput = z.object({
  address: z.string().min(3).max(320),
  consent: z.enum(["granted", "not_given"]),
  optedOut: z.boolean().optional(),
});

const customerFields = {
  name: z.string().trim().min(1).max(200),
  email: z.email().max(320).nullable().optional(),
  phone: z.string().regex(/^\+[1-9]\d{6,14}$/, "must be E.164, e.g. +34600123456").nullable().optional(),
  segment: z.enum(["consumer", "smb", "enterprise"]),
  language: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, "must be a BCP 47 language such as es or en-GB"),
  timezone: z.string().min(1).max(64).describe("IANA timezone, e.g. Europe/Madrid"),
  taxId: z.string().max(32).nullable().optional(),
  address: PostalAddressInput.nullable().optional().describe("postal address; null clears it"),
  homeBranchId: Id("br").nullable().optional(),
  externalRef: z.string().max(100).nullable().optional(),
};

export const CreateCustomerBody = z
  .object({
    ...customerFields,
    segment: customerFields.segment.default("smb"),
    language: customerFields.language.default("en"),
    timezone: customerFields.timezone.optional(),
    channels: z.object({ email: ChannelInput.optional(), sms: ChannelInput.optional(), whatsapp: ChannelInput.optional() }).strict().default({}),
  })
  .strict()
  .meta({ id: "CreateCustomerRequest" });

export const UpdateCustomerBody = z
  .object({
    name: customerFields.name.optional(),
    email: customerFields.email,
    phone: customerFields.phone,
    segment: customerFields.segment.optional(),
    language: customerFields.language.optional(),
    timezone: customerFields.timezone.optional(),
    taxId: customerFields.taxId,
    address: customerFields.address,
    homeBranchId: customerFields.homeBranchId,
    externalRef: customerFields.externalRef,
    status: z.enum(["active", "archived"]).optional(),
    channels: z
      .object({ email: ChannelInput.nullable().optional(), sms: ChannelInput.nullable().optional(), whatsapp: ChannelInput.nullable().optional() })
      .strict()
      .optional(),
  })
  .strict()
  .meta({ id: "UpdateCustomerRequest" });

export type UpdateCustomerInput = z.infer<typeof UpdateCustomerBody>;
