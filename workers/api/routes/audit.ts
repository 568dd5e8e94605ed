// The franchise's audit log (issue 10): read by staff sessions and keys with the read scope,
// but not by branch managers (entries name every branch's documents and people).
import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { consistencyProof, exportLog, inclusionProof, latestCheckpoint, listCheckpoints, listEntries, signCheckpoint, verifierKey } from "../../audit/queries.ts";
import { branchScopeOf } from "../../auth/roles.ts";
import { HttpProblem } from "../problem.ts";
import { AuditCheckpoint, AuditEntryPage, AuditExport, AuditVerifierKey, ConsistencyProof, InclusionProof } from "../resources/audit.ts";
import { AUTHENTICATED, HEADER_DOCS, IdempotencyHeader, jsonResponse, problemResponses, WITH_BODY } from "../resources/common.ts";
import type { AppContext } from "./route-context.ts";

const tags = ["Audit"];
/** A fresh schema per use: chanfana would otherwise document one use's optionality for all of them. */
// (A coerced number with minimum 0 is documented as optional and nullable: chanfana sees that null
// coerces to 0. A decimal string is what a query parameter is anyway.)
const Index = () =>
  z
    .string()
    .regex(/^(0|[1-9][0-9]{0,14})$/, "must be a non-negative integer")
    .transform(Number);
/** Most entries one page returns. */
export const AUDIT_PAGE_MAX = 200;

function franchiseOf(c: AppContext): string {
  const principal = c.get("principal");
  if (branchScopeOf(principal) !== null) throw new HttpProblem(403, "audit_needs_franchise_scope", "the audit log covers every branch: a branch manager cannot read it");
  return principal.franchiseId;
}

export class GetAuditCheckpoint extends OpenAPIRoute {
  schema = {
    tags,
    summary: "The newest signed checkpoint (C2SP tlog-checkpoint signed note, text/plain)",
    responses: {
      "200": {
        description: "The signed note: origin, size and base64 root hash, a blank line, then signature lines",
        headers: { "X-Request-Id": { description: HEADER_DOCS["X-Request-Id"], schema: { type: "string" as const } } },
        content: { "text/plain": { schema: z.string() } },
      },
      ...problemResponses(...AUTHENTICATED, 409),
    },
  };

  async handle(c: AppContext) {
    const cp = await latestCheckpoint(c.env, franchiseOf(c), new Date());
    return new Response(cp.note, { headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
  }
}

export class CreateAuditCheckpoint extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Sign a checkpoint of the log as it is now (returns the last one when nothing was appended since)",
    request: { headers: IdempotencyHeader },
    responses: { "200": jsonResponse(AuditCheckpoint, "The checkpoint covering the current tree", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY) },
    description: "409 audit_log_inconsistent when the log's storage no longer agrees with a checkpoint it signed (edited or rolled back): it never signs two inconsistent views.",
  };

  async handle(c: AppContext) {
    return signCheckpoint(c.env, franchiseOf(c), new Date());
  }
}

export class ListAuditCheckpoints extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Signed checkpoints, newest first",
    request: { query: z.object({ limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(20) }) },
    responses: { "200": jsonResponse(z.object({ data: z.array(AuditCheckpoint) }).meta({ id: "AuditCheckpointList" }), "Checkpoints"), ...problemResponses(...AUTHENTICATED, 409) },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const franchiseId = franchiseOf(c);
    await latestCheckpoint(c.env, franchiseId, new Date());
    return { data: await listCheckpoints(c.env, franchiseId, query.limit) };
  }
}

export class ListAuditEntries extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Entries with from ≤ index < to in log order, optionally filtered (at most `limit`)",
    request: {
      query: z.object({
        from: Index().optional().describe("first index (inclusive); default 0"),
        to: Index().optional().describe("end index (exclusive); default the tree size; 400 beyond it"),
        limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(50),
        aggregateId: z.string().max(64).optional(),
        aggregateType: z.string().max(64).optional(),
        actor: z.string().max(128).optional(),
        type: z.string().max(64).optional(),
      }),
    },
    responses: { "200": jsonResponse(AuditEntryPage, "A page of entries"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    return listEntries(c.env, franchiseOf(c), { ...query, from: query.from ?? 0 });
  }
}

export class GetInclusionProof extends OpenAPIRoute {
  schema = {
    tags,
    summary: "RFC 9162 inclusion proof of the leaf at `index` in the tree of `size`",
    request: { query: z.object({ index: Index(), size: Index() }) },
    responses: { "200": jsonResponse(InclusionProof, "The audit path"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    return inclusionProof(c.env, franchiseOf(c), query.index, query.size);
  }
}

export class GetConsistencyProof extends OpenAPIRoute {
  schema = {
    tags,
    summary: "RFC 9162 consistency proof between the trees of sizes `from` and `to`",
    request: { query: z.object({ from: Index(), to: Index() }) },
    responses: { "200": jsonResponse(ConsistencyProof, "The consistency proof"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    return consistencyProof(c.env, franchiseOf(c), query.from, query.to);
  }
}

export class GetAuditVerifierKey extends OpenAPIRoute {
  schema = {
    tags,
    summary: "The checkpoint key: C2SP verifier key and public JWK",
    responses: { "200": jsonResponse(AuditVerifierKey, "The log's public key"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    return verifierKey(c.env, franchiseOf(c));
  }
}

export class ExportAuditLog extends OpenAPIRoute {
  schema = {
    tags,
    summary: "The whole log, every entry and every checkpoint (input of npm run verify-audit)",
    responses: { "200": jsonResponse(AuditExport, "The export file"), ...problemResponses(...AUTHENTICATED, 409) },
  };

  async handle(c: AppContext) {
    const franchiseId = franchiseOf(c);
    const body = await exportLog(c.env, franchiseId, new Date());
    return new Response(body, { headers: { "content-type": "application/json", "content-disposition": `attachment; filename="audit-${franchiseId}.json"` } });
  }
}
