// A franchise's own audit witness (issue 10): the webhook its admins name to receive every signed
// checkpoint, so a copy of the log's state sits where we cannot rewrite it. Setting or clearing it
// is a policy change, recorded in the audit log like any other (an outbox event in the same batch).
// The push may be signed (HMAC-SHA256 over "<timestamp>.<note>", header Ledgerline-Signature:
// t=<unix seconds>,v1=<hex>) with a secret the admin sets; the secret is sealed with AES-GCM at
// rest and never returned. Every push is recorded (delivered, or failed with the HTTP status or
// error) and a failed one is retried by the hourly checkpoint job until it lands or runs out of
// attempts.
import { and, desc, eq, lt, sql } from "drizzle-orm";
import { auditWitnessKey, isLoopbackUrl } from "../config/local-secrets.ts";
import { invalid } from "../domain/errors.ts";
import { runBatch } from "../db/batch.ts";
import { database, type Db } from "../db/client.ts";
import { outboxInsert } from "../db/outbox.ts";
import { franchiseDatabase } from "../db/resolver.ts";
import { auditWitnesses, auditWitnessPushes } from "../db/schema/audit-witness.ts";
import type { BillingContext } from "../billing/context.ts";
import { openJson, sealJson } from "../integrations/erp/token-crypto.ts";
import type { Logger } from "../observability/logger.ts";
import { auditOrigin } from "./origin.ts";

export const WITNESS_MAX_ATTEMPTS = 5;
const PUSH_TIMEOUT_MS = 5_000;
const SECRET_MIN = 16;
const SECRET_MAX = 256;
const URL_MAX = 2_000;

export type WitnessRow = typeof auditWitnesses.$inferSelect;
export type WitnessPushRow = typeof auditWitnessPushes.$inferSelect;

/** https anywhere; plain http only to a loopback address (a local witness or the fake). */
export function validateWitnessUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid("invalid_witness_url", "url", "url must be an absolute URL");
  }
  if (raw.length > URL_MAX) throw invalid("invalid_witness_url", "url", `url can be at most ${URL_MAX} characters`);
  if (url.username || url.password) throw invalid("invalid_witness_url", "url", "url must not carry credentials: set a signing secret instead");
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackUrl(url.href))) {
    throw invalid("invalid_witness_url", "url", "url must be https (plain http only to a loopback address)");
  }
  return url.href;
}

async function fingerprint(secret: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret)));
  return [...digest.slice(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function getWitness(db: Db, franchiseId: string): Promise<WitnessRow | null> {
  return (await db.select().from(auditWitnesses).where(eq(auditWitnesses.franchiseId, franchiseId)).get()) ?? null;
}

export async function listWitnessPushes(db: Db, franchiseId: string, limit: number): Promise<WitnessPushRow[]> {
  return db.select().from(auditWitnessPushes).where(eq(auditWitnessPushes.franchiseId, franchiseId)).orderBy(desc(auditWitnessPushes.size)).limit(limit).all();
}

const eventPayload = (w: { url: string | null; secretFingerprint: string | null }) => ({ url: w.url, signed: w.secretFingerprint !== null, secretFingerprint: w.secretFingerprint });

/**
 * Sets the witness. `secret`: a string sets it, null removes it, undefined keeps the current one.
 * One batch: the row and the audit event.
 */
export async function setWitness(ctx: BillingContext, input: { url: string; secret?: string | null | undefined }, now: Date): Promise<WitnessRow> {
  const url = validateWitnessUrl(input.url);
  if (typeof input.secret === "string" && (input.secret.length < SECRET_MIN || input.secret.length > SECRET_MAX)) {
    throw invalid("invalid_witness_secret", "secret", `secret must be ${SECRET_MIN} to ${SECRET_MAX} characters`);
  }
  const current = await getWitness(ctx.db, ctx.franchiseId);
  let secretSealed = current?.secretSealed ?? null;
  let secretFingerprint = current?.secretFingerprint ?? null;
  if (typeof input.secret === "string") {
    secretSealed = await sealJson(auditWitnessKey(ctx.env), ctx.franchiseId, input.secret);
    secretFingerprint = await fingerprint(input.secret);
  } else if (input.secret === null) {
    secretSealed = null;
    secretFingerprint = null;
  }
  const at = now.toISOString();
  const row: WitnessRow = { franchiseId: ctx.franchiseId, url, secretSealed, secretFingerprint, version: (current?.version ?? 0) + 1, updatedBy: ctx.actor, updatedAt: at };
  await runBatch(ctx.db, [
    ctx.db.insert(auditWitnesses).values(row).onConflictDoUpdate({ target: auditWitnesses.franchiseId, set: { url, secretSealed, secretFingerprint, version: sql`${auditWitnesses.version} + 1`, updatedBy: ctx.actor, updatedAt: at } }),
    outboxInsert(ctx.db, { franchiseId: ctx.franchiseId, type: "audit_witness.configured", aggregateType: "audit_witness", aggregateId: ctx.franchiseId, aggregateVersion: row.version, actor: ctx.actor, payload: eventPayload(row), occurredAt: at }),
  ]);
  return row;
}

/** Clears the witness; false when none was set (nothing is written then). */
export async function clearWitness(ctx: BillingContext, now: Date): Promise<boolean> {
  const current = await getWitness(ctx.db, ctx.franchiseId);
  if (!current) return false;
  const at = now.toISOString();
  await runBatch(ctx.db, [
    ctx.db.delete(auditWitnesses).where(eq(auditWitnesses.franchiseId, ctx.franchiseId)),
    outboxInsert(ctx.db, { franchiseId: ctx.franchiseId, type: "audit_witness.cleared", aggregateType: "audit_witness", aggregateId: ctx.franchiseId, aggregateVersion: current.version + 1, actor: ctx.actor, payload: eventPayload({ url: null, secretFingerprint: null }), occurredAt: at }),
  ]);
  return true;
}

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** One POST of the note to the witness; the outcome, never an exception. */
async function deliver(env: Env, witness: WitnessRow, note: string, now: Date): Promise<{ ok: boolean; httpStatus: number | null; error: string | null }> {
  const headers: Record<string, string> = { "content-type": "text/plain; charset=utf-8", "ledgerline-audit-origin": auditOrigin(witness.franchiseId) };
  try {
    if (witness.secretSealed) {
      const secret = await openJson<string>(auditWitnessKey(env), witness.franchiseId, witness.secretSealed);
      const t = Math.floor(now.getTime() / 1000);
      headers["ledgerline-signature"] = `t=${t},v1=${await hmacHex(secret, `${t}.${note}`)}`;
    }
    const res = await fetch(witness.url, { method: "POST", headers, body: note, signal: AbortSignal.timeout(PUSH_TIMEOUT_MS), redirect: "manual" });
    await res.body?.cancel();
    return res.ok ? { ok: true, httpStatus: res.status, error: null } : { ok: false, httpStatus: res.status, error: `the witness answered ${res.status}` };
  } catch (error) {
    return { ok: false, httpStatus: null, error: error instanceof Error ? error.message.slice(0, 200) : "unreachable" };
  }
}

/** Pushes a newly signed checkpoint to the franchise's witness (if it has one) and records the outcome. */
export async function pushCheckpoint(env: Env, franchiseId: string, checkpoint: { size: number; note: string }, now: Date): Promise<WitnessPushRow | null> {
  const db = database(franchiseDatabase(env, franchiseId));
  const witness = await getWitness(db, franchiseId);
  if (!witness) return null;
  const outcome = await deliver(env, witness, checkpoint.note, now);
  const at = now.toISOString();
  const row: WitnessPushRow = { franchiseId, size: checkpoint.size, url: witness.url, status: outcome.ok ? "delivered" : "failed", httpStatus: outcome.httpStatus, error: outcome.error, attempts: 1, firstAttemptAt: at, lastAttemptAt: at, deliveredAt: outcome.ok ? at : null };
  await db
    .insert(auditWitnessPushes)
    .values(row)
    .onConflictDoUpdate({
      target: [auditWitnessPushes.franchiseId, auditWitnessPushes.size],
      set: { url: row.url, status: row.status, httpStatus: row.httpStatus, error: row.error, attempts: sql`${auditWitnessPushes.attempts} + 1`, lastAttemptAt: at, deliveredAt: row.deliveredAt },
    })
    .run();
  return (await db.select().from(auditWitnessPushes).where(and(eq(auditWitnessPushes.franchiseId, franchiseId), eq(auditWitnessPushes.size, checkpoint.size))).get()) ?? row;
}

/**
 * Retries the franchise's failed pushes that have attempts left (newest first, a few per run), with
 * the note the log signed for that size; returns how many were delivered now.
 */
export async function retryFailedPushes(env: Env, franchiseId: string, noteFor: (size: number) => Promise<string | null>, now: Date, logger?: Logger): Promise<number> {
  const db = database(franchiseDatabase(env, franchiseId));
  const pending = await db
    .select()
    .from(auditWitnessPushes)
    .where(and(eq(auditWitnessPushes.franchiseId, franchiseId), eq(auditWitnessPushes.status, "failed"), lt(auditWitnessPushes.attempts, WITNESS_MAX_ATTEMPTS)))
    .orderBy(desc(auditWitnessPushes.size))
    .limit(10)
    .all();
  let delivered = 0;
  for (const push of pending) {
    const note = await noteFor(push.size);
    if (!note) continue;
    const row = await pushCheckpoint(env, franchiseId, { size: push.size, note }, now);
    if (row?.status === "delivered") delivered++;
    else logger?.warn("audit witness push failed again", { franchiseId, size: push.size, attempts: row?.attempts, httpStatus: row?.httpStatus });
  }
  return delivered;
}
