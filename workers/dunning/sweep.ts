// The daily dunning cron: wakes the CustomerDunning DO of every customer with an open invoice due
// within the planning horizon (pre-due steps included). Each DO plans its own day and sets its
// alarm for the exact send instant in the customer's timezone.
import { customerDunningStub } from "../../durable-objects/customer-dunning.ts";
import { addDays } from "../domain/dates.ts";
import { database } from "../db/client.ts";
import { customersToWake } from "../db/dunning.ts";
import { tenantDatabases } from "../db/resolver.ts";
import type { Logger } from "../observability/logger.ts";

export const DUNNING_CRON = "0 6 * * *";
const PAGE = 500;
const CONCURRENCY = 32;

export async function sweepDunning(env: Env, logger: Logger, now: Date = new Date()): Promise<{ customers: number; enqueued: number }> {
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
        const results = await Promise.allSettled(page.slice(i, i + CONCURRENCY).map((c) => customerDunningStub(env, c.franchiseId, c.customerId).wake(c.franchiseId, c.customerId, now.toISOString())));
        for (const r of results) {
          if (r.status === "fulfilled") enqueued += r.value.enqueued.length;
          else logger.warn("dunning wake failed", { error: r.reason instanceof Error ? r.reason.message : String(r.reason) });
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
