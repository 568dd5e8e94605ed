// Rows of a hand-written SELECT mapped to what drizzle's select() of the same table returns:
// each column's TypeScript key, its driver value decoded by the column itself (mapFromDriverValue),
// null for SQL NULL. For the few hot reads written as fixed SQL text (building the query with
// drizzle per request was ~5 % of the invoice read's CPU); the shape stays the schema's.
import { getTableColumns, type InferSelectModel, type Table } from "drizzle-orm";

export function rowMapper<T extends Table>(table: T): (row: Record<string, unknown>) => InferSelectModel<T> {
  const columns = Object.entries(getTableColumns(table)).map(([key, column]) => ({ key, name: column.name, column }));
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const { key, name, column } of columns) {
      const value = row[name];
      out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
    }
    return out as InferSelectModel<T>;
  };
}

/** The table's SQL column names in the schema's order: the select list of a fixed-SQL read. */
export function columnNames(table: Table): string[] {
  return Object.values(getTableColumns(table)).map((column) => column.name);
}

/**
 * The same mapping for a row read as an array (D1's `raw()`, or a JSON array built in SQL) whose
 * values are in `columnNames(table)` order: skips D1 building an object per row only for this to
 * read it back by name.
 */
export function arrayRowMapper<T extends Table>(table: T): (values: readonly unknown[]) => InferSelectModel<T> {
  const columns = Object.entries(getTableColumns(table)).map(([key, column]) => ({ key, column }));
  return (values) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) {
      const { key, column } = columns[i]!;
      const value = values[i];
      out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
    }
    return out as InferSelectModel<T>;
  };
}
