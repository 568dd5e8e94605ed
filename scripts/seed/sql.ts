// Renders demo data as multi-row INSERT statements for `wrangler d1 execute --file`. Values are
// inlined as SQL literals (bound parameters are capped at 100 per statement on D1), statements
// hold at most 500 rows and stay under D1's 100 KB statement limit, and tables come in an order
// that satisfies foreign keys and the settlement triggers.
import { INSERT_ORDER, type DemoData, type SqlValue } from "./rows.ts";

export const MAX_ROWS_PER_STATEMENT = 500;
/** D1 rejects statements over 100,000 bytes; keep a margin. */
export const MAX_STATEMENT_BYTES = 90_000;

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range starts at NUL on purpose
const NON_ASCII = /[^\x00-\x7f]/;

export function sqlLiteral(value: SqlValue | undefined, where: string): string {
  if (value === null) return "NULL";
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new TypeError(`${where}: ${value} is not an integer (money and counts are integers)`);
    return String(value);
  }
  if (typeof value === "string") {
    if (value.includes("\0")) throw new TypeError(`${where}: NUL character in string`);
    return `'${value.replaceAll("'", "''")}'`;
  }
  throw new TypeError(`${where}: missing value`);
}

function utf8Length(text: string): number {
  if (!NON_ASCII.test(text)) return text.length;
  return new TextEncoder().encode(text).length;
}

function insertStatements(table: string, rows: ReadonlyArray<object>): string[] {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]!);
  for (const c of [table, ...columns]) if (!IDENTIFIER.test(c)) throw new TypeError(`not a plain SQL identifier: ${c}`);
  const head = `INSERT INTO ${table} (${columns.join(", ")}) VALUES\n`;
  const statements: string[] = [];
  let tuples: string[] = [];
  let bytes = head.length;
  const flush = () => {
    if (tuples.length > 0) statements.push(`${head}${tuples.join(",\n")};`);
    tuples = [];
    bytes = head.length;
  };
  rows.forEach((row, i) => {
    const record = row as Record<string, SqlValue>;
    if (Object.keys(record).length !== columns.length) throw new TypeError(`${table}[${i}] has different columns from the first row`);
    const tuple = `(${columns.map((c) => sqlLiteral(record[c], `${table}[${i}].${c}`)).join(",")})`;
    const size = utf8Length(tuple) + 2;
    if (tuples.length >= MAX_ROWS_PER_STATEMENT || (tuples.length > 0 && bytes + size > MAX_STATEMENT_BYTES)) flush();
    tuples.push(tuple);
    bytes += size;
  });
  flush();
  return statements;
}

export function toSqlStatements(data: DemoData): string[] {
  return INSERT_ORDER.flatMap((table) => insertStatements(table, data[table]));
}

export function toSqlFile(data: DemoData): string {
  return `-- Ledgerline demo data (scripts/seed). Apply after the migrations.\n${toSqlStatements(data).join("\n")}\n`;
}
