import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { getCustomer, listCustomers } from "../../db/customers.ts";
import { notFound } from "../../domain/errors.ts";
import { createCustomer, updateCustomer } from "../../billing/customers.ts";
import { HttpProblem } from "../problem.ts";
import { ifNoneMatchHits } from "../conditional.ts";
import { AUTHENTICATED, decodeCursor, emptyResponse, IdempotencyHeader, IdParams, IfMatchHeader, IfNoneMatchHeader, jsonRequestBody, jsonResponse, listOf, page, PageQuery, problemResponses, WITH_BODY } from "../resources/common.ts";
import { CreateCustomerBody, Customer, customerETag, customerResource, UpdateCustomerBody } from "../resources/customer.ts";
import { billing, type AppContext } from "./route-context.ts";

const tags = ["Customers"];

async function loadOr404(c: AppContext, id: string) {
  const found = await getCustomer(billing(c).db, c.get("principal").franchiseId, id);
  if (!found) throw notFound("customer", id);
  return found;
}

function respondWith(c: AppContext, found: Awaited<ReturnType<typeof loadOr404>>, status: 200 | 201) {
  c.header("etag", customerETag(found.customer.version));
  if (status === 201) c.header("location", `/v1/customers/${found.customer.id}`);
  return c.json(customerResource(found), status);
}

export class CreateCustomer extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Create a customer",
    request: { headers: IdempotencyHeader, body: jsonRequestBody(CreateCustomerBody) },
    responses: { "201": jsonResponse(Customer, "Created", "ETag", "Location", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY) },
  };

  async handle(c: AppContext) {
    const { body } = await this.getValidatedData<typeof this.schema>();
    const id = await createCustomer(billing(c), body);
    return respondWith(c, await loadOr404(c, id), 201);
  }
}

export class GetCustomer extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Get a customer (ETag for If-Match on update)",
    request: { params: IdParams("cus"), headers: IfNoneMatchHeader },
    responses: { "200": jsonResponse(Customer, "The customer", "ETag"), "304": emptyResponse("Not modified: If-None-Match holds the current ETag", "ETag"), ...problemResponses(...AUTHENTICATED, 404) },
  };

  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    const found = await loadOr404(c, params.id);
    const etag = customerETag(found.customer.version);
    if (ifNoneMatchHits(c.req.header("if-none-match"), etag)) return c.body(null, 304, { etag });
    return respondWith(c, found, 200);
  }
}

export class ListCustomers extends OpenAPIRoute {
  schema = {
    tags,
    summary: "List customers, newest first",
    request: { query: z.object({ ...PageQuery, segment: z.enum(["consumer", "smb", "enterprise"]).optional() }) },
    responses: { "200": jsonResponse(listOf(Customer, "CustomerList"), "A page of customers"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const rows = await listCustomers(billing(c).db, c.get("principal").franchiseId, { before: decodeCursor(query.cursor), limit: query.limit, segment: query.segment });
    return page(rows.map((r) => ({ ...r, id: r.customer.id })), query.limit, customerResource);
  }
}

export class UpdateCustomer extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Update a customer; requires If-Match with the ETag you read",
    request: {
      params: IdParams("cus"),
      headers: IfMatchHeader,
      body: jsonRequestBody(UpdateCustomerBody),
    },
    responses: { "200": jsonResponse(Customer, "Updated", "ETag"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404, 412, 428) },
  };

  async handle(c: AppContext) {
    // Before validation: a missing If-Match is a 428 (precondition required), not a 400.
    if (!c.req.header("if-match")) throw new HttpProblem(428, "if_match_required", "send If-Match with the customer's ETag to update it");
    const { params, headers, body } = await this.getValidatedData<typeof this.schema>();
    const current = await loadOr404(c, params.id);
    const ifMatch = headers["if-match"];
    const currentTag = customerETag(current.customer.version);
    if (ifMatch !== "*" && ifMatch.replace(/^W\//, "") !== currentTag) {
      throw new HttpProblem(412, "etag_mismatch", `the customer changed since it was read (current ETag ${currentTag})`);
    }
    const { channels, ...changes } = body;
    await updateCustomer(billing(c), current, current.customer.version, changes, channels ?? {});
    return respondWith(c, await loadOr404(c, params.id), 200);
  }
}
