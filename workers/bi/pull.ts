// The BI feed over HTTP for tools that prefer it to files: GET /v1/bi/<table>?since=YYYY-MM-DD
// pages through the rows of the exported partitions (dt ≥ since, in dt order, then file order),
// read back from the same Parquet files the manifest lists, so HTTP and files never disagree.
// The cursor is the position (partition, row offset): stable while no partition is re-exported.
import { parquetReadObjects } from "hyparquet";
import { base64url, fromBase64url } from "../auth/secrets.ts";
import { readManifest, type BiManifest } from "./export.ts";
import type { BiColumn } from "./parquet.ts";

export type PulledRow = Record<string, string | number | null>;

export interface PullPage {
  table: string;
  schema: BiColumn[];
  data: PulledRow[];
  nextCursor: string | null;
}

interface Position {
  dt: string;
  offset: number;
}

export const encodePullCursor = (p: Position) => base64url(new TextEncoder().encode(`${p.dt}|${p.offset}`));

/** The position a cursor of ours stands for, or null for anything else. */
export function decodePullCursor(cursor: string): Position | null {
  try {
    const m = /^(\d{4}-\d{2}-\d{2})\|(\d{1,9})$/.exec(new TextDecoder().decode(fromBase64url(cursor)));
    if (m) return { dt: m[1] as string, offset: Number(m[2]) };
  } catch {
    // not ours
  }
  return null;
}

/** A Parquet value as JSON: INT64 as a number (amounts stay far below 2^53), DATE as YYYY-MM-DD. */
function jsonValue(c: BiColumn, v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (c.type === "date" && typeof v === "number") return new Date(v * 86_400_000).toISOString().slice(0, 10);
  return v as string | number;
}

async function partitionRows(env: Env, manifest: BiManifest, dt: string): Promise<PulledRow[]> {
  const part = manifest.partitions.find((p) => p.dt === dt);
  const file = part?.files.find((f) => f.format === "parquet");
  const obj = file ? await env.EXPORTS.get(file.key) : null;
  if (!obj) return [];
  const rows = (await parquetReadObjects({ file: await obj.arrayBuffer() })) as Record<string, unknown>[];
  return rows.map((r) => ({ dt, ...Object.fromEntries(manifest.schema.map((c) => [c.name, jsonValue(c, r[c.name])])) }));
}

export async function pullRows(env: Env, franchiseId: string, table: string, since: string | undefined, cursor: Position | undefined, limit: number): Promise<PullPage | null> {
  const manifest = await readManifest(env, franchiseId, table);
  if (!manifest) return null;
  const dts = manifest.partitions.map((p) => p.dt).filter((dt) => (since === undefined || dt >= since) && (cursor === undefined || dt >= cursor.dt)).sort();
  const data: PulledRow[] = [];
  for (const dt of dts) {
    const start = cursor && dt === cursor.dt ? cursor.offset : 0;
    const rows = await partitionRows(env, manifest, dt);
    const take = rows.slice(start, start + limit - data.length);
    data.push(...take);
    if (data.length === limit) {
      const next = start + take.length < rows.length ? { dt, offset: start + take.length } : dts[dts.indexOf(dt) + 1] !== undefined ? { dt: dts[dts.indexOf(dt) + 1] as string, offset: 0 } : null;
      return { table, schema: manifest.schema, data, nextCursor: next ? encodePullCursor(next) : null };
    }
  }
  return { table, schema: manifest.schema, data, nextCursor: null };
}
