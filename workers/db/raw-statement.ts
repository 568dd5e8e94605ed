// A hand-written SQL statement (INSERT ... SELECT FROM json_each, UPDATE with subqueries) that
// can go into db.batch. drizzle's db.run(sql) builds a batch item without a prepared D1
// statement, and its D1 batch then fails with "reading 'bind'" whenever the SQL has
// parameters (drizzle-orm 0.45); giving the item its prepared statement is all it lacks.
import type { SQL } from "drizzle-orm";
import type { Statement } from "./batch.ts";
import type { Db } from "./client.ts";

export function rawStatement(db: Db, query: SQL): Statement {
  const item = db.run(query);
  const { sql: text } = item.getQuery();
  return Object.assign(item, { stmt: db.$client.prepare(text) });
}
