// Retention policies, an archived document's retention status, and legal holds (issue 10).
import { z } from "zod";
import type { RetentionStatus } from "../../audit/retention.ts";
import type { LegalHoldRow } from "../../db/retention.ts";
import type { RetentionPolicy as Policy } from "../../domain/retention.ts";
import { Id, IsoDate } from "./common.ts";

export const RetentionPolicy = z
  .object({
    jurisdiction: z.string(),
    documentClass: z.enum(["invoice", "books"]),
    months: z.number().int().describe("how long, counted from the end of the period in `start`"),
    start: z
      .object({ kind: z.enum(["calendar_year_end", "calendar_quarter_end", "annual_return_due"]), fiscalYearStartMonth: z.number().int().optional(), dueMonthsAfter: z.number().int().optional() })
      .describe("the period the law counts from: the end of the document's calendar year or quarter, or the due date of its fiscal year's annual return"),
    source: z.string(),
  })
  .meta({ id: "RetentionPolicy" });

export const LegalHold = z
  .object({
    id: Id("lh"),
    documentKind: z.enum(["invoice", "credit_note"]),
    documentId: z.string(),
    reason: z.string(),
    setBy: z.string(),
    setAt: z.string(),
    liftedAt: z.string().nullable(),
    liftedBy: z.string().nullable(),
    liftReason: z.string().nullable(),
  })
  .meta({ id: "LegalHold" });

export const RetentionStatusResource = z
  .object({
    documentKind: z.enum(["invoice", "credit_note"]),
    documentId: z.string(),
    archived: z.boolean().describe("false while the document is not archived yet: the fields below are then null"),
    jurisdiction: z.string().nullable(),
    issueDate: IsoDate.nullable(),
    policy: RetentionPolicy.nullable().describe("null: no policy covers the jurisdiction, so the document is kept"),
    retainedThrough: IsoDate.nullable().describe("the last day it must be kept"),
    deletable: z.boolean(),
    deletableFrom: IsoDate.nullable(),
    refusal: z.string().nullable().describe("why it cannot be deleted today: retention_period_running, legal_hold_active, no_retention_policy or not_archived"),
    holds: z.array(LegalHold).describe("active holds"),
  })
  .meta({ id: "RetentionStatus" });

export const policyResource = (p: Policy): z.infer<typeof RetentionPolicy> => ({ ...p, start: { ...p.start } });

export const holdResource = (h: LegalHoldRow): z.infer<typeof LegalHold> => ({
  id: h.id,
  documentKind: h.documentKind as "invoice" | "credit_note",
  documentId: h.documentId,
  reason: h.reason,
  setBy: h.setBy,
  setAt: h.setAt,
  liftedAt: h.liftedAt,
  liftedBy: h.liftedBy,
  liftReason: h.liftReason,
});

export const statusResource = (s: RetentionStatus): z.infer<typeof RetentionStatusResource> => ({
  documentKind: s.kind,
  documentId: s.id,
  archived: s.archived,
  jurisdiction: s.jurisdiction,
  issueDate: s.issueDate,
  policy: s.policy ? policyResource(s.policy) : null,
  retainedThrough: s.retainedThrough,
  deletable: s.check.allowed,
  deletableFrom: s.check.deletableFrom,
  refusal: s.check.allowed ? null : s.check.code,
  holds: s.holds.map(holdResource),
});
