// Sync alerts: per connection thresholds (erp_connections.alerting), checked every minute. When
// the lag or the failed count crosses its threshold, ONE alert of that kind opens (a partial
// unique index keeps it to one until it clears) and goes to the franchise's webhook (body signed
// with HMAC-SHA256, the key shown to the admin when alerting is set) and by email through the
// email sender; when the measure falls back under the threshold the alert clears.
import { z } from "zod";
import { eq } from "drizzle-orm";
import type { BillingContext } from "../../billing/context.ts";
import { database, type Db } from "../../db/client.ts";
import { runBatch } from "../../db/batch.ts";
import { oldestWaiting, recentLags, stateCounts, updateConnection, type ErpConnectionRow } from "../../db/erp.ts";
import { openAlert, openAlerts, recentAlerts, updateAlert } from "../../db/erp-flow.ts";
import { newId } from "../../db/ids.ts";
import { franchiseDatabase, tenantDatabases } from "../../db/resolver.ts";
import { erpConnections } from "../../db/schema/erp.ts";
import { base64url } from "../../auth/secrets.ts";
import { erpTokenKey, isLoopbackUrl } from "../../config/local-secrets.ts";
import { checkAlerts, type AlertCheck } from "../../domain/erp/alert-rules.ts";
import { invalid } from "../../domain/errors.ts";
import { percentile } from "../../domain/erp/sync-state.ts";
import type { Logger } from "../../observability/logger.ts";
import { senderFor } from "../messaging/senders.ts";
import { loadConnection } from "./connections.ts";

/** Every minute, with the outbox sweep: it reads D1 only (no ERP calls). */
export const ERP_ALERTS_CRON = "* * * * *";

export const AlertingSettings = z
  .object({
    email: z.email().max(254).nullable().default(null).describe("where alert emails go (null: none)"),
    webhookUrl: z.url().max(2000).nullable().default(null).describe("HTTPS endpoint receiving signed alert bodies (null: none)"),
    maxLagSeconds: z.number().int().min(60).max(86_400).default(900).describe("alert when the p95 issue-to-synced lag or the oldest waiting record is older than this"),
    maxFailed: z.number().int().min(0).max(100_000).default(0).describe("alert when more records than this are failed"),
  })
  .meta({ id: "IntegrationAlerting" });
export type AlertingSettings = z.infer<typeof AlertingSettings>;

const DEFAULTS: AlertingSettings = { email: null, webhookUrl: null, maxLagSeconds: 900, maxFailed: 0 };

export function alertingOf(connection: ErpConnectionRow): AlertingSettings & { enabled: boolean } {
  let stored: Partial<AlertingSettings> = {};
  try {
    stored = JSON.parse(connection.alerting) as Partial<AlertingSettings>;
  } catch {
    stored = {};
  }
  const settings = { ...DEFAULTS, ...stored };
  return { ...settings, enabled: settings.email !== null || settings.webhookUrl !== null };
}

export async function putAlerting(ctx: BillingContext, id: string, input: AlertingSettings): Promise<AlertingSettings & { enabled: boolean; webhookSecret: string | null }> {
  const connection = await loadConnection(ctx, id);
  // A webhook leaves the platform: HTTPS only (plain HTTP only to a loopback test receiver).
  if (input.webhookUrl && !input.webhookUrl.startsWith("https://") && !isLoopbackUrl(input.webhookUrl)) throw invalid("erp_alert_webhook_https", "webhookUrl", "the alert webhook must be an https:// URL");
  await updateConnection(ctx.db, ctx.franchiseId, id, { alerting: JSON.stringify(input), updatedAt: ctx.clock.now().toISOString() });
  return { ...alertingOf({ ...connection, alerting: JSON.stringify(input) }), webhookSecret: input.webhookUrl ? await webhookSecret(ctx.env, id) : null };
}

/** The connection's alert-signing key: derived from the platform key, so it is never stored. */
export async function webhookSecret(env: Env, connectionId: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(erpTokenKey(env)), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return `whsec_${base64url(new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`erp-alerts:${connectionId}`))))}`;
}

async function sign(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return [...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function checkAllAlerts(env: Env, logger: Logger, now: Date = new Date()): Promise<number> {
  let opened = 0;
  for (const d1 of tenantDatabases(env)) {
    const rows = await database(d1).select().from(erpConnections).where(eq(erpConnections.status, "connected")).all();
    for (const connection of rows) {
      try {
        opened += await checkConnectionAlerts(env, connection, now);
      } catch (error) {
        logger.error("erp alert check failed", { connectionId: connection.id, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
  return opened;
}

/** Measures, opens what crossed (once), clears what fell back. Returns how many alerts opened. */
export async function checkConnectionAlerts(env: Env, connection: ErpConnectionRow, now: Date): Promise<number> {
  const settings = alertingOf(connection);
  const db = database(franchiseDatabase(env, connection.franchiseId));
  const open = await openAlerts(db, connection.franchiseId, connection.id);
  if (!settings.enabled && open.length === 0) return 0;
  const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
  const [lags, oldest, counts] = await Promise.all([recentLags(db, connection.franchiseId, connection.id, hourAgo), oldestWaiting(db, connection.franchiseId, connection.id), stateCounts(db, connection.franchiseId, connection.id)]);
  const checks = checkAlerts(
    { p95LagSeconds: percentile(lags, 95), oldestPendingAgeSeconds: oldest ? Math.max(0, (now.getTime() - Date.parse(oldest)) / 1000) : null, failed: counts.failed ?? 0 },
    settings,
  );
  let opened = 0;
  const at = now.toISOString();
  for (const check of checks) {
    const current = open.find((a) => a.kind === check.kind);
    if (check.crossed && !current && settings.enabled) {
      const row = { id: newId("eal", now.getTime()), franchiseId: connection.franchiseId, connectionId: connection.id, kind: check.kind, status: "open", value: check.value, threshold: check.threshold, message: check.message, notified: "{}", openedAt: at, clearedAt: null };
      if (!(await openAlert(db, row))) continue; // another check opened it first
      opened++;
      const notified = await notify(env, connection, settings, check, row.id, at);
      await runBatch(db, [updateAlert(db, connection.franchiseId, row.id, { notified: JSON.stringify(notified) })]);
    } else if (!check.crossed && current) {
      await runBatch(db, [updateAlert(db, connection.franchiseId, current.id, { status: "cleared", clearedAt: at, value: check.value })]);
    } else if (check.crossed && current) {
      await runBatch(db, [updateAlert(db, connection.franchiseId, current.id, { value: check.value, message: check.message })]);
    }
  }
  return opened;
}

async function notify(env: Env, connection: ErpConnectionRow, settings: AlertingSettings, check: AlertCheck, alertId: string, at: string): Promise<Record<string, string>> {
  const notified: Record<string, string> = {};
  const body = JSON.stringify({ type: "integration.alert", alertId, integrationId: connection.id, provider: connection.provider, kind: check.kind, value: check.value, threshold: check.threshold, message: check.message, openedAt: at });
  if (settings.webhookUrl) {
    try {
      const timestamp = String(Math.floor(Date.parse(at) / 1000));
      const signature = await sign(await webhookSecret(env, connection.id), `${timestamp}.${body}`);
      const res = await fetch(settings.webhookUrl, { method: "POST", headers: { "content-type": "application/json", "x-ledgerline-timestamp": timestamp, "x-ledgerline-signature": `sha256=${signature}` }, body });
      await res.arrayBuffer();
      notified.webhook = res.ok ? "sent" : `failed: HTTP ${res.status}`;
    } catch (error) {
      notified.webhook = `failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  if (settings.email) {
    const outcome = await senderFor(env, "email").send({ to: settings.email, subject: `Ledgerline: ${connection.provider} sync needs attention (${check.kind})`, body: check.message, idempotencyKey: `erp-alert-${alertId}` });
    notified.email = outcome.kind === "sent" ? "sent" : `failed: ${outcome.error}`;
  }
  return notified;
}

/** The connection's alerting as the status endpoint shows it. */
export async function alertsView(db: Db, connection: ErpConnectionRow) {
  const rows = await recentAlerts(db, connection.franchiseId, connection.id, 10);
  const { enabled, maxLagSeconds, maxFailed, email, webhookUrl } = alertingOf(connection);
  return {
    settings: { enabled, maxLagSeconds, maxFailed, email, webhookUrl },
    open: rows.filter((r) => r.status === "open").map(alertResource),
    recent: rows.map(alertResource),
  };
}

const alertResource = (r: { id: string; kind: string; status: string; value: number; threshold: number; message: string; notified: string; openedAt: string; clearedAt: string | null }) => ({
  id: r.id,
  kind: r.kind as AlertCheck["kind"],
  status: r.status as "open" | "cleared",
  value: r.value,
  threshold: r.threshold,
  message: r.message,
  notified: JSON.parse(r.notified) as Record<string, string>,
  openedAt: r.openedAt,
  clearedAt: r.clearedAt,
});
