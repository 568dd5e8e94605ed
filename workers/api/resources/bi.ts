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

export const BiManifest = z
  .object({
    tables: z.array(
      z.object({
        table: z.string(),
        description: z.string(),
        schema: z.array(z.object({ name: z.string(), type: z.enum(["date", "string", "int64", "double"]), nullable: z.boolean().optional() })),
        partitions: z.array(z.object({ dt: z.string(), rows: z.number().int(), exportedAt: z.string(), files: z.array(BiFile) })),
      }),
    ),
  })
  .meta({ id: "BiManifest" });
