// What an application service needs: the bindings, the acting franchise and the clock.
import type { Clock } from "../domain/clock.ts";
import { database, type Db } from "../db/client.ts";
import { franchiseDatabase } from "../db/resolver.ts";
import type { IdempotencyClaim } from "../db/idempotency.ts";
import type { BranchScope } from "../db/branch-scope.ts";

export interface BillingContext {
  env: Env;
  db: Db;
  franchiseId: string;
  clock: Clock;
  /** Who makes the change, as recorded on its events: "api_key:<id>", "staff:<id>" or "system:<job>". */
  actor: string;
  /** Set when the request holds an Idempotency-Key: the change appends idempotencyCommit(...) to its batch. */
  idempotency?: IdempotencyClaim | undefined;
  /**
   * The branches the actor may see and change: null = all of the franchise's (partner keys,
   * admins, finance, viewers, jobs), else a branch manager's assignments. Every branch-owned read
   * takes it (workers/db/branch-scope.ts), so a row outside it is "not found" everywhere.
   */
  branchScope: BranchScope;
}

export function billingContext(env: Env, franchiseId: string, clock: Clock, actor: string, idempotency?: IdempotencyClaim, branchScope: BranchScope = null): BillingContext {
  return { env, db: database(franchiseDatabase(env, franchiseId)), franchiseId, clock, actor, idempotency, branchScope };
}
