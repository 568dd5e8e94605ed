// RateLimiter: one instance per franchise holds the exact quota state of all its API keys and
// of the franchise cap, so "key allows AND franchise allows" is decided and committed in one
// single-threaded step (no double spending, no token taken from one bucket when the other
// refuses). GCRA state is one TAT per bucket (workers/domain/gcra.ts), kept in memory and
// written through to SQLite so a restart or eviction keeps the promise. It also counts the
// franchise's in-flight expensive requests as leases that expire, so a crashed request cannot
// hold a slot forever.
//
// The limits themselves (rate plans, D1 data) are resolved HERE, not in each isolate: the
// plans API tells this instance when a plan of its franchise changed (plansChanged), so a
// change applies to the very next request, everywhere. A plan edited by hand in D1 applies
// within PLAN_TTL_MS. The hot path pays one DO call and no D1 read.
import { DurableObject } from "cloudflare:workers";
import { gcraDecide, type GcraDecision, type GcraLimit } from "../workers/domain/gcra.ts";
import { assignedRatePlans } from "../workers/db/rate-plans.ts";
import { directoryDatabase } from "../workers/db/resolver.ts";
import { limitsFrom, type EffectiveLimits } from "../workers/ratelimit/plans.ts";

export interface BucketState {
  remaining: number;
  resetUs: number;
  retryAfterUs: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Which limit refused (null when allowed). */
  refusedBy: "key" | "franchise" | "concurrency" | null;
  key: BucketState;
  franchise: BucketState;
  /** The limits the decision was made against (for the RateLimit-Policy header). */
  limits: EffectiveLimits;
}

const FRANCHISE_BUCKET = "franchise";
const PLAN_TTL_MS = 30_000;
/** How long a debit may stay in memory only (see store()). */
const FLUSH_MS = 50;
const MAX_CACHED_KEYS = 5_000;
const state = (d: GcraDecision): BucketState => ({ remaining: d.remaining, resetUs: d.resetUs, retryAfterUs: d.retryAfterUs });

export class RateLimiter extends DurableObject<Env> {
  /** Per bucket: its TAT and the emission interval it was computed with. */
  private readonly tats = new Map<string, { tat: number; intervalUs: number }>();
  private readonly limits = new Map<string, { limits: EffectiveLimits; until: number }>();
  /** Bumped by plansChanged(): a plan read that started before it is not cached. */
  private planGeneration = 0;
  private readonly dirty = new Set<string>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      const sql = this.ctx.storage.sql;
      sql.exec("CREATE TABLE IF NOT EXISTS buckets (name TEXT PRIMARY KEY, tat INTEGER NOT NULL, interval_us INTEGER NOT NULL DEFAULT 0)");
      sql.exec("CREATE TABLE IF NOT EXISTS leases (id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)");
      // Instances created before interval_us existed (0 = "the current plan's").
      if (!sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('buckets')").toArray().some((c) => c.name === "interval_us")) sql.exec("ALTER TABLE buckets ADD COLUMN interval_us INTEGER NOT NULL DEFAULT 0");
      for (const row of sql.exec<{ name: string; tat: number; interval_us: number }>("SELECT name, tat, interval_us FROM buckets")) this.tats.set(row.name, { tat: row.tat, intervalUs: row.interval_us });
    });
  }

  /**
   * One request by `apiKeyId` of franchise `franchiseId` (this instance's name): allowed only if
   * both its key bucket and the franchise bucket have room. With `lease`, an expensive request
   * also needs one of the franchise's concurrency slots, taken in the same step (one round trip).
   */
  async take(franchiseId: string, apiKeyId: string, lease?: { id: string; ttlMs: number }): Promise<RateDecision> {
    const limits = await this.limitsFor(franchiseId, apiKeyId);
    const nowUs = Date.now() * 1000;
    const keyBucket = `key:${apiKeyId}`;
    const k = gcraDecide(this.tatOf(keyBucket, nowUs, limits.key), nowUs, limits.key);
    const f = gcraDecide(this.tatOf(FRANCHISE_BUCKET, nowUs, limits.franchise), nowUs, limits.franchise);
    let allowed = k.allowed && f.allowed;
    let refusedBy: RateDecision["refusedBy"] = allowed ? null : !k.allowed ? "key" : "franchise";
    if (allowed && lease && !this.acquire(lease.id, limits.expensiveConcurrency, lease.ttlMs).acquired) {
      allowed = false;
      refusedBy = "concurrency";
    }
    if (allowed) {
      this.store(keyBucket, k.tat, limits.key.intervalUs);
      this.store(FRANCHISE_BUCKET, f.tat, limits.franchise.intervalUs);
    }
    // What the caller is told reflects what was actually committed.
    const untouched = (bucket: string, limit: GcraLimit) => ({ ...state(gcraDecide(this.tatOf(bucket, nowUs, limit), nowUs, limit, 0)), retryAfterUs: 0 });
    return {
      allowed,
      refusedBy,
      key: allowed || refusedBy === "key" ? state(k) : untouched(keyBucket, limits.key),
      franchise: allowed || refusedBy === "franchise" ? state(f) : untouched(FRANCHISE_BUCKET, limits.franchise),
      limits,
    };
  }

  /** A plan assigned to this franchise or one of its keys changed: re-read on the next request. */
  plansChanged(): void {
    this.planGeneration++;
    this.limits.clear();
  }

  /** Takes one of `max` expensive-request slots for `ttlMs` (released early by release()). */
  acquire(leaseId: string, max: number, ttlMs: number): { acquired: boolean; inFlight: number } {
    const now = Date.now();
    const sql = this.ctx.storage.sql;
    sql.exec("DELETE FROM leases WHERE expires_at <= ?", now);
    const inFlight = sql.exec<{ n: number }>("SELECT count(*) AS n FROM leases").one().n;
    if (inFlight >= max) return { acquired: false, inFlight };
    sql.exec("INSERT OR REPLACE INTO leases (id, expires_at) VALUES (?, ?)", leaseId, now + ttlMs);
    return { acquired: true, inFlight: inFlight + 1 };
  }

  release(leaseId: string): void {
    this.ctx.storage.sql.exec("DELETE FROM leases WHERE id = ?", leaseId);
  }

  private async limitsFor(franchiseId: string, apiKeyId: string): Promise<EffectiveLimits> {
    const now = Date.now();
    const hit = this.limits.get(apiKeyId);
    if (hit && hit.until > now) return hit.limits;
    const generation = this.planGeneration;
    const limits = limitsFrom(await assignedRatePlans(directoryDatabase(this.env), franchiseId, apiKeyId));
    // A plan change that arrived while D1 was read may not be in what was read: use it once, do not keep it.
    if (generation === this.planGeneration) {
      if (this.limits.size >= MAX_CACHED_KEYS) this.limits.delete(this.limits.keys().next().value!);
      this.limits.set(apiKeyId, { limits, until: now + PLAN_TTL_MS });
    }
    return limits;
  }

  /**
   * The bucket's TAT in the units of `limit`. GCRA keeps usage as time ahead of now; when the plan
   * changed, that debt is converted back to requests and re-expressed at the new rate, so a key
   * that used 5 requests has used 5 under the new plan too (tightened or loosened, at once).
   */
  private tatOf(bucket: string, nowUs: number, limit: GcraLimit): number {
    const b = this.tats.get(bucket);
    if (!b) return 0;
    if (b.intervalUs === 0 || b.intervalUs === limit.intervalUs || b.tat <= nowUs) return b.tat;
    return nowUs + Math.round(((b.tat - nowUs) / b.intervalUs) * limit.intervalUs);
  }

  /**
   * Write-behind: the decision is made and kept in memory at once (the object is single-threaded,
   * so that is what makes the limits exact); the TATs reach storage within FLUSH_MS, in a later
   * turn, so no answer waits for a disk write. Waiting for one per request was ~95 % of the
   * limiter's time locally (ratelimit stage 15-25 ms vs ~1 ms under load). What a crash can
   * lose is the last FLUSH_MS of debits (documented in docs/rate-limits.md).
   */
  private store(bucket: string, tat: number, intervalUs: number): void {
    this.tats.set(bucket, { tat, intervalUs });
    this.dirty.add(bucket);
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    this.flushTimer = undefined;
    const sql = this.ctx.storage.sql;
    for (const bucket of this.dirty) {
      const b = this.tats.get(bucket)!;
      sql.exec("INSERT INTO buckets (name, tat, interval_us) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET tat = excluded.tat, interval_us = excluded.interval_us", bucket, b.tat, b.intervalUs);
    }
    this.dirty.clear();
  }
}
