// Retention and legal holds over the e-invoice archive (issue 10). Reading is for principals of
// the whole franchise (not branch managers: holds name every branch's documents); setting and
// lifting holds and deleting archived documents is for staff admins.
import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { deleteArchived, liftLegalHold, listLegalHolds, retentionPolicies, retentionStatus, setLegalHold } from "../../audit/retention.ts";
import { branchScopeOf } from "../../auth/roles.ts";
import { HttpProblem } from "../problem.ts";
import { requireStaffAdmin, STAFF_ADMIN_SECURITY } from "../middleware/staff-admin.ts";
import { AUTHENTICATED, emptyResponse, Id, IdempotencyHeader, IdParams, jsonRequestBody, jsonResponse, problemResponses, WITH_BODY } from "../resources/common.ts";
import { holdResource, LegalHold, policyResource, RetentionPolicy, RetentionStatusResource, statusResource } from "../resources/retention.ts";
import { billing, type AppContext } from "./route-context.ts";

const tags = ["Retention"];
const MAX_HOLDS = 200;

function wholeFranchise(c: AppContext): void {
  if (branchScopeOf(c.get("principal")) !== null) throw new HttpProblem(403, "retention_needs_franchise_scope", "retention and legal holds cover every branch: a branch manager cannot use them");
}

export class ListRetentionPolicies extends OpenAPIRoute {
  schema = {
    tags,
    summary: "How long archived documents are kept, per jurisdiction and document class",
    responses: { "200": jsonResponse(z.object({ data: z.array(RetentionPolicy) }).meta({ id: "RetentionPolicyList" }), "Policies"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    return { data: (await retentionPolicies(c.env)).map(policyResource) };
  }
}

const statusRoute = (kind: "invoice" | "credit_note", prefix: string) =>
  class extends OpenAPIRoute {
    schema = {
      tags,
      summary: `The archived ${kind.replace("_", " ")}'s retention: its policy, until when it is kept, active holds`,
      request: { params: IdParams(prefix) },
      responses: { "200": jsonResponse(RetentionStatusResource, "Retention status"), ...problemResponses(...AUTHENTICATED, 404) },
    };

    async handle(c: AppContext) {
      wholeFranchise(c);
      const { params } = await this.getValidatedData<typeof this.schema>();
      return statusResource(await retentionStatus(billing(c), kind, params.id, new Date()));
    }
  };
export const GetInvoiceRetention = statusRoute("invoice", "inv");
export const GetCreditNoteRetention = statusRoute("credit_note", "cn");

const deleteRoute = (kind: "invoice" | "credit_note", prefix: string) =>
  class extends OpenAPIRoute {
    schema = {
      tags,
      security: STAFF_ADMIN_SECURITY,
      summary: `Delete the archived ${kind.replace("_", " ")} (staff admins): only once its retention has run out and no legal hold keeps it`,
      description: "409 retention_period_running (the detail names the date and the law), legal_hold_active, or no_retention_policy. The purge is recorded in the audit log (archive.purged).",
      request: { headers: IdempotencyHeader, params: IdParams(prefix) },
      responses: { "204": emptyResponse("Deleted and recorded"), ...problemResponses(...AUTHENTICATED, 404, 409, 422) },
    };

    async handle(c: AppContext) {
      requireStaffAdmin(c.get("principal"), "delete archived documents");
      const { params } = await this.getValidatedData<typeof this.schema>();
      await deleteArchived(billing(c), kind, params.id, new Date());
      return new Response(null, { status: 204 });
    }
  };
export const DeleteInvoiceArchive = deleteRoute("invoice", "inv");
export const DeleteCreditNoteArchive = deleteRoute("credit_note", "cn");

export class ListLegalHolds extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Legal holds of the franchise, newest first",
    request: { query: z.object({ active: z.enum(["true", "false"]).default("true").describe("false: lifted ones too"), limit: z.coerce.number().int().min(1).max(MAX_HOLDS).default(50) }) },
    responses: { "200": jsonResponse(z.object({ data: z.array(LegalHold) }).meta({ id: "LegalHoldList" }), "Holds"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    wholeFranchise(c);
    const { query } = await this.getValidatedData<typeof this.schema>();
    return { data: (await listLegalHolds(billing(c), query.active === "true", query.limit)).map(holdResource) };
  }
}

const Reason = z.string().trim().min(3).max(500);

export class CreateLegalHold extends OpenAPIRoute {
  schema = {
    tags,
    security: STAFF_ADMIN_SECURITY,
    summary: "Hold an issued invoice or credit note (staff admins): it is not purged or deleted until the hold is lifted",
    request: {
      headers: IdempotencyHeader,
      body: jsonRequestBody(z.object({ documentKind: z.enum(["invoice", "credit_note"]), documentId: z.union([Id("inv"), Id("cn")]), reason: Reason })),
    },
    responses: { "201": jsonResponse(LegalHold, "Held", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) },
  };

  async handle(c: AppContext) {
    requireStaffAdmin(c.get("principal"), "set legal holds");
    const { body } = await this.getValidatedData<typeof this.schema>();
    const prefix = body.documentKind === "invoice" ? "inv_" : "cn_";
    if (!body.documentId.startsWith(prefix)) throw new HttpProblem(400, "invalid_request", `documentId must be a ${prefix}… id for a ${body.documentKind}`, { issues: [{ field: "documentId", message: `must be a ${prefix}… id` }] });
    return c.json(holdResource(await setLegalHold(billing(c), body, new Date())), 201);
  }
}

export class LiftLegalHold extends OpenAPIRoute {
  schema = {
    tags,
    security: STAFF_ADMIN_SECURITY,
    summary: "Lift a legal hold with a reason (staff admins)",
    request: { headers: IdempotencyHeader, params: IdParams("lh"), body: jsonRequestBody(z.object({ reason: Reason })) },
    responses: { "200": jsonResponse(LegalHold, "Lifted", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) },
  };

  async handle(c: AppContext) {
    requireStaffAdmin(c.get("principal"), "lift legal holds");
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    return holdResource(await liftLegalHold(billing(c), params.id, body.reason, new Date()));
  }
}
