import { z } from "zod";
import type { BranchRow, ServiceTypeRow } from "../../db/reference-data.ts";
import { TAX_CATEGORIES } from "../../domain/tax.ts";
import { displayMinorUnits } from "../../domain/currency.ts";
import { Currency, Id } from "./common.ts";
import { parseAddress, PostalAddress } from "./party.ts";

export const Branch = z.object({
  id: Id("br"),
  code: z.string(),
  name: z.string(),
  timezone: z.string(),
  currency: Currency,
  minorUnits: z.number().int().describe("the currency's ISO 4217 minor-unit exponent"),
  jurisdiction: z.string(),
  legalName: z.string().describe("the legal entity that issues the branch's documents"),
  taxId: z.string().nullable(),
  address: PostalAddress.nullable(),
  contact: z.object({ email: z.string().nullable(), phone: z.string().nullable() }),
}).meta({ id: "Branch" });

export const branchResource = (b: BranchRow): z.infer<typeof Branch> => ({
  id: b.id,
  code: b.code,
  name: b.name,
  timezone: b.timezone,
  currency: b.currency,
  minorUnits: displayMinorUnits(b.currency),
  jurisdiction: b.jurisdiction,
  legalName: b.legalName ?? b.name,
  taxId: b.taxId,
  address: parseAddress(b.address),
  contact: { email: b.contactEmail, phone: b.contactPhone },
});

export const ServiceType = z.object({
  id: Id("st"),
  code: z.string(),
  name: z.string(),
  defaultTaxCategory: z.enum(TAX_CATEGORIES),
  costRatePercent: z.number().describe("direct cost as a share of net revenue"),
}).meta({ id: "ServiceType" });

export const serviceTypeResource = (s: ServiceTypeRow): z.infer<typeof ServiceType> => ({
  id: s.id,
  code: s.code,
  name: s.name,
  defaultTaxCategory: s.defaultTaxCategory as (typeof TAX_CATEGORIES)[number],
  costRatePercent: s.costRateBps / 100,
});
