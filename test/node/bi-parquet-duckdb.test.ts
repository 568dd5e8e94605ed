// The BI feed's Parquet encoder (workers/bi/parquet.ts, the code the Worker runs) read back by an
// independent engine, DuckDB: INT64 money stays exact past 2^53, DATE columns are dates, nullable
// columns keep their nulls. (The worker test test/worker/bi-export.test.ts matches the exported
// files against the analytics API; this one checks what a BI tool's engine makes of the bytes.)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, describe, expect, it } from "vitest";
import { encodeParquet, type BiColumn } from "../../workers/bi/parquet.ts";
import { BI_TABLES } from "../../workers/bi/tables.ts";

const dir = mkdtempSync(join(tmpdir(), "bi-duckdb-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("BI Parquet read by DuckDB", () => {
  it("revenue_daily: BIGINT money exact beyond 2^53, DATE days, NULL service types", async () => {
    const table = BI_TABLES.find((t) => t.name === "revenue_daily")!;
    const big = 2 ** 53 - 1;
    const rows = Array.from({ length: 5000 }, (_, i) => ({
      day: `2026-0${(i % 9) + 1}-1${i % 10}`,
      branch_id: `br_${i % 7}`,
      service_type_id: i % 3 === 0 ? null : `st_${i % 4}`,
      currency: i % 2 ? "EUR" : "USD",
      billed_gross: i === 0 ? big : i * 1001,
      billed_net: i,
      credited_gross: 0,
      credited_net: 0,
      recognized: -i,
      collected: i % 5,
    }));
    const file = join(dir, "revenue_daily.parquet");
    writeFileSync(file, new Uint8Array(encodeParquet(table.columns, rows)));
    const con = await (await DuckDBInstance.create(":memory:")).connect();
    try {
      const types = Object.fromEntries(
        ((await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRowObjectsJson() as Array<{ column_name: string; column_type: string }>).map((r) => [r.column_name, r.column_type]),
      );
      expect(types).toMatchObject({ day: "DATE", branch_id: "VARCHAR", service_type_id: "VARCHAR", billed_gross: "BIGINT", recognized: "BIGINT" });
      const [agg] = (await con.runAndReadAll(
        `SELECT count(*)::VARCHAR n, sum(billed_gross)::VARCHAR billed, sum(recognized)::VARCHAR rec, count(*) FILTER (WHERE service_type_id IS NULL)::VARCHAR nullcount, min(day)::VARCHAR firstday FROM read_parquet('${file}')`,
      )).getRowObjectsJson() as Array<Record<string, string>>;
      const expected = rows.reduce((s, r) => s + BigInt(r.billed_gross), 0n);
      expect(agg).toEqual({ n: "5000", billed: expected.toString(), rec: rows.reduce((s, r) => s + BigInt(r.recognized), 0n).toString(), nullcount: String(rows.filter((r) => r.service_type_id === null).length), firstday: "2026-01-10" });
      expect(expected > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    } finally {
      con.closeSync();
    }
  });

  it("every BI table's schema encodes and reads back with its declared types", async () => {
    const duck: Record<BiColumn["type"], string> = { date: "DATE", string: "VARCHAR", int64: "BIGINT", double: "DOUBLE" };
    const con = await (await DuckDBInstance.create(":memory:")).connect();
    try {
      for (const t of BI_TABLES) {
        const row = Object.fromEntries(t.columns.map((c) => [c.name, c.type === "date" ? "2026-11-30" : c.type === "string" ? "x" : c.type === "int64" ? 42 : 1.5]));
        const file = join(dir, `${t.name}.parquet`);
        writeFileSync(file, new Uint8Array(encodeParquet(t.columns, [row, { ...row, ...Object.fromEntries(t.columns.filter((c) => c.nullable).map((c) => [c.name, null])) }])));
        const described = (await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).getRowObjectsJson() as Array<{ column_name: string; column_type: string }>;
        expect(described.map((d) => [d.column_name, d.column_type]), t.name).toEqual(t.columns.map((c) => [c.name, duck[c.type]]));
      }
    } finally {
      con.closeSync();
    }
  });
});
