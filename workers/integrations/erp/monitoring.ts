// The status of a connection as staff need it: how much is waiting and for how long, how fast
// documents reach the ERP (p50/p95 issue-to-synced lag against the 5-minute SLA), how often
// calls fail, and the latest failures with what to do about each.
import { and, desc, eq, inArray } from "drizzle-orm";
import type { BillingContext } from "../../billing/context.ts";
import { attemptOutcomesSince, oldestWaiting, recentLags, stateCounts } from "../../db/erp.ts";
import { erpSyncRecords } from "../../db/schema/erp.ts";
import { percentile, SYNC_STATES } from "../../domain/erp/sync-state.ts";
import { connectionStub } from "../xero/client.ts";
import { loadConnection } from "./connections.ts";
import { alertsView } from "./alerts.ts";

export const SYNC_SLA_SECONDS = 300;

export async function connectionStatus(ctx: BillingContext, id: string) {
  const connection = await loadConnection(ctx, id);
  const now = ctx.clock.now().getTime();
  const dayAgo = new Date(now - 86_400_000).toISOString();
  const hourAgo = new Date(now - 3_600_000).toISOString();
  const [counts, oldest, lags, outcomes, lastFailures] = await Promise.all([
    stateCounts(ctx.db, ctx.franchiseId, id),
    oldestWaiting(ctx.db, ctx.franchiseId, id),
    recentLags(ctx.db, ctx.franchiseId, id, dayAgo),
    attemptOutcomesSince(ctx.db, ctx.franchiseId, id, hourAgo),
    ctx.db
      .select()
      .from(erpSyncRecords)
      .where(and(eq(erpSyncRecords.franchiseId, ctx.franchiseId), eq(erpSyncRecords.connectionId, id), inArray(erpSyncRecords.state, ["failed", "retrying", "conflict"])))
      .orderBy(desc(erpSyncRecords.updatedAt))
      .limit(10)
      .all(),
  ]);
  const states = Object.fromEntries(SYNC_STATES.map((s) => [s, counts[s] ?? 0])) as Record<(typeof SYNC_STATES)[number], number>;
  const p95 = percentile(lags, 95);
  const budget = connection.status === "connected" ? await connectionStub(ctx.env, id).info() : null;
  const attempts = outcomes.ok + outcomes.failed;
  const alerts = await alertsView(ctx.db, connection);
  return {
    connectionId: id,
    provider: connection.provider,
    status: connection.status,
    organisation: connection.remoteTenantName,
    lastSyncedAt: connection.lastSyncedAt,
    states,
    backlog: states.pending + states.syncing + states.retrying,
    oldestPendingAgeSeconds: oldest ? Math.max(0, Math.round((now - Date.parse(oldest)) / 1000)) : null,
    lagSeconds: { p50: round(percentile(lags, 50)), p95: round(p95), samples: lags.length, slaSeconds: SYNC_SLA_SECONDS, withinSla: p95 === null ? null : p95 <= SYNC_SLA_SECONDS },
    errorRate: attempts === 0 ? 0 : Math.round((outcomes.failed / attempts) * 1000) / 1000,
    budget: budget ? { callsLastMinute: budget.callsLastMinute, callsLastDay: budget.callsLastDay, perMinute: budget.limits.perMinute, perDay: budget.limits.perDay, pausedUntil: budget.pausedUntil } : null,
    alerts,
    lastErrors: lastFailures.map((r) => ({
      recordId: r.id,
      entityType: r.entityType,
      entityId: r.entityId,
      entityNumber: r.entityNumber,
      operation: r.operation,
      state: r.state,
      errorClass: r.lastErrorClass,
      message: r.lastError,
      fix: r.lastFix,
      attempts: r.attempts,
      at: r.updatedAt,
    })),
  };
}

const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
