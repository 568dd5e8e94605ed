// A cheap fingerprint of everything in D1: per table, row count, sum of rowids and, per column,
// the total length and numeric total of its values. Any insert, delete or update of a value
// changes it (short of a crafted collision), and it costs ONE query, so the fuzz suite can take
// it around every refused request. Tables are listed from sqlite_master, so new tables are covered.

export type Fingerprint = Record<string, string>;

const queries = new WeakMap<object, Promise<string>>();

async function fingerprintQuery(db: D1Database): Promise<string> {
  const tables = await db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations' ORDER BY name")
    .all<{ name: string; sql: string }>();
  const terms: string[] = [];
  for (const { name, sql } of tables.results) {
    const columns = await db.prepare("SELECT name FROM pragma_table_info(?)").bind(name).all<{ name: string }>();
    const q = (id: string) => `"${id.replace(/"/g, '""')}"`;
    const parts = ["count(*)", ...(/WITHOUT\s+ROWID/i.test(sql) ? [] : ["total(rowid)"])];
    for (const { name: col } of columns.results) parts.push(`total(length(${q(col)}))`, `total(${q(col)})`);
    // json_array, not `||`: a long concatenation exceeds SQLite's expression depth of 100.
    terms.push(`(SELECT json_array(${parts.join(", ")}) FROM ${q(name)}) AS ${q(name)}`);
  }
  return `SELECT ${terms.join(", ")}`;
}

/** Call after migrations: the table list is read once per database. */
export async function d1Fingerprint(db: D1Database): Promise<Fingerprint> {
  let query = queries.get(db);
  if (!query) queries.set(db, (query = fingerprintQuery(db)));
  return (await db.prepare(await query).first<Fingerprint>())!;
}

/** Tables whose fingerprint differs, e.g. ["invoices", "outbox_events"]. */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  return Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]);
}
