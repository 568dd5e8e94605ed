import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { getInvoice } from "../../db/invoices.ts";
import { listInvoiceEvents } from "../../db/invoice-events.ts";
import { notFound } from "../../domain/errors.ts";
import { summarizeInvoiceEvent } from "../../domain/invoice-event-summary.ts";
import { AUTHENTICATED, decodeCursor, IdParams, jsonResponse, page, PageQuery, problemResponses } from "../resources/common.ts";
import { InvoiceEventList, invoiceEventResource } from "../resources/invoice-event.ts";
import { billing, type AppContext } from "./route-context.ts";

export class ListInvoiceEvents extends OpenAPIRoute {
  schema = {
    tags: ["Invoices"],
    summary: "An invoice's event history, oldest first",
    description:
      "The domain events of the invoice, of its credit notes and of the payments allocated to it, in the franchise's event order (`seq`), each with a one-line summary told from this invoice's side. 404 exactly when GET /v1/invoices/{id} is 404 for the caller.",
    request: { params: IdParams("inv"), query: z.object(PageQuery) },
    responses: { "200": jsonResponse(InvoiceEventList, "A page of the invoice's events"), ...problemResponses(...AUTHENTICATED, 404) },
  };

  async handle(c: AppContext) {
    const { params, query } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    // Same lookup as GET /v1/invoices/{id}: another franchise's or branch's invoice is not there.
    const found = await getInvoice(ctx.db, ctx.franchiseId, params.id, ctx.branchScope);
    if (!found) throw notFound("invoice", params.id);
    const rows = await listInvoiceEvents(ctx.db, ctx.franchiseId, params.id, { after: decodeCursor(query.cursor), limit: query.limit });
    const result = page(rows, query.limit, (row) => {
      const summary = summarizeInvoiceEvent(row.type, JSON.parse(row.payload), params.id);
      return summary ? invoiceEventResource(row, summary) : null;
    });
    return c.json({ data: result.data.filter((e) => e !== null), nextCursor: result.nextCursor }, 200);
  }
}
