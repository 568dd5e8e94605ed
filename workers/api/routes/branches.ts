import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { getBranch, getServiceType, listBranches, listServiceTypes } from "../../db/reference-data.ts";
import { notFound } from "../../domain/errors.ts";
import { AUTHENTICATED, decodeCursor, IdParams, jsonResponse, listOf, page, PageQuery, problemResponses } from "../resources/common.ts";
import { Branch, branchResource, ServiceType, serviceTypeResource } from "../resources/branch.ts";
import { billing, type AppContext } from "./route-context.ts";


// Cursor order here is ascending id (reference data reads best in creation order).
export class ListBranches extends OpenAPIRoute {
  schema = { tags: ["Branches"], summary: "List the franchise's branches", request: { query: z.object(PageQuery) }, responses: { "200": jsonResponse(listOf(Branch, "BranchList"), "Branches"), ...problemResponses(...AUTHENTICATED) } };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    return page(await listBranches(ctx.db, ctx.franchiseId, { after: decodeCursor(query.cursor), limit: query.limit, branchScope: ctx.branchScope }), query.limit, branchResource);
  }
}

export class GetBranch extends OpenAPIRoute {
  schema = { tags: ["Branches"], summary: "Get a branch", request: { params: IdParams("br") }, responses: { "200": jsonResponse(Branch, "The branch"), ...problemResponses(...AUTHENTICATED, 404) } };

  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    const branch = await getBranch(ctx.db, ctx.franchiseId, params.id, ctx.branchScope);
    if (!branch) throw notFound("branch", params.id);
    return branchResource(branch);
  }
}

export class ListServiceTypes extends OpenAPIRoute {
  schema = { tags: ["Service types"], summary: "List service types", request: { query: z.object(PageQuery) }, responses: { "200": jsonResponse(listOf(ServiceType, "ServiceTypeList"), "Service types"), ...problemResponses(...AUTHENTICATED) } };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    return page(await listServiceTypes(ctx.db, ctx.franchiseId, { after: decodeCursor(query.cursor), limit: query.limit }), query.limit, serviceTypeResource);
  }
}

export class GetServiceType extends OpenAPIRoute {
  schema = { tags: ["Service types"], summary: "Get a service type", request: { params: IdParams("st") }, responses: { "200": jsonResponse(ServiceType, "The service type"), ...problemResponses(...AUTHENTICATED, 404) } };

  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    const st = await getServiceType(ctx.db, ctx.franchiseId, params.id);
    if (!st) throw notFound("service_type", params.id);
    return serviceTypeResource(st);
  }
}
