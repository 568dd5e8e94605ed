// OpsMetrics: one instance per franchise keeps its per-minute route metrics (counts, 5xx, 429,
// latency histogram buckets b0..b12 of workers/domain/latency-histogram.ts) in its own SQLite,
// off D1: metrics are written constantly and must neither load the tenant database (one writer
// at a time) nor show up as writes of the requests they measure. Rows older than a day go.
// The same class, as the platform-level instance QUEUE_METRICS_INSTANCE, keeps per-queue counts
// (workers/observability/queue-counting.ts); a franchise's instance also keeps its outcomes
// (dunning sends, ERP sync failures) per minute.
import { DurableObject } from "cloudflare:workers";
import { BUCKET_COUNT } from "../workers/domain/latency-histogram.ts";
import { backlogOf, type BatchReport, oldestAgeSeconds, pendingAfterBatch, pendingAfterSend, type QueueTotals, sourceOf } from "../workers/domain/queue-metrics.ts";
import { OUTCOME_KINDS, type OutcomeCounts } from "../workers/observability/outcome-kinds.ts";

export interface MinuteSum {
  minute: string;
  route: string;
  count: number;
  errors: number;
  throttled: number;
  buckets: number[];
  /** Slowest request of the minute (ms); null in rows written before it was tracked. */
  maxMs: number | null;
}

export interface QueueStats {
  backlog: number;
  oldestAgeSeconds: number;
  retries: number;
  deadLetters: number;
  processedLastHour: number;
}

const B = Array.from({ length: BUCKET_COUNT }, (_, i) => `b${i}`);

export class OpsMetrics extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.ctx.storage.sql.exec(
        `CREATE TABLE IF NOT EXISTS route_minutes (minute TEXT NOT NULL, route TEXT NOT NULL, count INTEGER NOT NULL, errors INTEGER NOT NULL, throttled INTEGER NOT NULL,
         ${B.map((b) => `${b} INTEGER NOT NULL`).join(", ")}, PRIMARY KEY (minute, route))`,
      );
      // Added in session 9 to instances that already had the table (NULL = not tracked then).
      const cols = this.ctx.storage.sql.exec<{ name: string }>("PRAGMA table_info(route_minutes)").toArray();
      if (!cols.some((c) => c.name === "max_ms")) this.ctx.storage.sql.exec("ALTER TABLE route_minutes ADD COLUMN max_ms REAL");
      this.ctx.storage.sql.exec(
        `CREATE TABLE IF NOT EXISTS queue_totals (queue TEXT PRIMARY KEY, sent INTEGER NOT NULL DEFAULT 0, acked INTEGER NOT NULL DEFAULT 0, moved_to_dlq INTEGER NOT NULL DEFAULT 0, pending_since_ms INTEGER)`,
      );
      this.ctx.storage.sql.exec(
        `CREATE TABLE IF NOT EXISTS queue_minutes (minute TEXT NOT NULL, queue TEXT NOT NULL, processed INTEGER NOT NULL DEFAULT 0, retried INTEGER NOT NULL DEFAULT 0, dead_lettered INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (minute, queue))`,
      );
      this.ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS outcome_minutes (minute TEXT NOT NULL, kind TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (minute, kind))`);
    });
  }

  add(sums: MinuteSum[], dropBefore: string): void {
    const sql = this.ctx.storage.sql;
    for (const s of sums) {
      sql.exec(
        `INSERT INTO route_minutes (minute, route, count, errors, throttled, max_ms, ${B.join(", ")}) VALUES (${new Array(6 + BUCKET_COUNT).fill("?").join(", ")})
         ON CONFLICT (minute, route) DO UPDATE SET count = count + excluded.count, errors = errors + excluded.errors, throttled = throttled + excluded.throttled,
         max_ms = MAX(COALESCE(max_ms, excluded.max_ms), COALESCE(excluded.max_ms, max_ms)),
         ${B.map((b) => `${b} = ${b} + excluded.${b}`).join(", ")}`,
        s.minute,
        s.route,
        s.count,
        s.errors,
        s.throttled,
        s.maxMs,
        ...s.buckets,
      );
    }
    sql.exec("DELETE FROM route_minutes WHERE minute < ?", dropBefore);
  }

  /** Per route since `minute` (inclusive): summed counts and buckets. */
  since(minute: string): Array<Omit<MinuteSum, "minute">> {
    const rows = this.ctx.storage.sql
      .exec<Record<string, string | number>>(
        `SELECT route, SUM(count) AS count, SUM(errors) AS errors, SUM(throttled) AS throttled, MAX(max_ms) AS max_ms, ${B.map((b) => `SUM(${b}) AS ${b}`).join(", ")}
         FROM route_minutes WHERE minute >= ? GROUP BY route ORDER BY SUM(count) DESC, route`,
        minute,
      )
      .toArray();
    return rows.map((r) => ({ route: String(r.route), count: Number(r.count), errors: Number(r.errors), throttled: Number(r.throttled), maxMs: r.max_ms === null || r.max_ms === undefined ? null : Number(r.max_ms), buckets: B.map((b) => Number(r[b] ?? 0)) }));
  }

  // ---- per-queue counts (the platform instance) ----

  /** A producer's send call: `count` messages accepted by `queue` at `atMs`. */
  queueSent(queue: string, count: number, atMs: number): void {
    if (count <= 0) return;
    const before = this.totals(queue);
    this.ctx.storage.sql.exec("UPDATE queue_totals SET sent = sent + ?, pending_since_ms = ? WHERE queue = ?", count, pendingAfterSend(before, atMs), queue);
  }

  /** A consumer's batch, summed (workers/observability/queue-counting.ts). */
  queueConsumed(r: BatchReport, minute: string, dropBefore: string): void {
    const sql = this.ctx.storage.sql;
    this.totals(r.queue);
    const source = sourceOf(r.queue);
    // A DLQ has no producer: its first deliveries are its "sends", and they leave the source's backlog.
    if (source !== null && r.arrived > 0) {
      this.queueSent(r.queue, r.arrived, r.atMs);
      this.totals(source);
      sql.exec("UPDATE queue_totals SET moved_to_dlq = moved_to_dlq + ? WHERE queue = ?", r.arrived, source);
      this.settlePending(source, { ...r, oldestRetriedMs: null, newestAckedMs: null });
    }
    sql.exec("UPDATE queue_totals SET acked = acked + ? WHERE queue = ?", r.acked, r.queue);
    // A lost send count must not leave a debt that hides the next sends: more consumed than sent
    // means at least that many were sent.
    sql.exec("UPDATE queue_totals SET sent = acked + moved_to_dlq WHERE queue IN (?, ?) AND sent < acked + moved_to_dlq", r.queue, source ?? r.queue);
    this.settlePending(r.queue, r);
    this.bumpMinute(minute, r.queue, r.acked, r.retried, 0);
    for (const [queue, n] of Object.entries(r.deadLetters)) if (n > 0) this.bumpMinute(minute, queue, 0, 0, n);
    sql.exec("DELETE FROM queue_minutes WHERE minute < ?", dropBefore);
  }

  /** Every queue in `queues`: backlog and oldest age now, retries, dead letters and acks since `minute`. */
  queueStats(queues: readonly string[], minute: string, nowMs: number): Record<string, QueueStats> {
    const sql = this.ctx.storage.sql;
    const totals = new Map(
      sql
        .exec<{ queue: string; sent: number; acked: number; moved_to_dlq: number; pending_since_ms: number | null }>("SELECT queue, sent, acked, moved_to_dlq, pending_since_ms FROM queue_totals")
        .toArray()
        .map((r) => [r.queue, { sent: r.sent, acked: r.acked, movedToDlq: r.moved_to_dlq, pendingSinceMs: r.pending_since_ms } satisfies QueueTotals]),
    );
    const windows = new Map(
      sql
        .exec<{ queue: string; processed: number; retried: number; dead_lettered: number }>(
          "SELECT queue, SUM(processed) AS processed, SUM(retried) AS retried, SUM(dead_lettered) AS dead_lettered FROM queue_minutes WHERE minute >= ? GROUP BY queue",
          minute,
        )
        .toArray()
        .map((r) => [r.queue, r]),
    );
    const out: Record<string, QueueStats> = {};
    for (const q of queues) {
      const t = totals.get(q) ?? { sent: 0, acked: 0, movedToDlq: 0, pendingSinceMs: null };
      const w = windows.get(q);
      out[q] = { backlog: backlogOf(t), oldestAgeSeconds: oldestAgeSeconds(t, nowMs), retries: Number(w?.retried ?? 0), deadLetters: Number(w?.dead_lettered ?? 0), processedLastHour: Number(w?.processed ?? 0) };
    }
    return out;
  }

  private totals(queue: string): QueueTotals {
    const sql = this.ctx.storage.sql;
    sql.exec("INSERT INTO queue_totals (queue) VALUES (?) ON CONFLICT (queue) DO NOTHING", queue);
    const r = sql.exec<{ sent: number; acked: number; moved_to_dlq: number; pending_since_ms: number | null }>("SELECT sent, acked, moved_to_dlq, pending_since_ms FROM queue_totals WHERE queue = ?", queue).one();
    return { sent: r.sent, acked: r.acked, movedToDlq: r.moved_to_dlq, pendingSinceMs: r.pending_since_ms };
  }

  private settlePending(queue: string, r: BatchReport): void {
    this.ctx.storage.sql.exec("UPDATE queue_totals SET pending_since_ms = ? WHERE queue = ?", pendingAfterBatch(this.totals(queue), r), queue);
  }

  private bumpMinute(minute: string, queue: string, processed: number, retried: number, deadLettered: number): void {
    this.ctx.storage.sql.exec(
      `INSERT INTO queue_minutes (minute, queue, processed, retried, dead_lettered) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (minute, queue) DO UPDATE SET processed = processed + excluded.processed, retried = retried + excluded.retried, dead_lettered = dead_lettered + excluded.dead_lettered`,
      minute,
      queue,
      processed,
      retried,
      deadLettered,
    );
  }

  // ---- outcomes (a franchise's instance) ----

  addOutcomes(minute: string, counts: Partial<OutcomeCounts>, dropBefore: string): void {
    const sql = this.ctx.storage.sql;
    for (const kind of OUTCOME_KINDS) {
      const n = counts[kind] ?? 0;
      if (n > 0) sql.exec("INSERT INTO outcome_minutes (minute, kind, count) VALUES (?, ?, ?) ON CONFLICT (minute, kind) DO UPDATE SET count = count + excluded.count", minute, kind, n);
    }
    sql.exec("DELETE FROM outcome_minutes WHERE minute < ?", dropBefore);
  }

  outcomesSince(minute: string): OutcomeCounts {
    const rows = this.ctx.storage.sql.exec<{ kind: string; count: number }>("SELECT kind, SUM(count) AS count FROM outcome_minutes WHERE minute >= ? GROUP BY kind", minute).toArray();
    const out = Object.fromEntries(OUTCOME_KINDS.map((k) => [k, 0])) as OutcomeCounts;
    for (const r of rows) if ((OUTCOME_KINDS as readonly string[]).includes(r.kind)) out[r.kind as keyof OutcomeCounts] = Number(r.count);
    return out;
  }
}
