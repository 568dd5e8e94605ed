// Did a request write to D1? Two helpers:
// - `d1Fingerprint` reads SQLite's total_changes(): the rows inserted, updated or deleted on the
//   database's connection so far (triggers included). It only grows, costs one trivial query,
//   and needs no instrumentation, so the fuzz suite can take it around each of thousands of
//   cases. (Write-counting triggers were tried first and rejected: D1's meta.changes counts rows
//   changed by triggers, so they changed the answers of code that checks `changes === 1`.)
// - `d1ContentFingerprint` sums counts, rowids and column lengths/values per table (tables
//   listed from sqlite_master, so new ones are covered): slower, but it names the tables.

export type Fingerprint = Record<string, string>;

const q = (id: string) => `"${id.replace(/"/g, '""')}"`;

/** { rowsWritten: "<total_changes()>" }: any write by anyone in between changes it. */
export async function d1Fingerprint(db: D1Database): Promise<Fingerprint> {
  const row = await db.prepare("SELECT total_changes() AS n").first<{ n: number }>();
  return { rowsWritten: String(row!.n) };
}

const contentQueries = new WeakMap<object, Promise<string>>();

async function contentQuery(db: D1Database): Promise<string> {
  const tables = await db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations' ORDER BY name")
    .all<{ name: string; sql: string }>();
  const terms: string[] = [];
  for (const { name, sql } of tables.results) {
    const columns = await db.prepare("SELECT name FROM pragma_table_info(?)").bind(name).all<{ name: string }>();
    const parts = ["count(*)", ...(/WITHOUT\s+ROWID/i.test(sql) ? [] : ["total(rowid)"])];
    for (const { name: col } of columns.results) parts.push(`total(length(${q(col)}))`, `total(${q(col)})`);
    // json_array, not `||`: a long concatenation exceeds SQLite's expression depth of 100.
    terms.push(`(SELECT json_array(${parts.join(", ")}) FROM ${q(name)}) AS ${q(name)}`);
  }
  return `SELECT ${terms.join(", ")}`;
}

/** Content checksum per table: count, sum of rowids, per column total length and numeric total. Call after migrations. */
export async function d1ContentFingerprint(db: D1Database): Promise<Fingerprint> {
  let query = contentQueries.get(db);
  if (!query) contentQueries.set(db, (query = contentQuery(db)));
  return (await db.prepare(await query).first<Fingerprint>())!;
}

/** What differs: table names for content fingerprints, e.g. ["invoices", "outbox_events"], or "rowsWritten +3". */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  return Object.keys({ ...before, ...after })
    .filter((t) => before[t] !== after[t])
    .map((t) => (t === "rowsWritten" ? `rowsWritten +${Number(after[t]) - Number(before[t])}` : t));
}
