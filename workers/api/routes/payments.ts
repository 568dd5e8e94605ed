import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { getPayment, listPayments } from "../../db/payments.ts";
import { notFound } from "../../domain/errors.ts";
import { recordPayment } from "../../billing/payments.ts";
import { AUTHENTICATED, decodeCursor, Id, IdempotencyHeader, IdParams, jsonRequestBody, jsonResponse, listOf, page, PageQuery, problemResponses, WITH_BODY } from "../resources/common.ts";
import { CreatePaymentBody, Payment, paymentResource } from "../resources/payment.ts";
import { billing, type AppContext } from "./route-context.ts";

const tags = ["Payments"];

async function loadOr404(c: AppContext, id: string) {
  const ctx = billing(c);
  const found = await getPayment(ctx.db, ctx.franchiseId, id);
  if (!found) throw notFound("payment", id);
  return found;
}

export class CreatePayment extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Record a payment and allocate it to open invoices of the same customer and currency",
    request: { headers: IdempotencyHeader, body: jsonRequestBody(CreatePaymentBody) },
    responses: { "201": jsonResponse(Payment, "Recorded", "Location", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY) },
  };

  async handle(c: AppContext) {
    const { body } = await this.getValidatedData<typeof this.schema>();
    const id = await recordPayment(billing(c), body);
    c.header("location", `/v1/payments/${id}`);
    return c.json(paymentResource(await loadOr404(c, id)), 201);
  }
}

export class GetPayment extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Get a payment with its allocations",
    request: { params: IdParams("pay") },
    responses: { "200": jsonResponse(Payment, "The payment"), ...problemResponses(...AUTHENTICATED, 404) },
  };

  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    return paymentResource(await loadOr404(c, params.id));
  }
}

export class ListPayments extends OpenAPIRoute {
  schema = {
    tags,
    summary: "List payments, newest first",
    request: { query: z.object({ ...PageQuery, customerId: Id("cus").optional() }) },
    responses: { "200": jsonResponse(listOf(Payment, "PaymentList"), "A page of payments"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    const rows = await listPayments(ctx.db, ctx.franchiseId, { customerId: query.customerId, before: decodeCursor(query.cursor), limit: query.limit });
    return page(rows.map((r) => ({ ...r, id: r.payment.id })), query.limit, paymentResource);
  }
}
