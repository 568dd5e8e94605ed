// Recurring service agreements (issue 13): create, read, list, stop/rename, change terms.
import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { changeAgreementTerms, createAgreement, updateAgreement } from "../../billing/agreements.ts";
import { getAgreement, listAgreements } from "../../db/agreements.ts";
import { notFound } from "../../domain/errors.ts";
import { ifNoneMatchHits } from "../conditional.ts";
import { HttpProblem } from "../problem.ts";
import { Agreement, AgreementList, agreementETag, agreementResource, ChangeAgreementBody, CreateAgreementBody, UpdateAgreementBody } from "../resources/agreements.ts";
import { AUTHENTICATED, decodeCursor, emptyResponse, Id, IdempotencyHeader, IdParams, IfMatchHeader, IfNoneMatchHeader, jsonRequestBody, jsonResponse, page, PageQuery, problemResponses, WITH_BODY } from "../resources/common.ts";
import { billing, type AppContext } from "./route-context.ts";

const tags = ["Agreements"];

async function loadOr404(c: AppContext, id: string) {
  const ctx = billing(c);
  const found = await getAgreement(ctx.db, ctx.franchiseId, id, ctx.branchScope);
  if (!found) throw notFound("agreement", id);
  return found;
}

async function respondWith(c: AppContext, id: string, status: 200 | 201) {
  const found = await loadOr404(c, id);
  c.header("etag", agreementETag(found.version));
  if (status === 201) c.header("location", `/v1/agreements/${id}`);
  return c.json(agreementResource(found), status);
}

export class CreateAgreement extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Create a recurring service agreement",
    request: { headers: IdempotencyHeader, body: jsonRequestBody(CreateAgreementBody) },
    responses: { "201": jsonResponse(Agreement, "Created", "ETag", "Location", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY) },
  };

  async handle(c: AppContext) {
    const { body } = await this.getValidatedData<typeof this.schema>();
    return respondWith(c, await createAgreement(billing(c), body), 201);
  }
}

export class GetAgreement extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Get an agreement (ETag for If-Match on update)",
    request: { params: IdParams("agr"), headers: IfNoneMatchHeader },
    responses: { "200": jsonResponse(Agreement, "The agreement", "ETag"), "304": emptyResponse("Not modified: If-None-Match holds the current ETag", "ETag"), ...problemResponses(...AUTHENTICATED, 404) },
  };

  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    const found = await loadOr404(c, params.id);
    const etag = agreementETag(found.version);
    if (ifNoneMatchHits(c.req.header("if-none-match"), etag)) return c.body(null, 304, { etag });
    return respondWith(c, params.id, 200);
  }
}

export class ListAgreements extends OpenAPIRoute {
  schema = {
    tags,
    summary: "List agreements, newest first",
    request: { query: z.object({ ...PageQuery, branchId: Id("br").optional(), customerId: Id("cus").optional() }) },
    responses: { "200": jsonResponse(AgreementList, "A page of agreements"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    const rows = await listAgreements(ctx.db, ctx.franchiseId, { branchId: query.branchId, customerId: query.customerId, before: decodeCursor(query.cursor), limit: query.limit, scope: ctx.branchScope });
    return page(rows, query.limit, agreementResource);
  }
}

export class UpdateAgreement extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Rename or stop an agreement (endDate, prorated by day); requires If-Match",
    request: { params: IdParams("agr"), headers: IfMatchHeader, body: jsonRequestBody(UpdateAgreementBody) },
    responses: { "200": jsonResponse(Agreement, "Updated", "ETag"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404, 412, 428) },
  };

  async handle(c: AppContext) {
    if (!c.req.header("if-match")) throw new HttpProblem(428, "if_match_required", "send If-Match with the agreement's ETag to update it");
    const { params, headers, body } = await this.getValidatedData<typeof this.schema>();
    const current = await loadOr404(c, params.id);
    const ifMatch = headers["if-match"];
    if (ifMatch !== "*" && ifMatch.replace(/^W\//, "") !== agreementETag(current.version)) {
      throw new HttpProblem(412, "etag_mismatch", `the agreement changed since it was read (current ETag ${agreementETag(current.version)})`);
    }
    await updateAgreement(billing(c), params.id, current.version, body);
    return respondWith(c, params.id, 200);
  }
}

export class ChangeAgreement extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Change quantity or price from a date: the agreement stops the day before and a new one starts (both prorated by day)",
    request: { params: IdParams("agr"), headers: IdempotencyHeader, body: jsonRequestBody(ChangeAgreementBody) },
    responses: { "201": jsonResponse(Agreement, "The new agreement carrying the new terms", "ETag", "Location", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404, 412) },
  };

  async handle(c: AppContext) {
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    return respondWith(c, await changeAgreementTerms(billing(c), params.id, body), 201);
  }
}
