// Postal addresses and the seller/buyer snapshots documents carry, as the API shows them.
import { z } from "zod";
import { isCountryCode, type PostalAddress as Address } from "../../domain/postal-address.ts";
import type { BuyerSnapshot as Buyer, SellerSnapshot as Seller } from "../../domain/party-snapshot.ts";

export const PostalAddress = z.object({
  line1: z.string(),
  line2: z.string().optional(),
  city: z.string(),
  postalCode: z.string(),
  region: z.string().optional(),
  countryCode: z.string().describe("ISO 3166-1 alpha-2"),
});

export const PostalAddressInput = z
  .object({
    line1: z.string().trim().min(1).max(200),
    line2: z.string().trim().max(200).optional(),
    city: z.string().trim().min(1).max(100),
    postalCode: z.string().trim().min(1).max(20),
    region: z.string().trim().max(100).optional(),
    countryCode: z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code such as ES").refine(isCountryCode, "is not an ISO 3166-1 alpha-2 country code"),
  })
  .strict();

export const SellerSnapshot = z
  .object({
    legalName: z.string(),
    taxId: z.string().nullable(),
    address: PostalAddress.nullable(),
    contact: z.object({ email: z.string().nullable(), phone: z.string().nullable() }),
  })
  .describe("the branch's legal entity as it stood when the document was issued");

export const BuyerSnapshot = z
  .object({ name: z.string(), taxId: z.string().nullable(), address: PostalAddress.nullable(), email: z.string().nullable() })
  .describe("the customer as they stood when the document was issued");

export const parseAddress = (json: string | null): Address | null => (json ? (JSON.parse(json) as Address) : null);
export const parseSeller = (json: string | null): Seller | null => (json ? (JSON.parse(json) as Seller) : null);
export const parseBuyer = (json: string | null): Buyer | null => (json ? (JSON.parse(json) as Buyer) : null);
