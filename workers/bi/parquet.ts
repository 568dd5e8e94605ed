// Parquet encoding of a BI table with an explicit schema: money as INT64 (BigInt64Array, so
// nothing is inferred as INT32 or a float), dates as DATE (INT32 days since 1970-01-01), text
// as UTF8. Without the explicit schema hyparquet-writer would guess from the JavaScript values.
import { parquetWriteBuffer, type SchemaElement } from "hyparquet-writer";
import { epochDay } from "../domain/dates.ts";

export type BiColumnType = "date" | "string" | "int64" | "double";

export interface BiColumn {
  name: string;
  type: BiColumnType;
  nullable?: boolean;
}

export type BiRow = Record<string, string | number | null>;

function element(c: BiColumn): SchemaElement {
  const repetition_type = c.nullable ? "OPTIONAL" : "REQUIRED";
  switch (c.type) {
    case "date":
      return { name: c.name, type: "INT32", converted_type: "DATE", logical_type: { type: "DATE" }, repetition_type };
    case "string":
      return { name: c.name, type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" }, repetition_type };
    case "int64":
      return { name: c.name, type: "INT64", repetition_type };
    case "double":
      return { name: c.name, type: "DOUBLE", repetition_type };
  }
}

function columnData(c: BiColumn, rows: readonly BiRow[]) {
  const values = rows.map((r) => r[c.name] ?? null);
  if (c.type === "int64" && !c.nullable) return BigInt64Array.from(values.map((v) => BigInt(v as number)));
  if (c.type === "int64") return values.map((v) => (v === null ? null : BigInt(v as number)));
  if (c.type === "date") return c.nullable ? values.map((v) => (v === null ? null : epochDay(v as string))) : Int32Array.from(values.map((v) => epochDay(v as string)));
  return values;
}

export function encodeParquet(columns: readonly BiColumn[], rows: readonly BiRow[]): ArrayBuffer {
  return parquetWriteBuffer({
    columnData: columns.map((c) => ({ name: c.name, data: columnData(c, rows) as never })),
    schema: [{ name: "root", num_children: columns.length }, ...columns.map(element)],
  });
}
