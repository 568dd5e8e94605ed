// The BI feed over HTTP: queue a day's export (staff admins; 202 with progress), follow it,
// list the files with signed download URLs, and download a file by its signed URL.
import { biSigningKey } from "../../config/local-secrets.ts";
import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { sql } from "drizzle-orm";
import { BI_TABLES } from "../../bi/tables.ts";
import { readManifest } from "../../bi/export.ts";
import { queueBiExport } from "../../bi/schedule.ts";
import { signDownload, verifyDownload } from "../../bi/signed-urls.ts";
import { notFound } from "../../domain/errors.ts";
import { requireStaffAdmin, STAFF_ADMIN_SECURITY } from "../middleware/staff-admin.ts";
import { HttpProblem } from "../problem.ts";
import { BiExport, BiExportRequest, BiManifest, BiRows } from "../resources/bi.ts";
import { AUTHENTICATED, IdempotencyHeader, IdParams, IsoDate, jsonRequestBody, jsonResponse, PageQuery, problemResponses, WITH_BODY } from "../resources/common.ts";
import { decodePullCursor, pullRows } from "../../bi/pull.ts";
import { billing, type AppContext } from "./route-context.ts";

const tags = ["BI feed"];

type ExportRow = { id: string; date: string; status: string; tables_done: number; tables_total: number; rows: number; error: string | null; requested_by: string; created_at: string; updated_at: string };

const exportResource = (r: ExportRow): z.infer<typeof BiExport> => ({
  id: r.id,
  date: r.date,
  status: r.status as z.infer<typeof BiExport>["status"],
  progress: { tablesDone: r.tables_done, tablesTotal: r.tables_total, rows: r.rows },
  error: r.error,
  requestedBy: r.requested_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

async function loadExport(c: AppContext, id: string): Promise<ExportRow> {
  const ctx = billing(c);
  const row = await ctx.db.get<ExportRow>(sql`SELECT * FROM bi_exports WHERE franchise_id = ${ctx.franchiseId} AND id = ${id}`);
  if (!row) throw notFound("bi_export", id);
  return row;
}

export class CreateBiExport extends OpenAPIRoute {
  schema = {
    tags,
    security: STAFF_ADMIN_SECURITY,
    summary: "Export one day of the BI feed now (staff admins): 202, then follow Location for progress",
    request: { headers: IdempotencyHeader, body: jsonRequestBody(BiExportRequest) },
    responses: { "202": jsonResponse(BiExport, "Queued", "Location"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY) },
  };

  async handle(c: AppContext) {
    requireStaffAdmin(c.get("principal"), "export the BI feed");
    const { body } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    const id = await queueBiExport(c.env, ctx.db, ctx.franchiseId, body.date, ctx.actor, ctx.clock.now());
    return c.json(exportResource(await loadExport(c, id)), 202, { location: `/v1/bi/exports/${id}` });
  }
}

export class GetBiExport extends OpenAPIRoute {
  schema = {
    tags,
    security: STAFF_ADMIN_SECURITY,
    summary: "An export run and its progress (staff admins)",
    request: { params: IdParams("bix") },
    responses: { "200": jsonResponse(BiExport, "The export"), ...problemResponses(...AUTHENTICATED, 404) },
  };

  async handle(c: AppContext) {
    requireStaffAdmin(c.get("principal"), "read BI exports");
    const { params } = await this.getValidatedData<typeof this.schema>();
    return exportResource(await loadExport(c, params.id));
  }
}

export class GetBiManifest extends OpenAPIRoute {
  schema = {
    tags,
    summary: "The BI tables with their partitions, row counts, checksums and a signed, expiring download URL per file",
    responses: { "200": jsonResponse(BiManifest, "Manifest"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    const ctx = billing(c);
    // Branch managers see branch-scoped figures everywhere else; the files hold every branch.
    if (ctx.branchScope) throw new HttpProblem(403, "network_scope_required", "the BI files cover every branch: a branch-scoped role cannot read them");
    const origin = new URL(c.req.url).origin;
    const now = ctx.clock.now();
    const tables = [];
    for (const t of BI_TABLES) {
      const m = await readManifest(c.env, ctx.franchiseId, t.name);
      const partitions = [];
      for (const p of m?.partitions ?? []) {
        const files = [];
        for (const f of p.files) files.push({ ...f, ...(await signDownload(biSigningKey(c.env), origin, f.key, now)) });
        partitions.push({ dt: p.dt, rows: p.rows, exportedAt: p.exportedAt, files });
      }
      tables.push({ table: t.name, description: t.description, schema: t.columns, partitions });
    }
    return { tables };
  }
}

export class DownloadBiFile extends OpenAPIRoute {
  schema = {
    tags,
    security: [],
    summary: "Download a BI file by its signed URL (from GET /v1/bi/manifest); no other credentials",
    request: { query: z.object({ key: z.string().regex(/^bi\/fr_[0-9a-z]+\/[a-z_]+\/dt=\d{4}-\d{2}-\d{2}\/part-0\.(parquet|csv)$/), expires: z.coerce.number().int(), sig: z.string().max(100) }) },
    responses: {
      "200": { description: "The file", content: { "application/vnd.apache.parquet": { schema: { type: "string" as const, format: "binary" } }, "text/csv": { schema: { type: "string" as const } } } },
      ...problemResponses(400, 403, 404),
    },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const verdict = await verifyDownload(biSigningKey(c.env), query.key, query.expires, query.sig, new Date());
    if (verdict === "expired") throw new HttpProblem(403, "url_expired", "this download URL has expired; fetch the manifest again");
    if (verdict !== "ok") throw new HttpProblem(403, "bad_signature", "this download URL is not valid");
    const obj = await c.env.EXPORTS.get(query.key);
    if (!obj) throw notFound("bi_file", query.key);
    return new Response(obj.body, { headers: { "content-type": obj.httpMetadata?.contentType ?? "application/octet-stream", "cache-control": "private, no-store" } });
  }
}

const TABLE_NAMES = BI_TABLES.map((t) => t.name) as [string, ...string[]];

export class GetBiTableRows extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Pull a BI table's exported rows over HTTP, partitions dt ≥ since, with cursor pagination",
    request: {
      params: z.object({ table: z.enum(TABLE_NAMES) }),
      query: z.object({ since: IsoDate.optional().describe("first partition date (dt) to include; default: every partition"), ...PageQuery }),
    },
    responses: { "200": jsonResponse(BiRows, "A page of rows"), ...problemResponses(...AUTHENTICATED, 404) },
  };

  async handle(c: AppContext) {
    const { params, query } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    if (ctx.branchScope) throw new HttpProblem(403, "network_scope_required", "the BI tables cover every branch: a branch-scoped role cannot read them");
    const position = query.cursor === undefined ? undefined : decodePullCursor(query.cursor);
    if (position === null) throw new HttpProblem(400, "invalid_cursor", "cursor is not a value this API returned", { issues: [{ field: "cursor", message: "unrecognised cursor" }] });
    const page = await pullRows(c.env, ctx.franchiseId, params.table, query.since, position, query.limit);
    if (!page) throw notFound("bi_table_export", params.table);
    return page;
  }
}
