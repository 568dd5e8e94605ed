// Runs one day's BI export for a franchise: each table's partition as Parquet and CSV under
// bi/<franchiseId>/<table>/dt=<date>/part-0.{parquet,csv}, then the table's manifest
// (bi/<franchiseId>/<table>/_manifest.json: schema, partitions, row counts, SHA-256) written
// last, so a reader following the manifest never sees a half-written day. Re-running a day
// replaces its files and its manifest entry.
import { sql } from "drizzle-orm";
import { billingContext } from "../billing/context.ts";
import type { Db } from "../db/client.ts";
import { systemClock } from "../domain/clock.ts";
import { toCsv } from "../domain/csv.ts";
import { BI_TABLES, type BiTable } from "./tables.ts";
import { encodeParquet, type BiColumn } from "./parquet.ts";

export interface BiFile {
  key: string;
  format: "parquet" | "csv";
  bytes: number;
  sha256: string;
}

export interface BiPartition {
  dt: string;
  rows: number;
  files: BiFile[];
  exportedAt: string;
}

export interface BiManifest {
  table: string;
  description: string;
  schema: BiColumn[];
  partitions: BiPartition[];
}

export const tablePrefix = (franchiseId: string, table: string) => `bi/${franchiseId}/${table}`;
export const manifestKey = (franchiseId: string, table: string) => `${tablePrefix(franchiseId, table)}/_manifest.json`;

async function sha256(data: ArrayBuffer | Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function readManifest(env: Env, franchiseId: string, table: string): Promise<BiManifest | null> {
  const obj = await env.EXPORTS.get(manifestKey(franchiseId, table));
  return obj ? ((await obj.json()) as BiManifest) : null;
}

async function exportTable(env: Env, franchiseId: string, table: BiTable, date: string, rows: Awaited<ReturnType<BiTable["rows"]>>, now: Date): Promise<void> {
  const dir = `${tablePrefix(franchiseId, table.name)}/dt=${date}`;
  const parquet = new Uint8Array(encodeParquet(table.columns, rows));
  const csv = new TextEncoder().encode(toCsv(rows.map((r) => table.columns.map((c) => r[c.name] ?? null)), table.columns.map((c) => c.name)));
  const files: BiFile[] = [];
  for (const [format, body, type] of [["parquet", parquet, "application/vnd.apache.parquet"], ["csv", csv, "text/csv; charset=utf-8"]] as const) {
    const key = `${dir}/part-0.${format}`;
    await env.EXPORTS.put(key, body, { httpMetadata: { contentType: type } });
    files.push({ key, format, bytes: body.byteLength, sha256: await sha256(body) });
  }
  const previous = await readManifest(env, franchiseId, table.name);
  const partitions = [...(previous?.partitions ?? []).filter((p) => p.dt !== date), { dt: date, rows: rows.length, files, exportedAt: now.toISOString() }].sort((a, b) => a.dt.localeCompare(b.dt));
  const manifest: BiManifest = { table: table.name, description: table.description, schema: table.columns, partitions };
  await env.EXPORTS.put(manifestKey(franchiseId, table.name), JSON.stringify(manifest), { httpMetadata: { contentType: "application/json" } });
}

async function progress(db: Db, id: string, fields: { status?: string; tablesDone?: number; rows?: number; error?: string | null }, now: Date): Promise<void> {
  await db.run(
    sql`UPDATE bi_exports SET status = COALESCE(${fields.status ?? null}, status), tables_done = COALESCE(${fields.tablesDone ?? null}, tables_done),
        rows = COALESCE(${fields.rows ?? null}, rows), error = ${fields.error ?? null}, updated_at = ${now.toISOString()} WHERE id = ${id}`,
  );
}

export interface BiExportMessage {
  exportId: string;
  franchiseId: string;
  date: string;
}

export async function runBiExport(env: Env, msg: BiExportMessage): Promise<void> {
  const ctx = billingContext(env, msg.franchiseId, systemClock, "system:bi-export");
  await progress(ctx.db, msg.exportId, { status: "running", tablesDone: 0, rows: 0 }, ctx.clock.now());
  let total = 0;
  try {
    for (const [i, table] of BI_TABLES.entries()) {
      const rows = await table.rows(ctx, msg.date);
      await exportTable(env, msg.franchiseId, table, msg.date, rows, ctx.clock.now());
      total += rows.length;
      await progress(ctx.db, msg.exportId, { tablesDone: i + 1, rows: total }, ctx.clock.now());
    }
    await progress(ctx.db, msg.exportId, { status: "done" }, ctx.clock.now());
  } catch (error) {
    await progress(ctx.db, msg.exportId, { status: "failed", error: (error instanceof Error ? error.message : String(error)).slice(0, 500) }, ctx.clock.now());
    throw error;
  }
}
