// What an application service needs: the bindings, the acting franchise and the clock.
import type { Clock } from "../domain/clock.ts";
import { database, type Db } from "../db/client.ts";
import { franchiseDatabase } from "../db/resolver.ts";

export interface BillingContext {
  env: Env;
  db: Db;
  franchiseId: string;
  clock: Clock;
  /** Who makes the change, as recorded on its events: "api_key:<id>", "staff:<id>" or "system:<job>". */
  actor: string;
}

export function billingContext(env: Env, franchiseId: string, clock: Clock, actor: string): BillingContext {
  return { env, db: database(franchiseDatabase(env, franchiseId)), franchiseId, clock, actor };
}
