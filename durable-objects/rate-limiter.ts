// RateLimiter: one instance per franchise holds the exact quota state of all its API keys and
// of the franchise cap, so "key allows AND franchise allows" is decided and committed in one
// single-threaded step (no double spending, no token taken from one bucket when the other
// refuses). GCRA state is one TAT per bucket (workers/domain/gcra.ts), kept in memory and
// written through to SQLite so a restart or eviction keeps the promise. It also counts the
// franchise's in-flight expensive requests as leases that expire, so a crashed request cannot
// hold a slot forever.
import { DurableObject } from "cloudflare:workers";
import { gcraDecide, type GcraDecision, type GcraLimit } from "../workers/domain/gcra.ts";

export interface BucketState {
  remaining: number;
  resetUs: number;
  retryAfterUs: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Which limit refused (null when allowed). */
  refusedBy: "key" | "franchise" | null;
  key: BucketState;
  franchise: BucketState;
}

const FRANCHISE_BUCKET = "franchise";
const state = (d: GcraDecision): BucketState => ({ remaining: d.remaining, resetUs: d.resetUs, retryAfterUs: d.retryAfterUs });

export class RateLimiter extends DurableObject<Env> {
  private readonly tats = new Map<string, number>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS buckets (name TEXT PRIMARY KEY, tat INTEGER NOT NULL)");
      this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS leases (id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)");
      for (const row of this.ctx.storage.sql.exec<{ name: string; tat: number }>("SELECT name, tat FROM buckets")) this.tats.set(row.name, row.tat);
    });
  }

  /** One request by `apiKeyId`: allowed only if both its key bucket and the franchise bucket have room. */
  take(apiKeyId: string, key: GcraLimit, franchise: GcraLimit): RateDecision {
    const nowUs = Date.now() * 1000;
    const keyBucket = `key:${apiKeyId}`;
    const k = gcraDecide(this.tats.get(keyBucket) ?? 0, nowUs, key);
    const f = gcraDecide(this.tats.get(FRANCHISE_BUCKET) ?? 0, nowUs, franchise);
    const allowed = k.allowed && f.allowed;
    if (allowed) {
      this.store(keyBucket, k.tat);
      this.store(FRANCHISE_BUCKET, f.tat);
    }
    return {
      allowed,
      refusedBy: allowed ? null : !k.allowed ? "key" : "franchise",
      // What the caller is told reflects what was actually committed.
      key: allowed || !k.allowed ? state(k) : { ...state(gcraDecide(this.tats.get(keyBucket) ?? 0, nowUs, key, 0)), retryAfterUs: 0 },
      franchise: allowed || !f.allowed ? state(f) : { ...state(gcraDecide(this.tats.get(FRANCHISE_BUCKET) ?? 0, nowUs, franchise, 0)), retryAfterUs: 0 },
    };
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

  private store(bucket: string, tat: number): void {
    this.tats.set(bucket, tat);
    this.ctx.storage.sql.exec("INSERT INTO buckets (name, tat) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET tat = excluded.tat", bucket, tat);
  }
}
