import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { getInvoiceView, listInvoices } from "../../db/invoices.ts";
import { localDateAt } from "../../domain/dates.ts";
import { notFound } from "../../domain/errors.ts";
import { INVOICE_STATUSES } from "../../domain/settlement.ts";
import { createDraftInvoice, issueInvoice, voidInvoice } from "../../billing/invoices.ts";
import { AUTHENTICATED, decodeCursor, emptyResponse, Id, IdempotencyHeader, IdParams, IfNoneMatchHeader, IsoDate, jsonRequestBody, jsonResponse, listOf, page, PageQuery, problemResponses, WITH_BODY } from "../resources/common.ts";
import { CreateInvoiceBody, Invoice, InvoiceSearch, invoiceResource, VoidInvoiceBody } from "../resources/invoice.ts";
import { billing, branchTodays, type AppContext } from "./route-context.ts";
import { ifNoneMatchHits } from "../conditional.ts";

const tags = ["Invoices"];

async function respondWithInvoice(c: AppContext, id: string, status: 200 | 201) {
  const ctx = billing(c);
  const found = await getInvoiceView(ctx.db, ctx.franchiseId, id, ctx.branchScope);
  if (!found) throw notFound("invoice", id);
  const today = localDateAt(ctx.clock.now(), found.branchTimezone ?? "UTC");
  const etag = `"v${found.invoice.version}"`;
  if (status === 200 && c.req.method === "GET" && ifNoneMatchHits(c.req.header("if-none-match"), etag)) return c.body(null, 304, { etag });
  c.header("etag", etag);
  if (status === 201) c.header("location", `/v1/invoices/${id}`);
  return c.json(invoiceResource(found, today), status);
}

export class CreateInvoice extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Create a draft invoice (priced, not numbered)",
    description:
      "Lines are priced in integer minor units: line net = quantity × unitPrice − discounts, rounded half-up to the minor unit; tax is computed once per (category, rate) group with the rate in force in the branch's jurisdiction on the issue date (today while undated), per EN 16931.",
    request: { headers: IdempotencyHeader, body: jsonRequestBody(CreateInvoiceBody) },
    responses: { "201": jsonResponse(Invoice, "Draft created", "ETag", "Location", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY) },
  };

  async handle(c: AppContext) {
    const { body } = await this.getValidatedData<typeof this.schema>();
    const id = await createDraftInvoice(billing(c), body);
    return respondWithInvoice(c, id, 201);
  }
}

// Built once: chanfana constructs the route per request, and rebuilding these zod schemas (an id
// regex, the whole response document) each time was ~5 % of the hot read's CPU.
const getInvoiceSchema = {
  tags,
  summary: "Get an invoice with its lines, balance and aging",
  request: { params: IdParams("inv"), headers: IfNoneMatchHeader },
  responses: { "200": jsonResponse(Invoice, "The invoice", "ETag"), "304": emptyResponse("Not modified: If-None-Match holds the current ETag", "ETag"), ...problemResponses(...AUTHENTICATED, 404) },
};

export class GetInvoice extends OpenAPIRoute {
  schema = getInvoiceSchema;

  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    return respondWithInvoice(c, params.id, 200);
  }
}

export class ListInvoices extends OpenAPIRoute {
  schema = {
    tags,
    summary: "List invoices, newest first, with filters",
    request: {
      query: z.object({
        ...PageQuery,
        status: z.enum(INVOICE_STATUSES).optional(),
        branchId: Id("br").optional(),
        customerId: Id("cus").optional(),
        dueFrom: IsoDate.optional(),
        dueTo: IsoDate.optional(),
        overdue: z.enum(["true", "false"]).optional().describe("true: open invoices past their due date in the branch's timezone"),
        q: InvoiceSearch.optional(),
      }),
    },
    responses: { "200": jsonResponse(listOf(Invoice, "InvoiceList"), "A page of invoices"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    const todays = await branchTodays(ctx);
    const rows = await listInvoices(ctx.db, ctx.franchiseId, {
      status: query.status,
      branchId: query.branchId,
      customerId: query.customerId,
      dueFrom: query.dueFrom,
      dueTo: query.dueTo,
      overdueAsOf: query.overdue === "true" ? todays : undefined,
      search: query.q,
      before: decodeCursor(query.cursor),
      limit: query.limit,
      branchScope: ctx.branchScope,
    });
    return page(rows.map((r) => ({ ...r, id: r.invoice.id })), query.limit, (r) => invoiceResource(r, todays.get(r.invoice.branchId) ?? localDateAt(ctx.clock.now(), "UTC")));
  }
}

export class IssueInvoice extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Issue a draft: gives it the next number of its branch's gapless series",
    request: { headers: IdempotencyHeader, params: IdParams("inv") },
    responses: { "200": jsonResponse(Invoice, "Issued", "ETag", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) },
  };

  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    await issueInvoice(billing(c), params.id);
    return respondWithInvoice(c, params.id, 200);
  }
}

export class VoidInvoice extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Void a draft, or an issued invoice with nothing paid or credited",
    request: { headers: IdempotencyHeader, params: IdParams("inv"), body: jsonRequestBody(VoidInvoiceBody) },
    responses: { "200": jsonResponse(Invoice, "Voided", "ETag", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) },
  };

  async handle(c: AppContext) {
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    await voidInvoice(billing(c), params.id, body.reason);
    return respondWithInvoice(c, params.id, 200);
  }
}
