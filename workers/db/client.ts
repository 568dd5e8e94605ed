import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema.ts";

export type Db = ReturnType<typeof createDatabase>;

function createDatabase(d1: D1Database) {
  return drizzle(d1, { schema });
}

// drizzle() walks the whole schema to build its relational config (~3 % of an invoice read's CPU
// when done per request). The instance holds no per-request state, only the binding, so one per
// binding object is reused for the isolate's life; a new binding object gets its own.
const instances = new WeakMap<D1Database, Db>();

export function database(d1: D1Database): Db {
  let db = instances.get(d1);
  if (!db) {
    db = createDatabase(d1);
    instances.set(d1, db);
  }
  return db;
}
