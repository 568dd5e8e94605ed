// A cadence template: ordered steps (when, through which channels, what text per language,
// which escalations) plus the suppression settings it runs under. Versioned: a running
// sequence keeps the version it started with.
import type { FieldIssue } from "../errors.ts";
import { type AgingBucketDef, DEFAULT_BUCKETS } from "./buckets.ts";
import { unknownVariables } from "./template.ts";

export const CHANNELS = ["email", "sms", "whatsapp"] as const;
export type Channel = (typeof CHANNELS)[number];

export const ESCALATIONS = ["notify_branch_manager", "assign_collections", "formal_notice", "service_hold"] as const;
export type Escalation = (typeof ESCALATIONS)[number];

export type StepTrigger = { type: "days_after_due"; days: number } | { type: "enter_bucket"; bucket: string };

export interface MessageTemplate {
  subject?: string | undefined;
  body: string;
}

export interface CadenceStep {
  id: string;
  trigger: StepTrigger;
  /** In order of preference: the step sends on the first usable one (others are fall-backs). */
  channels: Channel[];
  /** language → text; the customer's language, else the cadence's default language. */
  templates: Record<string, MessageTemplate>;
  escalations: Escalation[];
}

export interface SuppressionSettings {
  /** Sends only between these local minutes of the day (default 08:00–21:00). */
  windowStartMinute: number;
  windowEndMinute: number;
  /** Preferred local send time; moved into the window when outside it. */
  sendAtMinute: number;
  minGapHours: number;
  /** Messages per rolling 7 days per customer. */
  weeklyCap: number;
  /** Total overdue (minor units) below which nothing is sent. */
  minAmount: number;
}

export const DEFAULT_SUPPRESSION: SuppressionSettings = { windowStartMinute: 8 * 60, windowEndMinute: 21 * 60, sendAtMinute: 10 * 60, minGapHours: 24, weeklyCap: 3, minAmount: 0 };

export interface Cadence {
  id: string;
  version: number;
  name: string;
  /** Customer segments it applies to; empty = any segment (a fallback). */
  segments: string[];
  defaultLanguage: string;
  steps: CadenceStep[];
  suppression: SuppressionSettings;
}

/** Every reason the editor must show at its field; empty = the cadence can run. */
export function cadenceIssues(cadence: Pick<Cadence, "steps" | "suppression" | "defaultLanguage">, buckets: readonly AgingBucketDef[] = DEFAULT_BUCKETS): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const bucketIds = new Set(buckets.map((b) => b.id));
  if (cadence.steps.length === 0) issues.push({ field: "steps", message: "a cadence needs at least one step" });
  const stepIds = new Set<string>();
  cadence.steps.forEach((step, i) => {
    const at = `steps.${i}`;
    if (stepIds.has(step.id)) issues.push({ field: `${at}.id`, message: `duplicate step id ${step.id}` });
    stepIds.add(step.id);
    if (step.channels.length === 0 && step.escalations.length === 0) issues.push({ field: `${at}.channels`, message: "a step must send on a channel or escalate" });
    if (new Set(step.channels).size !== step.channels.length) issues.push({ field: `${at}.channels`, message: "a channel is listed twice" });
    if (step.trigger.type === "enter_bucket" && !bucketIds.has(step.trigger.bucket)) issues.push({ field: `${at}.trigger.bucket`, message: `unknown bucket ${step.trigger.bucket}` });
    if (step.channels.length > 0 && !step.templates[cadence.defaultLanguage]) issues.push({ field: `${at}.templates.${cadence.defaultLanguage}`, message: "the default language needs a text" });
    for (const [lang, t] of Object.entries(step.templates)) {
      if (t.body.trim() === "") issues.push({ field: `${at}.templates.${lang}.body`, message: "must not be empty" });
      for (const part of ["subject", "body"] as const) {
        const unknown = unknownVariables(t[part] ?? "");
        if (unknown.length > 0) issues.push({ field: `${at}.templates.${lang}.${part}`, message: `unknown variable ${unknown.map((v) => `{{${v}}}`).join(", ")}` });
      }
    }
  });
  const s = cadence.suppression;
  if (s.windowStartMinute >= s.windowEndMinute) issues.push({ field: "suppression.windowEndMinute", message: "the send window must end after it starts" });
  return issues;
}

/** The cadence for a customer: one naming their segment, else the newest catch-all. */
export function cadenceFor<C extends Pick<Cadence, "segments">>(cadences: readonly C[], segment: string): C | undefined {
  return cadences.find((c) => c.segments.includes(segment)) ?? cadences.find((c) => c.segments.length === 0);
}
