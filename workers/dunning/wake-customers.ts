// Wakes a batch of customers' CustomerDunning DOs (the daily sweep's fan-out, consumed from the
// dunning-wakes queue): ONE bulk D1 read of the batch's customers per franchise, then the DOs woken
// in parallel, each handed its own snapshot so it reads nothing more from D1.
import { customerDunningStub } from "../../durable-objects/customer-dunning.ts";
import { loadDunningSnapshots } from "../billing/dunning/customer-state.ts";
import { database } from "../db/client.ts";
import type { DunningSnapshot } from "../db/dunning-snapshot.ts";
import { franchiseDatabase } from "../db/resolver.ts";
import type { Logger } from "../observability/logger.ts";
import type { WakeOutcome } from "./wake.ts";
import type { WakeMessage } from "./wake-message.ts";

/** DO wakes in flight at once: enough to overlap their storage commits, few enough for 2 cores. */
const CONCURRENCY = 50;

export interface WakeCustomersOptions {
  /** false: the DOs return their due sends instead of queueing them (simulated-clock tests). */
  enqueue?: boolean;
  /** Called with each woken customer's outcome (tests follow every DO's next alarm with it). */
  onWake?: (customer: WakeMessage, outcome: WakeOutcome) => void;
}

export interface WakeCustomersResult {
  woken: number;
  enqueued: number;
  /** Indexes into `wakes` whose DO wake failed (the consumer retries those messages). */
  failed: number[];
}

export async function wakeCustomers(env: Env, wakes: readonly WakeMessage[], now: Date, logger: Logger, opts: WakeCustomersOptions = {}): Promise<WakeCustomersResult> {
  const snapshots = new Map<string, DunningSnapshot>();
  const byFranchise = new Map<string, string[]>();
  for (const w of wakes) byFranchise.set(w.franchiseId, [...(byFranchise.get(w.franchiseId) ?? []), w.customerId]);
  for (const [franchiseId, customerIds] of byFranchise) {
    try {
      const read = await loadDunningSnapshots(database(franchiseDatabase(env, franchiseId)), franchiseId, customerIds, now);
      for (const [customerId, snapshot] of read) snapshots.set(`${franchiseId}:${customerId}`, snapshot);
    } catch (error) {
      // Without the bulk read each DO reads its own inputs: slower, still correct.
      logger.warn("dunning wake preload failed", { franchiseId, error: error instanceof Error ? error.message : String(error) });
    }
  }
  const result: WakeCustomersResult = { woken: 0, enqueued: 0, failed: [] };
  const nowIso = now.toISOString();
  let next = 0;
  const worker = async () => {
    while (next < wakes.length) {
      const i = next++;
      const w = wakes[i]!;
      try {
        const snapshot = snapshots.get(`${w.franchiseId}:${w.customerId}`);
        const outcome = await customerDunningStub(env, w.franchiseId, w.customerId).wake(w.franchiseId, w.customerId, nowIso, { enqueue: opts.enqueue ?? true, snapshot });
        result.woken++;
        result.enqueued += outcome.enqueued.length;
        opts.onWake?.(w, outcome);
      } catch (error) {
        result.failed.push(i);
        logger.warn("dunning wake failed", { customerId: w.customerId, error: error instanceof Error ? error.message : String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, wakes.length) }, worker));
  return result;
}
