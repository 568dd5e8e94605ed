// CustomerDunning: one per customer. Serializes the customer's dunning runs, pins the cadence
// version the sequence started with, remembers what it already enqueued or recorded (so a
// re-run alarm or a repeated wake never does it twice) and keeps one alarm: the next due item.
import { DurableObject } from "cloudflare:workers";
import type { DunningSnapshot } from "../workers/db/dunning-snapshot.ts";
import { wakeCustomer, type WakeOutcome } from "../workers/dunning/wake.ts";

export class CustomerDunning extends DurableObject<Env> {
  /** Whether this DO's tables exist (known after the first look; a new DO creates them with its first writes). */
  private tables: boolean | undefined;

  private hasTables(): boolean {
    this.tables ??= this.ctx.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('handled', 'meta')").one().n === 2;
    return this.tables;
  }

  /** Only inside the wake's write block: the tables are created in the same commit as the first rows. */
  private ensureTables() {
    if (this.hasTables()) return;
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS handled (key TEXT PRIMARY KEY, at TEXT NOT NULL); CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
    this.tables = true;
  }

  private meta(k: string): string | undefined {
    if (!this.hasTables()) return undefined;
    return this.ctx.storage.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = ?", k).toArray()[0]?.v;
  }

  private allMeta(): Map<string, string> {
    if (!this.hasTables()) return new Map();
    return new Map(this.ctx.storage.sql.exec<{ k: string; v: string }>("SELECT k, v FROM meta").toArray().map((r) => [r.k, r.v]));
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
    const now = nowIso ? new Date(nowIso) : new Date();
    const meta = this.allMeta();
    const pinnedRaw = meta.get("cadence");
    const pinned = pinnedRaw ? (JSON.parse(pinnedRaw) as { cadenceId: string; version: number }) : undefined;
    const isHandled = (key: string) => this.hasTables() && this.ctx.storage.sql.exec("SELECT 1 FROM handled WHERE key = ?", key).toArray().length > 0;
    const outcome = await wakeCustomer(this.env, franchiseId, customerId, now, pinned, isHandled, opts.enqueue ?? true, opts.snapshot);
    // Every write of a wake in one synchronous block (no await between them), the alarm
    // included: one implicit transaction, so one storage commit per wake. A new DO used to pay
    // for three (its tables in the constructor, its ids, the rest) and each one is an fsync of its
    // own SQLite file locally. Rows that would not change are not rewritten.
    const fresh = !this.hasTables();
    // A customer with nothing owed whose DO never ran: nothing to remember, so no storage at all.
    if (fresh && outcome.cadence === null && outcome.handledKeys.length === 0) return { enqueued: outcome.enqueued, recorded: outcome.recorded, nextAt: outcome.nextAt, cadence: null };
    this.ensureTables();
    const nowAt = now.toISOString();
    const stale = new Date(now.getTime() - 3 * 86_400_000).toISOString();
    const sql = this.ctx.storage.sql;
    if (meta.get("franchiseId") !== franchiseId) this.setMeta("franchiseId", franchiseId);
    if (meta.get("customerId") !== customerId) this.setMeta("customerId", customerId);
    for (const key of outcome.handledKeys) sql.exec("INSERT OR IGNORE INTO handled (key, at) VALUES (?, ?)", key, nowAt);
    // Keys older than the staleness window can never be due again.
    if (!fresh) sql.exec("DELETE FROM handled WHERE at < ?", stale);
    let alarm: Promise<void>;
    if (outcome.cadence === null) {
      // Nothing owed: the sequence ends, and a later one starts on the then-current cadence.
      if (pinnedRaw !== undefined) sql.exec("DELETE FROM meta WHERE k = 'cadence'");
      alarm = fresh ? Promise.resolve() : this.ctx.storage.deleteAlarm();
    } else {
      if (!pinned || pinned.cadenceId !== outcome.cadence.id) this.setMeta("cadence", JSON.stringify({ cadenceId: outcome.cadence.id, version: outcome.cadence.version }));
      alarm = outcome.nextAt ? this.ctx.storage.setAlarm(new Date(outcome.nextAt)) : fresh ? Promise.resolve() : this.ctx.storage.deleteAlarm();
    }
    await alarm;
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
