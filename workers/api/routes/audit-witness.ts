// The franchise's audit witness (issue 10): read by whoever reads the audit log; set and cleared
// by staff admins only (app.ts), each change recorded in the audit log as a policy change.
import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { branchScopeOf } from "../../auth/roles.ts";
import { clearWitness, getWitness, listWitnessPushes, setWitness } from "../../audit/witness.ts";
import { HttpProblem } from "../problem.ts";
import { requireStaffAdmin, STAFF_ADMIN_SECURITY } from "../middleware/staff-admin.ts";
import { AuditWitness, AuditWitnessPushList, pushResource, SetAuditWitnessBody, witnessResource } from "../resources/audit-witness.ts";
import { AUTHENTICATED, emptyResponse, IdempotencyHeader, jsonRequestBody, jsonResponse, problemResponses, WITH_BODY } from "../resources/common.ts";
import { billing, type AppContext } from "./route-context.ts";

const tags = ["Audit"];
const MAX_PUSHES = 200;

function wholeFranchise(c: AppContext): void {
  if (branchScopeOf(c.get("principal")) !== null) throw new HttpProblem(403, "audit_needs_franchise_scope", "the audit log covers every branch: a branch manager cannot read it");
}

export class GetAuditWitness extends OpenAPIRoute {
  schema = {
    tags,
    summary: "The franchise's audit witness: the webhook that receives every signed checkpoint (the secret is never returned)",
    responses: { "200": jsonResponse(AuditWitness, "The witness (configured: false when none is set)"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    wholeFranchise(c);
    const ctx = billing(c);
    return witnessResource(await getWitness(ctx.db, ctx.franchiseId));
  }
}

export class SetAuditWitness extends OpenAPIRoute {
  schema = {
    tags,
    security: STAFF_ADMIN_SECURITY,
    summary: "Set the audit witness URL and (optionally) the push's signing secret (staff admins); recorded in the audit log",
    request: { headers: IdempotencyHeader, body: jsonRequestBody(SetAuditWitnessBody) },
    responses: { "200": jsonResponse(AuditWitness, "The witness as set", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY) },
  };

  async handle(c: AppContext) {
    requireStaffAdmin(c.get("principal"), "set the audit witness");
    const { body } = await this.getValidatedData<typeof this.schema>();
    return witnessResource(await setWitness(billing(c), body, new Date()));
  }
}

export class ClearAuditWitness extends OpenAPIRoute {
  schema = {
    tags,
    security: STAFF_ADMIN_SECURITY,
    summary: "Clear the audit witness (staff admins); recorded in the audit log",
    request: { headers: IdempotencyHeader },
    responses: { "204": emptyResponse("Cleared"), ...problemResponses(...AUTHENTICATED, 404) },
  };

  async handle(c: AppContext) {
    requireStaffAdmin(c.get("principal"), "clear the audit witness");
    if (!(await clearWitness(billing(c), new Date()))) throw new HttpProblem(404, "audit_witness_not_set", "no audit witness is set");
    return new Response(null, { status: 204 });
  }
}

export class ListAuditWitnessPushes extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Checkpoints pushed to the witness, newest first: delivered, or failed with the status (retried hourly)",
    request: { query: z.object({ limit: z.coerce.number().int().min(1).max(MAX_PUSHES).default(50) }) },
    responses: { "200": jsonResponse(AuditWitnessPushList, "Pushes"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    wholeFranchise(c);
    const { query } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    return { data: (await listWitnessPushes(ctx.db, ctx.franchiseId, query.limit)).map(pushResource) };
  }
}
