// CustomerDunning: one per customer. Serializes the customer's dunning runs, pins the cadence
// version the sequence started with, remembers what it already enqueued or recorded (so a
// re-run alarm or a repeated wake never does it twice) and keeps one alarm: the next due item.
// Its whole state is ONE small value in the DO's built-in key-value table (ctx.storage.kv): no
// tables of its own to create (a new DO's CREATE TABLEs were the biggest part of its first
// wake), one read and at most one write per wake.
import { DurableObject } from "cloudflare:workers";
import type { DunningSnapshot } from "../workers/db/dunning-snapshot.ts";
import { type DunningDoState, emptyDunningState, pruneHandled } from "../workers/dunning/do-state.ts";
import { wakeCustomer, type WakeOutcome } from "../workers/dunning/wake.ts";

const STATE_KEY = "state";
/** Handled keys older than this can never be due again (wake.ts does not send items staler than 36 h). */
const HANDLED_TTL_MS = 3 * 86_400_000;

export class CustomerDunning extends DurableObject<Env> {
  /** Checked once per instance: this code never creates the old tables, so none appear later. */
  private noLegacyTables = false;

  private load(): DunningDoState {
    return this.stored() ?? this.legacyState() ?? emptyDunningState();
  }

  private stored(): DunningDoState | undefined {
    return this.ctx.storage.kv.get<DunningDoState>(STATE_KEY);
  }

  /** DOs written before the key-value state kept it in two tables (handled, meta): read them once. */
  private legacyState(): DunningDoState | undefined {
    // A new DO loads its (empty) state several times per wake: without this, each load was a
    // sqlite_master query (~0.8 ms per new DO's first wake in the 1,000-customer profile).
    if (this.noLegacyTables) return undefined;
    const sql = this.ctx.storage.sql;
    const tables = sql.exec<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('handled', 'meta')").one().n;
    if (tables < 2) {
      this.noLegacyTables = true;
      return undefined;
    }
    const meta = new Map(sql.exec<{ k: string; v: string }>("SELECT k, v FROM meta").toArray().map((r) => [r.k, r.v]));
    const cadence = meta.get("cadence");
    return {
      franchiseId: meta.get("franchiseId") ?? null,
      customerId: meta.get("customerId") ?? null,
      cadence: cadence ? (JSON.parse(cadence) as { cadenceId: string; version: number }) : null,
      handled: Object.fromEntries(sql.exec<{ key: string; at: string }>("SELECT key, at FROM handled").toArray().map((r) => [r.key, r.at])),
    };
  }

  /**
   * Runs the customer's dunning at `nowIso` (default: the real now). `enqueue: false` returns the
   * due sends instead of queueing them (the simulated-clock tests deliver them at their own time).
   * `snapshot`: the customer's dunning inputs read in bulk by the sweep (saves a D1 round trip per
   * customer); the consumer re-checks every send against fresh state, so a stale one cannot send.
   */
  async wake(franchiseId: string, customerId: string, nowIso?: string, opts: { enqueue?: boolean; snapshot?: DunningSnapshot } = {}): Promise<WakeOutcome> {
    const now = nowIso ? new Date(nowIso) : new Date();
    const before = this.load();
    const pinned = before.cadence ?? undefined;
    const outcome = await wakeCustomer(this.env, franchiseId, customerId, now, pinned, (key) => key in this.load().handled, opts.enqueue ?? true, opts.snapshot);
    // Re-read after the await: another wake of this DO (an event) may have run meanwhile.
    const stored = this.stored();
    const isNew = stored === undefined;
    const current = stored ?? this.legacyState() ?? emptyDunningState();
    const nowAt = now.toISOString();
    const handled = pruneHandled({ ...current.handled, ...Object.fromEntries(outcome.handledKeys.map((k) => [k, current.handled[k] ?? nowAt])) }, new Date(now.getTime() - HANDLED_TTL_MS).toISOString());
    // Nothing owed: the sequence ends, and a later one starts on the then-current cadence.
    const cadence = outcome.cadence === null ? null : pinned && pinned.cadenceId === outcome.cadence.id ? pinned : { cadenceId: outcome.cadence.id, version: outcome.cadence.version };
    const next: DunningDoState = { franchiseId, customerId, cadence, handled };
    // A customer with nothing owed whose DO never ran: nothing to remember, so no storage at all.
    if (isNew && cadence === null && Object.keys(handled).length === 0) return withoutKeys(outcome);
    // The state and the alarm in the same synchronous turn: one implicit transaction, one commit.
    if (isNew || JSON.stringify(next) !== JSON.stringify(current)) this.ctx.storage.kv.put(STATE_KEY, next);
    const nextAt = cadence === null ? null : outcome.nextAt;
    await (nextAt ? this.ctx.storage.setAlarm(new Date(nextAt)) : isNew ? Promise.resolve() : this.ctx.storage.deleteAlarm());
    return withoutKeys(outcome);
  }

  async alarm(): Promise<void> {
    const { franchiseId, customerId } = this.load();
    if (franchiseId && customerId) await this.wake(franchiseId, customerId);
  }

  /** The next alarm (tests and the dashboard's schedule view). */
  async nextAlarm(): Promise<number | null> {
    return this.ctx.storage.getAlarm();
  }
}

function withoutKeys(outcome: WakeOutcome & { handledKeys?: string[] }): WakeOutcome {
  const { handledKeys: _, ...rest } = outcome;
  return rest;
}

export function customerDunningStub(env: Env, franchiseId: string, customerId: string) {
  return env.CUSTOMER_DUNNING.get(env.CUSTOMER_DUNNING.idFromName(`${franchiseId}:${customerId}`));
}
