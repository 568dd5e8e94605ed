// The daily dunning cron: finds every customer with an open invoice due within the planning
// horizon (pre-due steps included) and fans out one `wake` message per customer on the
// dunning-wakes queue (not reminders: the day's sends there must not wait behind the wakes).
// Its consumer wakes their CustomerDunning DOs a batch at a time (wake-customers.ts); each DO
// plans its own day and sets its alarm for the exact send instant in the customer's timezone.
// Waking 10,000 DOs from inside this one invocation kept them all resident at once (memory) and
// serialized the day's run behind one event loop.
import { addDays } from "../domain/dates.ts";
import { database } from "../db/client.ts";
import { customersToWake } from "../db/dunning.ts";
import { tenantDatabases } from "../db/resolver.ts";
import type { Logger } from "../observability/logger.ts";
import { wakeCustomers, type WakeCustomersOptions } from "./wake-customers.ts";
import type { WakeMessage } from "./wake-message.ts";

export const DUNNING_CRON = "0 6 * * *";
const PAGE = 500;
/** Queue sendBatch limit: 100 messages (a wake is ~100 bytes, far under 256 KB). */
const SEND_BATCH = 100;

export type SweepOptions = WakeCustomersOptions;

/**
 * `enqueue: false` (simulated-clock tests): nothing goes to a queue; each page's wakes run here
 * through the same wakeCustomers the consumer uses, and the DOs return their due sends.
 */
export async function sweepDunning(env: Env, logger: Logger, now: Date = new Date(), opts: SweepOptions = {}): Promise<{ customers: number; wakesQueued: number; enqueued: number }> {
  let customers = 0;
  let wakesQueued = 0;
  let enqueued = 0;
  const dueBy = addDays(now.toISOString().slice(0, 10), 61);
  for (const d1 of tenantDatabases(env)) {
    const db = database(d1);
    let after: { franchiseId: string; customerId: string } | null = null;
    for (;;) {
      const page = await customersToWake(db, after, dueBy, PAGE);
      if (page.length === 0) break;
      const wakes: WakeMessage[] = page.map((c) => ({ kind: "wake", franchiseId: c.franchiseId, customerId: c.customerId }));
      if (opts.enqueue === false) {
        enqueued += (await wakeCustomers(env, wakes, now, logger, opts)).enqueued;
      } else {
        for (let i = 0; i < wakes.length; i += SEND_BATCH) {
          const chunk = wakes.slice(i, i + SEND_BATCH);
          await env.DUNNING_WAKES.sendBatch(chunk.map((body) => ({ body })));
          wakesQueued += chunk.length;
        }
      }
      customers += page.length;
      after = page[page.length - 1] ?? null;
      if (page.length < PAGE) break;
    }
  }
  logger.info("dunning sweep done", { customers, wakesQueued, enqueued });
  return { customers, wakesQueued, enqueued };
}
