// The one place that knows which D1 database holds what. Every other module asks here and
// never reads `env.DB` itself, so a franchise that outgrows one database (D1's 10 GB) can be
// moved to its own binding by changing only this file.
//
// Two kinds of data:
// - tenant data (invoices, customers, outbox, idempotency records...): `franchiseDatabase`;
// - the directory, which is looked up before the franchise is known (API keys, staff users and
//   sessions, tax-rate reference data, login throttling): `directoryDatabase`.
// Today both are the same binding. The shard plan is in the README's architecture section.

/** The D1 database holding `franchiseId`'s tenant data. */
export function franchiseDatabase(env: Env, _franchiseId: string): D1Database {
  return env.DB;
}

/** The database that maps credentials to franchises and holds shared reference data. */
export function directoryDatabase(env: Env): D1Database {
  return env.DB;
}

/** Every database that holds tenant data, for sweeps that are not about one franchise (outbox relay, purges). */
export function tenantDatabases(env: Env): D1Database[] {
  return [env.DB];
}
