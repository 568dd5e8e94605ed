// Dunning resources: settings (buckets, holidays), cadence templates, profiles, disputes,
// promises to pay, the schedule preview and the communications history.
import { z } from "zod";
import { CHANNELS, ESCALATIONS } from "../../domain/dunning/cadence.ts";
import { SUPPRESSION_REASONS } from "../../domain/dunning/planner.ts";
import { TEMPLATE_VARIABLES } from "../../domain/dunning/template.ts";
import type { CommunicationRow, DisputeRow, DunningProfile, DunningSettings, PromiseRow, StoredCadence } from "../../db/dunning.ts";
import { Amount, Id, IsoDate } from "./common.ts";

export const ChannelName = z.enum(CHANNELS);

const Bucket = z.object({
  id: z.string().regex(/^[A-Za-z0-9+_-]{1,20}$/, "1–20 letters, digits, + _ -"),
  label: z.string().trim().min(1).max(60),
  minDays: z.number().int().min(0).max(3650),
  maxDays: z.number().int().min(0).max(3650).nullable(),
});

const Holidays = z.record(z.string().regex(/^(\*|br_[0-9a-z]{26})$/, "* or a branch id"), z.array(IsoDate).max(366)).describe('"*" for every branch, or a branch id → local dates on which nothing is sent');

export const DunningSettingsBody = z.object({ buckets: z.array(Bucket).min(1).max(20), holidays: Holidays.default({}) }).strict().meta({ id: "DunningSettingsRequest" });

export const DunningSettingsResource = z.object({ buckets: z.array(Bucket), holidays: Holidays, updatedAt: z.string().nullable() }).meta({ id: "DunningSettings" });

export const settingsResource = (s: DunningSettings): z.infer<typeof DunningSettingsResource> => s;

const Template = z.object({ subject: z.string().max(200).optional(), body: z.string().max(1600) });

const Step = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, "1–40 letters, digits, _ or -"),
    trigger: z.discriminatedUnion("type", [
      z.object({ type: z.literal("days_after_due"), days: z.number().int().min(-60).max(730).describe("negative = before the due date") }),
      z.object({ type: z.literal("enter_bucket"), bucket: z.string().min(1).max(20) }),
    ]),
    channels: z.array(ChannelName).max(3).describe("in order of preference: the step sends on the first usable one"),
    templates: z.record(z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, "a BCP 47 language such as es"), Template).describe(`language → text; variables: ${TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(" ")}`),
    escalations: z.array(z.enum(ESCALATIONS)).max(4).default([]),
  })
  .strict();

const Suppression = z
  .object({
    windowStartMinute: z.number().int().min(0).max(1439).default(480),
    windowEndMinute: z.number().int().min(1).max(1440).default(1260),
    sendAtMinute: z.number().int().min(0).max(1439).default(600),
    minGapHours: z.number().int().min(0).max(720).default(24),
    weeklyCap: z.number().int().min(1).max(50).default(3),
    minAmount: Amount.default(0),
  })
  .strict()
  .describe("local send window (minutes of the day), preferred send time, minimum gap, messages per rolling 7 days, minimum total overdue");

export const CadenceBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    segments: z.array(z.string().min(1).max(40)).max(20).default([]).describe("customer segments it applies to; [] = any (the fallback)"),
    defaultLanguage: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/).default("en"),
    steps: z.array(Step).max(30),
    suppression: Suppression.default({ windowStartMinute: 480, windowEndMinute: 1260, sendAtMinute: 600, minGapHours: 24, weeklyCap: 3, minAmount: 0 }),
  })
  .strict()
  .meta({ id: "DunningCadenceRequest" });

export const UpdateCadenceBody = CadenceBody.extend({ status: z.enum(["active", "archived"]).default("active") }).strict().meta({ id: "UpdateDunningCadenceRequest" });

export const CadenceResource = z
  .object({
    id: Id("cad"),
    name: z.string(),
    segments: z.array(z.string()),
    status: z.enum(["active", "archived"]),
    version: z.number().int(),
    defaultLanguage: z.string(),
    steps: z.array(Step),
    suppression: Suppression,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "DunningCadence" });

export const cadenceResource = ({ row, definition }: StoredCadence): z.infer<typeof CadenceResource> => ({
  id: row.id,
  name: row.name,
  segments: JSON.parse(row.segments) as string[],
  status: row.status as "active" | "archived",
  version: row.version,
  ...definition,
  steps: definition.steps.map((s) => ({ ...s, escalations: s.escalations ?? [] })),
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

export const cadenceETag = (version: number) => `"v${version}"`;

export const DunningProfileBody = z
  .object({
    preferredChannels: z.array(ChannelName).max(3).describe("in order of preference; [] = each step's own order"),
    doNotContact: z.boolean(),
    segment: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "1–40 lowercase letters, digits, _ or -")
      .nullable()
      .optional()
      .describe("dunning segment chosen by hand (picks the cadence; the risk model never overrides it); null = automatic (the customer's segment, or high-risk from the risk model); omitted = unchanged"),
  })
  .strict()
  .meta({ id: "DunningProfileRequest" });
export const DunningProfileResource = z
  .object({
    customerId: Id("cus"),
    preferredChannels: z.array(ChannelName),
    doNotContact: z.boolean(),
    unreachable: z.object({ email: z.string().optional(), sms: z.string().optional(), whatsapp: z.string().optional() }),
    segment: z.string().nullable().describe("dunning segment that picks the cadence; null = the customer's own segment"),
    segmentSource: z.enum(["staff", "risk"]).nullable().describe("staff = set by hand; risk = set by the late-payment model (cleared when the risk falls)"),
  })
  .meta({ id: "DunningProfile" });
export const profileResource = (customerId: string, p: DunningProfile): z.infer<typeof DunningProfileResource> => ({ customerId, ...p });

export const OptOutBody = z.object({ channel: ChannelName }).strict().meta({ id: "OptOutRequest" });

export const DisputeBody = z.object({ reason: z.string().trim().min(1).max(500) }).strict().meta({ id: "DisputeRequest" });
export const ResolveDisputeBody = z.object({ resolution: z.string().trim().min(1).max(500) }).strict().meta({ id: "ResolveDisputeRequest" });
export const DisputeResource = z
  .object({ id: Id("dsp"), invoiceId: Id("inv"), customerId: Id("cus"), reason: z.string(), status: z.enum(["open", "resolved"]), openedAt: z.string(), resolvedAt: z.string().nullable(), resolution: z.string().nullable() })
  .meta({ id: "Dispute" });
export const disputeResource = (d: DisputeRow): z.infer<typeof DisputeResource> => ({
  id: d.id,
  invoiceId: d.invoiceId,
  customerId: d.customerId,
  reason: d.reason,
  status: d.resolvedAt === null ? "open" : "resolved",
  openedAt: d.openedAt,
  resolvedAt: d.resolvedAt,
  resolution: d.resolution,
});

export const PromiseBody = z.object({ until: IsoDate.describe("local date (inclusive) until which chasing pauses"), amount: Amount.optional() }).strict().meta({ id: "PromiseToPayRequest" });
export const PromiseResource = z.object({ id: Id("ptp"), customerId: Id("cus"), until: z.string(), amount: z.number().int().nullable(), createdAt: z.string() }).meta({ id: "PromiseToPay" });
export const promiseResource = (p: PromiseRow): z.infer<typeof PromiseResource> => ({ id: p.id, customerId: p.customerId, until: p.until, amount: p.amount, createdAt: p.createdAt });

export const PreviewBody = z.object({ customerId: Id("cus"), from: IsoDate, to: IsoDate }).strict().meta({ id: "DunningPreviewRequest" });
const PreviewItem = z.object({
  at: z.string().describe("ISO-8601 instant"),
  channel: ChannelName,
  stepId: z.string(),
  invoiceIds: z.array(z.string()),
  status: z.enum(["send", "suppressed"]),
  reason: z.enum(SUPPRESSION_REASONS).optional(),
  subject: z.string().optional(),
  body: z.string().optional(),
});
const PreviewEscalation = z.object({ at: z.string(), stepId: z.string(), actions: z.array(z.enum(ESCALATIONS)), invoiceIds: z.array(z.string()) });
export const PreviewResource = z
  .object({ data: z.array(PreviewItem), escalations: z.array(PreviewEscalation), cadence: z.object({ id: z.string(), version: z.number().int() }).nullable() })
  .meta({ id: "DunningPreview" });

export const COMMUNICATION_KINDS = ["attempt", "sent", "delivered", "failed", "suppressed", "opt_out", "opt_in", "escalation", "dispute_opened", "dispute_resolved", "promise_to_pay", "inbound", "escalation_assigned", "escalation_acknowledged", "escalation_resolved"] as const;
export const CommunicationResource = z
  .object({
    id: Id("com"),
    customerId: Id("cus"),
    kind: z.enum(COMMUNICATION_KINDS),
    channel: ChannelName.nullable(),
    stepId: z.string().nullable(),
    cadenceId: z.string().nullable(),
    cadenceVersion: z.number().int().nullable(),
    invoiceIds: z.array(z.string()),
    reason: z.string().nullable(),
    address: z.string().nullable(),
    subject: z.string().nullable(),
    body: z.string().nullable(),
    contentHash: z.string().nullable(),
    providerMessageId: z.string().nullable(),
    actor: z.string(),
    occurredAt: z.string(),
  })
  .meta({ id: "Communication" });
export const communicationResource = (r: CommunicationRow): z.infer<typeof CommunicationResource> => ({
  id: r.id,
  customerId: r.customerId,
  kind: r.kind as (typeof COMMUNICATION_KINDS)[number],
  channel: r.channel as z.infer<typeof ChannelName> | null,
  stepId: r.stepId,
  cadenceId: r.cadenceId,
  cadenceVersion: r.cadenceVersion,
  invoiceIds: JSON.parse(r.invoiceIds) as string[],
  reason: r.reason,
  address: r.address,
  subject: r.subject,
  body: r.body,
  contentHash: r.contentHash,
  providerMessageId: r.providerMessageId,
  actor: r.actor,
  occurredAt: r.occurredAt,
});
export const InvoiceCommunications = z.object({ invoiceId: Id("inv"), customerId: Id("cus"), generatedAt: z.string(), data: z.array(CommunicationResource) }).meta({ id: "InvoiceCommunicationsExport" });
