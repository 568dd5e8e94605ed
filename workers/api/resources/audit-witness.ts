// The franchise's audit witness (issue 10) and the record of checkpoints pushed to it. The push's
// signing secret is write-only: it is never returned, only whether one is set and its fingerprint.
import { z } from "zod";
import type { WitnessPushRow, WitnessRow } from "../../audit/witness.ts";

export const AuditWitness = z
  .object({
    configured: z.boolean(),
    url: z.string().nullable().describe("where each newly signed checkpoint is POSTed (text/plain signed note)"),
    signed: z.boolean().describe("pushes carry Ledgerline-Signature: t=<unix>,v1=<hex HMAC-SHA256 of \"<t>.<note>\">"),
    secretFingerprint: z.string().nullable().describe("first 8 hex digits of SHA-256(secret): which secret is set, without revealing it"),
    updatedBy: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: "AuditWitness" });

export const SetAuditWitnessBody = z
  .object({
    url: z.string().min(1).max(2000).describe("https, or plain http to a loopback address only"),
    secret: z.string().min(16).max(256).nullable().optional().describe("signing secret for the push (write-only): a string sets it, null removes it, absent keeps the current one"),
  })
  .meta({ id: "SetAuditWitness" });

export const AuditWitnessPush = z
  .object({
    size: z.number().int().describe("the checkpoint's tree size"),
    url: z.string(),
    status: z.enum(["delivered", "failed"]),
    httpStatus: z.number().int().nullable(),
    error: z.string().nullable(),
    attempts: z.number().int().describe("a failed push is retried hourly, up to 5 attempts"),
    firstAttemptAt: z.string(),
    lastAttemptAt: z.string(),
    deliveredAt: z.string().nullable(),
  })
  .meta({ id: "AuditWitnessPush" });

export const AuditWitnessPushList = z.object({ data: z.array(AuditWitnessPush) }).meta({ id: "AuditWitnessPushList" });

export const witnessResource = (w: WitnessRow | null): z.infer<typeof AuditWitness> =>
  w
    ? { configured: true, url: w.url, signed: w.secretSealed !== null, secretFingerprint: w.secretFingerprint, updatedBy: w.updatedBy, updatedAt: w.updatedAt }
    : { configured: false, url: null, signed: false, secretFingerprint: null, updatedBy: null, updatedAt: null };

export const pushResource = (p: WitnessPushRow): z.infer<typeof AuditWitnessPush> => ({
  size: p.size,
  url: p.url,
  status: p.status === "delivered" ? "delivered" : "failed",
  httpStatus: p.httpStatus,
  error: p.error,
  attempts: p.attempts,
  firstAttemptAt: p.firstAttemptAt,
  lastAttemptAt: p.lastAttemptAt,
  deliveredAt: p.deliveredAt,
});
