// The daily dunning cron: wakes the CustomerDunning DO of every customer with an open invoice due
// within the planning horizon (pre-due steps included). Each DO plans its own day and sets its
// alarm for the exact send instant in the customer's timezone.
import { customerDunningStub } from "../../durable-objects/customer-dunning.ts";
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
      for (let i = 0; i < page.length; i += CONCURRENCY) {
        const slice = page.slice(i, i + CONCURRENCY);
        const results = await Promise.allSettled(slice.map((c) => customerDunningStub(env, c.franchiseId, c.customerId).wake(c.franchiseId, c.customerId, now.toISOString(), { enqueue: opts.enqueue ?? true })));
        for (const [k, r] of results.entries()) {
          if (r.status === "fulfilled") {
            enqueued += r.value.enqueued.length;
            opts.onWake?.(slice[k]!, r.value);
          } else logger.warn("dunning wake failed", { error: r.reason instanceof Error ? r.reason.message : String(r.reason) });
        }
      }
      customers += page.length;
      after = page[page.length - 1] ?? null;
      if (page.length < PAGE) break;
    }
  }
  logger.info("dunning sweep done", { customers, enqueued });
  return { customers, enqueued };
}
