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
