// The plans API (docs/rate-limits.md): rate plans are data. Plans and franchise assignments are
// the platform operator's (middleware/platform-operator.ts explains why); a franchise's staff
// admins may give one of their own API keys an existing plan, under the franchise cap.
import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { getRatePlan, listRatePlans } from "../../db/rate-plans.ts";
import { directoryDatabase } from "../../db/resolver.ts";
import { notFound } from "../../domain/errors.ts";
import { assignFranchisePlan, assignKeyPlan, createRatePlan, franchisePlanOf, keyPlanOf, updateRatePlan } from "../../ratelimit/plan-admin.ts";
import { PLATFORM_OPERATOR_SECURITY, requirePlatformOperator } from "../middleware/platform-operator.ts";
import { requireStaffAdmin, STAFF_ADMIN_SECURITY } from "../middleware/staff-admin.ts";
import { AUTHENTICATED, decodeCursor, IdempotencyHeader, IdParams, jsonRequestBody, jsonResponse, listOf, page, PageQuery, problemResponses, WITH_BODY } from "../resources/common.ts";
import { AssignRatePlanBody, CreateRatePlanBody, RatePlan, RatePlanAssignment, ratePlanResource, UpdateRatePlanBody } from "../resources/rate-plans.ts";
import { billing, type AppContext } from "./route-context.ts";

const tags = ["Rate plans"];
const operator = (c: AppContext) => requirePlatformOperator(c.env, c.get("principal"));
const nowIso = () => new Date().toISOString();

export class ListRatePlans extends OpenAPIRoute {
  schema = { tags, security: PLATFORM_OPERATOR_SECURITY, summary: "List rate plans, newest first (platform operator)", request: { query: z.object(PageQuery) }, responses: { "200": jsonResponse(listOf(RatePlan, "RatePlanList"), "Plans"), ...problemResponses(...AUTHENTICATED) } };

  async handle(c: AppContext) {
    operator(c);
    const { query } = await this.getValidatedData<typeof this.schema>();
    return page(await listRatePlans(directoryDatabase(c.env), { before: decodeCursor(query.cursor), limit: query.limit }), query.limit, ratePlanResource);
  }
}

export class CreateRatePlan extends OpenAPIRoute {
  schema = {
    tags,
    security: PLATFORM_OPERATOR_SECURITY,
    summary: "Create a rate plan (platform operator)",
    request: { headers: IdempotencyHeader, body: jsonRequestBody(CreateRatePlanBody) },
    responses: { "201": jsonResponse(RatePlan, "Created", "Location", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY) },
  };

  async handle(c: AppContext) {
    operator(c);
    const { body } = await this.getValidatedData<typeof this.schema>();
    const plan = await createRatePlan(c.env, body, nowIso());
    c.header("location", `/v1/rate-plans/${plan.id}`);
    return c.json(ratePlanResource(plan), 201);
  }
}

export class GetRatePlan extends OpenAPIRoute {
  schema = { tags, security: PLATFORM_OPERATOR_SECURITY, summary: "Get a rate plan (platform operator)", request: { params: IdParams("rp") }, responses: { "200": jsonResponse(RatePlan, "The plan"), ...problemResponses(...AUTHENTICATED, 404) } };

  async handle(c: AppContext) {
    operator(c);
    const { params } = await this.getValidatedData<typeof this.schema>();
    const plan = await getRatePlan(directoryDatabase(c.env), params.id);
    if (!plan) throw notFound("rate_plan", params.id);
    return ratePlanResource(plan);
  }
}

export class UpdateRatePlan extends OpenAPIRoute {
  schema = {
    tags,
    security: PLATFORM_OPERATOR_SECURITY,
    summary: "Change a rate plan (platform operator); applies to the next request of every franchise and key on it",
    request: { params: IdParams("rp"), body: jsonRequestBody(UpdateRatePlanBody) },
    responses: { "200": jsonResponse(RatePlan, "The changed plan"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) },
  };

  async handle(c: AppContext) {
    operator(c);
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    return ratePlanResource(await updateRatePlan(c.env, params.id, body, nowIso()));
  }
}

const assignment = (franchiseId: string, subject: string, ratePlanId: string | null) => ({ franchiseId, subject, ratePlanId });

export class GetFranchiseRatePlan extends OpenAPIRoute {
  schema = { tags, security: PLATFORM_OPERATOR_SECURITY, summary: "The plan assigned to a franchise (platform operator)", request: { params: IdParams("fr") }, responses: { "200": jsonResponse(RatePlanAssignment, "The assignment"), ...problemResponses(...AUTHENTICATED, 404) } };

  async handle(c: AppContext) {
    operator(c);
    const { params } = await this.getValidatedData<typeof this.schema>();
    return assignment(params.id, "franchise", await franchisePlanOf(c.env, params.id));
  }
}

export class PutFranchiseRatePlan extends OpenAPIRoute {
  schema = {
    tags,
    security: PLATFORM_OPERATOR_SECURITY,
    summary: "Assign a plan to a franchise: its cap across all keys and its keys' default (platform operator)",
    request: { params: IdParams("fr"), body: jsonRequestBody(AssignRatePlanBody) },
    responses: { "200": jsonResponse(RatePlanAssignment, "Assigned; applies to the next request"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) },
  };

  async handle(c: AppContext) {
    operator(c);
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    return assignment(params.id, "franchise", await assignFranchisePlan(c.env, params.id, body.ratePlanId, nowIso()));
  }
}

export class GetApiKeyRatePlan extends OpenAPIRoute {
  schema = { tags, security: STAFF_ADMIN_SECURITY, summary: "The plan assigned to one of the franchise's API keys (staff admins)", request: { params: IdParams("key") }, responses: { "200": jsonResponse(RatePlanAssignment, "The assignment"), ...problemResponses(...AUTHENTICATED, 404) } };

  async handle(c: AppContext) {
    requireStaffAdmin(c.get("principal"), "manage API keys");
    const { params } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    return assignment(ctx.franchiseId, params.id, await keyPlanOf(c.env, ctx.db, ctx.franchiseId, params.id));
  }
}

export class PutApiKeyRatePlan extends OpenAPIRoute {
  schema = {
    tags,
    security: STAFF_ADMIN_SECURITY,
    summary: "Give one of the franchise's API keys an existing plan's key limit (staff admins); the franchise cap still applies",
    request: { params: IdParams("key"), body: jsonRequestBody(AssignRatePlanBody) },
    responses: { "200": jsonResponse(RatePlanAssignment, "Assigned; applies to the next request"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) },
  };

  async handle(c: AppContext) {
    requireStaffAdmin(c.get("principal"), "manage API keys");
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    return assignment(ctx.franchiseId, params.id, await assignKeyPlan(c.env, ctx.db, ctx.franchiseId, params.id, body.ratePlanId, nowIso()));
  }
}
