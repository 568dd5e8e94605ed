// Billing runs (issue 13): submit (202 at once, the workflow does the work), follow, list.
import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { getRunView, listRunViews } from "../../billing/runs/read.ts";
import { submitBillingRun } from "../../billing/runs/submit.ts";
import { BillingRun, BillingRunList, billingRunResource, CreateBillingRunBody, RUN_ERRORS_SHOWN } from "../resources/billing-runs.ts";
import { AUTHENTICATED, decodeCursor, IdempotencyHeader, IdParams, jsonRequestBody, jsonResponse, page, PageQuery, problemResponses, WITH_BODY } from "../resources/common.ts";
import { billing, type AppContext } from "./route-context.ts";

const tags = ["Billing runs"];

export class CreateBillingRun extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Bill a branch for a month: 202 with the run at once, then follow Location for progress",
    description:
      "The run is recorded and queued; a durable workflow then plans it and creates and issues its invoices in chunks of 500 (one D1 batch and one block of gapless numbers each, in run order). Customers that cannot be billed (archived, unknown, a missing tax rate, a bad line) are listed in `errors` and the run goes on. A branch is billed once per month: a second run for the same branch and period is refused with 409 billing_run_exists; an agreement is invoiced at most once per period, enforced by a unique key.",
    request: { headers: IdempotencyHeader, body: jsonRequestBody(CreateBillingRunBody) },
    responses: { "202": jsonResponse(BillingRun, "Accepted: the run is queued", "Location", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY) },
  };

  async handle(c: AppContext) {
    const { body } = await this.getValidatedData<typeof this.schema>();
    const run = await submitBillingRun(billing(c), body);
    c.header("location", `/v1/billing-runs/${run.id}`);
    return c.json(billingRunResource(run, []), 202);
  }
}

export class GetBillingRun extends OpenAPIRoute {
  schema = {
    tags,
    summary: "A billing run and its progress",
    request: { params: IdParams("brun") },
    responses: { "200": jsonResponse(BillingRun, "The run"), ...problemResponses(...AUTHENTICATED, 404) },
  };

  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    const view = await getRunView(billing(c), params.id, RUN_ERRORS_SHOWN);
    return billingRunResource(view.run, view.failures);
  }
}

export class ListBillingRuns extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Billing runs, newest first",
    request: { query: z.object(PageQuery) },
    responses: { "200": jsonResponse(BillingRunList, "A page of runs"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const views = await listRunViews(billing(c), { before: decodeCursor(query.cursor), limit: query.limit }, 10);
    return page(views.map((v) => ({ ...v, id: v.run.id })), query.limit, (v) => billingRunResource(v.run, v.failures));
  }
}
