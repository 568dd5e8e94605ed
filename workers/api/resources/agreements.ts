// Recurring service agreements (issue 13): requests, the resource and its list.
import { z } from "zod";
import type { AgreementRow } from "../../db/agreements.ts";
import { CADENCES, type Cadence } from "../../domain/agreements/cadence.ts";
import { milliToQuantity } from "../../domain/invoice-totals.ts";
import { Amount, Id, IsoDate, listOf } from "./common.ts";

const Quantity = z.number().positive().max(1_000_000).meta({ multipleOf: 0.001, description: "at most three decimals" });
const Cadences = z.enum(CADENCES).describe("monthly bills every month; quarterly every 3rd and annual every 12th month from the start month, in advance, prorated by day in the first and last period");

export const CreateAgreementBody = z
  .object({
    customerId: Id("cus"),
    branchId: Id("br"),
    serviceTypeId: Id("st"),
    description: z.string().trim().min(1).max(300).optional().describe("the invoice line's text; defaults to the service type's name"),
    quantity: Quantity,
    unitPrice: Amount.describe("per unit and cadence period, in the branch currency's minor unit"),
    cadence: Cadences,
    startDate: IsoDate,
    endDate: IsoDate.nullable().optional().describe("last day of service, inclusive; null or absent = open-ended"),
  })
  .strict()
  .meta({ id: "CreateAgreementRequest" });

export const UpdateAgreementBody = z
  .object({
    description: z.string().trim().min(1).max(300).optional(),
    endDate: IsoDate.nullable().optional().describe("stop the agreement after this day (prorated by day); null reopens it"),
  })
  .strict()
  .meta({ id: "UpdateAgreementRequest" });

export const ChangeAgreementBody = z
  .object({
    effectiveDate: IsoDate.describe("the first day of the new terms; the agreement stops the day before"),
    quantity: Quantity.optional(),
    unitPrice: Amount.optional(),
  })
  .strict()
  .meta({ id: "ChangeAgreementRequest" });

export const Agreement = z
  .object({
    id: Id("agr"),
    customerId: z.string(),
    branchId: z.string(),
    serviceTypeId: z.string(),
    description: z.string(),
    quantity: z.number(),
    unitPrice: Amount,
    cadence: Cadences,
    startDate: IsoDate,
    endDate: IsoDate.nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Agreement" });

export const AgreementList = listOf(Agreement, "AgreementList");

export const agreementETag = (version: number) => `"v${version}"`;

export function agreementResource(a: AgreementRow): z.infer<typeof Agreement> {
  return {
    id: a.id,
    customerId: a.customerId,
    branchId: a.branchId,
    serviceTypeId: a.serviceTypeId,
    description: a.description,
    quantity: milliToQuantity(a.quantityMilli),
    unitPrice: a.unitPrice,
    cadence: a.cadence as Cadence,
    startDate: a.startDate,
    endDate: a.endDate,
    version: a.version,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}
