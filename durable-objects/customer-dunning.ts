// CustomerDunning: one per customer. Serializes the customer's dunning runs, pins the cadence
// version the sequence started with, remembers what it already enqueued or recorded (so a
// re-run alarm or a repeated wake never does it twice) and keeps one alarm: the next due item.
import { DurableObject } from "cloudflare:workers";
import type { DunningSnapshot } from "../workers/db/dunning-snapshot.ts";
import { wakeCustomer, type WakeOutcome } from "../workers/dunning/wake.ts";

export class CustomerDunning extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS handled (key TEXT PRIMARY KEY, at TEXT NOT NULL)");
      ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
    });
  }

  private meta(k: string): string | undefined {
    return this.ctx.storage.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = ?", k).toArray()[0]?.v;
  }

  private setMeta(k: string, v: string) {
    this.ctx.storage.sql.exec("INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v", k, v);
  }

  /**
   * Runs the customer's dunning at `nowIso` (default: the real now). `enqueue: false` returns the
   * due sends instead of queueing them (the simulated-clock tests deliver them at their own time).
   * `snapshot`: the customer's dunning inputs read in bulk by the sweep (saves a D1 round trip per
   * customer); the consumer re-checks every send against fresh state, so a stale one cannot send.
   */
  async wake(franchiseId: string, customerId: string, nowIso?: string, opts: { enqueue?: boolean; snapshot?: DunningSnapshot } = {}): Promise<WakeOutcome> {
    this.setMeta("franchiseId", franchiseId);
    this.setMeta("customerId", customerId);
    const now = nowIso ? new Date(nowIso) : new Date();
    const pinnedRaw = this.meta("cadence");
    const pinned = pinnedRaw ? (JSON.parse(pinnedRaw) as { cadenceId: string; version: number }) : undefined;
    const isHandled = (key: string) => this.ctx.storage.sql.exec("SELECT 1 FROM handled WHERE key = ?", key).toArray().length > 0;
    const outcome = await wakeCustomer(this.env, franchiseId, customerId, now, pinned, isHandled, opts.enqueue ?? true, opts.snapshot);
    for (const key of outcome.handledKeys) this.ctx.storage.sql.exec("INSERT OR IGNORE INTO handled (key, at) VALUES (?, ?)", key, now.toISOString());
    if (outcome.cadence === null) {
      // Nothing owed: the sequence ends, and a later one starts on the then-current cadence.
      this.ctx.storage.sql.exec("DELETE FROM meta WHERE k = 'cadence'");
      await this.ctx.storage.deleteAlarm();
    } else {
      if (!pinned || pinned.cadenceId !== outcome.cadence.id) this.setMeta("cadence", JSON.stringify({ cadenceId: outcome.cadence.id, version: outcome.cadence.version }));
      if (outcome.nextAt) await this.ctx.storage.setAlarm(new Date(outcome.nextAt));
      else await this.ctx.storage.deleteAlarm();
    }
    // Keys older than the staleness window can never be due again.
    this.ctx.storage.sql.exec("DELETE FROM handled WHERE at < ?", new Date(now.getTime() - 3 * 86_400_000).toISOString());
    const { handledKeys: _, ...rest } = outcome as WakeOutcome & { handledKeys?: string[] };
    return rest;
  }

  async alarm(): Promise<void> {
    const franchiseId = this.meta("franchiseId");
    const customerId = this.meta("customerId");
    if (franchiseId && customerId) await this.wake(franchiseId, customerId);
  }

  /** The next alarm (tests and the dashboard's schedule view). */
  async nextAlarm(): Promise<number | null> {
    return this.ctx.storage.getAlarm();
  }
}

export function customerDunningStub(env: Env, franchiseId: string, customerId: string) {
  return env.CUSTOMER_DUNNING.get(env.CUSTOMER_DUNNING.idFromName(`${franchiseId}:${customerId}`));
}
