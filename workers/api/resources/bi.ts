// BI feed resources (issue 11): export runs and the manifest of the Parquet/CSV files in R2.
import { z } from "zod";
import { Id, IsoDate } from "./common.ts";

export const BiExportRequest = z.object({ date: IsoDate.describe("the day to export (its partition dt=YYYY-MM-DD); re-running a day replaces it") }).strict().meta({ id: "BiExportRequest" });

export const BiExport = z
  .object({
    id: Id("bix"),
    date: z.string(),
    status: z.enum(["queued", "running", "done", "failed"]),
    progress: z.object({ tablesDone: z.number().int(), tablesTotal: z.number().int(), rows: z.number().int() }),
    error: z.string().nullable(),
    requestedBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "BiExport" });

const BiFile = z.object({
  key: z.string().describe("R2 key: bi/<franchiseId>/<table>/dt=<date>/part-0.<format>"),
  format: z.enum(["parquet", "csv"]),
  bytes: z.number().int(),
  sha256: z.string(),
  url: z.string().describe("signed download URL (no other credentials needed)"),
  expiresAt: z.string().describe("when the URL stops working"),
});

const BiColumnSchema = z.object({ name: z.string(), type: z.enum(["date", "string", "int64", "double"]), nullable: z.boolean().optional() });

export const BiRows = z
  .object({
    table: z.string(),
    schema: z.array(BiColumnSchema).describe("the columns of every row (plus dt, the partition)"),
    data: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))).describe("rows of the exported partitions, dt ≥ since, in dt order; INT64 as integers, DATE as YYYY-MM-DD"),
    nextCursor: z.string().nullable().describe("pass as cursor for the next page; null on the last"),
  })
  .meta({ id: "BiRows" });

export const BiManifest = z
  .object({
    tables: z.array(
      z.object({
        table: z.string(),
        description: z.string(),
        schema: z.array(BiColumnSchema),
        partitions: z.array(z.object({ dt: z.string(), rows: z.number().int(), exportedAt: z.string(), files: z.array(BiFile) })),
      }),
    ),
  })
  .meta({ id: "BiManifest" });
