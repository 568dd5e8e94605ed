// The daily dunning cron: wakes the CustomerDunning DO of every customer with an open invoice due
// within the planning horizon (pre-due steps included). Each DO plans its own day and sets its
// alarm for the exact send instant in the customer's timezone.
import { customerDunningStub } from "../../durable-objects/customer-dunning.ts";
import { loadDunningSnapshots } from "../billing/dunning/customer-state.ts";
import { addDays } from "../domain/dates.ts";
import { database } from "../db/client.ts";
import { customersToWake } from "../db/dunning.ts";
import { tenantDatabases } from "../db/resolver.ts";
import type { Logger } from "../observability/logger.ts";
import type { WakeOutcome } from "./wake.ts";

export const DUNNING_CRON = "0 6 * * *";
const PAGE = 500;
const CONCURRENCY = 32;

export interface SweepOptions {
  /** false: the DOs return their due sends instead of queueing them (simulated-clock tests). */
  enqueue?: boolean;
  /** Called with each woken customer's outcome (tests follow every DO's next alarm with it). */
  onWake?: (customer: { franchiseId: string; customerId: string }, outcome: WakeOutcome) => void;
}

export async function sweepDunning(env: Env, logger: Logger, now: Date = new Date(), opts: SweepOptions = {}): Promise<{ customers: number; enqueued: number }> {
  let customers = 0;
  let enqueued = 0;
  const dueBy = addDays(now.toISOString().slice(0, 10), 61);
  for (const d1 of tenantDatabases(env)) {
    const db = database(d1);
    let after: { franchiseId: string; customerId: string } | null = null;
    for (;;) {
      const page = await customersToWake(db, after, dueBy, PAGE);
      if (page.length === 0) break;
      // The page's inputs in a few chunked reads (not one round trip per customer), each DO
      // handed its own in the wake RPC; the wakes run CONCURRENCY at a time.
      const snapshots = new Map<string, Awaited<ReturnType<typeof loadDunningSnapshots>>>();
      for (const franchiseId of new Set(page.map((c) => c.franchiseId))) {
        snapshots.set(franchiseId, await loadDunningSnapshots(db, franchiseId, page.filter((c) => c.franchiseId === franchiseId).map((c) => c.customerId), now));
      }
      let next = 0;
      const wakeNext = async () => {
        while (next < page.length) {
          const c = page[next++]!;
          try {
            const snapshot = snapshots.get(c.franchiseId)?.get(c.customerId);
            const outcome = await customerDunningStub(env, c.franchiseId, c.customerId).wake(c.franchiseId, c.customerId, now.toISOString(), { enqueue: opts.enqueue ?? true, snapshot });
            enqueued += outcome.enqueued.length;
            opts.onWake?.(c, outcome);
          } catch (error) {
            logger.warn("dunning wake failed", { error: error instanceof Error ? error.message : String(error) });
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, wakeNext));
      customers += page.length;
      after = page[page.length - 1] ?? null;
      if (page.length < PAGE) break;
    }
  }
  logger.info("dunning sweep done", { customers, enqueued });
  return { customers, enqueued };
}
