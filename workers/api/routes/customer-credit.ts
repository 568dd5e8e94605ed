// Customer credit: allocate a payment's remainder later, apply credit to an invoice, refund
// credit, and read a customer's balance per currency.
import { OpenAPIRoute } from "chanfana";
import { allocatePayment, applyCustomerCredit, customerBalances, recordRefund } from "../../billing/customer-credit.ts";
import { getRefund } from "../../db/customer-credit.ts";
import { getInvoice } from "../../db/invoices.ts";
import { getPayment } from "../../db/payments.ts";
import { notFound } from "../../domain/errors.ts";
import { AUTHENTICATED, IdempotencyHeader, IdParams, jsonRequestBody, jsonResponse, problemResponses, WITH_BODY } from "../resources/common.ts";
import { AllocatePaymentBody, ApplyCreditBody, CreateRefundBody, CustomerBalanceResource, customerBalanceResource, Refund, refundResource } from "../resources/customer-credit.ts";
import { Invoice, invoiceResource } from "../resources/invoice.ts";
import { Payment, paymentResource } from "../resources/payment.ts";
import { billing, branchTodays, type AppContext } from "./route-context.ts";

export class AllocatePayment extends OpenAPIRoute {
  schema = {
    tags: ["Payments"],
    summary: "Allocate a payment's unallocated remainder to open invoices of the same customer and currency",
    request: { params: IdParams("pay"), headers: IdempotencyHeader, body: jsonRequestBody(AllocatePaymentBody) },
    responses: { "200": jsonResponse(Payment, "The payment with all its allocations", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) },
  };

  async handle(c: AppContext) {
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    await allocatePayment(ctx, params.id, body.allocations);
    const found = await getPayment(ctx.db, ctx.franchiseId, params.id);
    if (!found) throw notFound("payment", params.id);
    return paymentResource(found);
  }
}

export class ApplyCustomerCredit extends OpenAPIRoute {
  schema = {
    tags: ["Customers"],
    summary: "Apply the customer's credit (in the invoice's currency) to one of their open invoices; it counts in the invoice's amountCredited",
    request: { params: IdParams("cus"), headers: IdempotencyHeader, body: jsonRequestBody(ApplyCreditBody) },
    responses: { "200": jsonResponse(Invoice, "The invoice after the credit was applied", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) },
  };

  async handle(c: AppContext) {
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    const invoiceId = await applyCustomerCredit(ctx, params.id, body);
    const found = await getInvoice(ctx.db, ctx.franchiseId, invoiceId, ctx.branchScope);
    if (!found) throw notFound("invoice", invoiceId);
    const today = (await branchTodays(ctx)).get(found.invoice.branchId) ?? ctx.clock.now().toISOString().slice(0, 10);
    return invoiceResource(found, today);
  }
}

export class GetCustomerBalance extends OpenAPIRoute {
  schema = {
    tags: ["Customers"],
    summary: "A customer's open balance and credit balance per currency, with the sums they reconcile from",
    request: { params: IdParams("cus") },
    responses: { "200": jsonResponse(CustomerBalanceResource, "Balances per currency"), ...problemResponses(...AUTHENTICATED, 404) },
  };

  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    return customerBalanceResource(params.id, await customerBalances(billing(c), params.id));
  }
}

export class CreateRefund extends OpenAPIRoute {
  schema = {
    tags: ["Refunds"],
    summary: "Record money paid back to a customer; at most their credit balance in that currency",
    request: { headers: IdempotencyHeader, body: jsonRequestBody(CreateRefundBody) },
    responses: { "201": jsonResponse(Refund, "Recorded", "Location", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY) },
  };

  async handle(c: AppContext) {
    const { body } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    const id = await recordRefund(ctx, body);
    const refund = await getRefund(ctx.db, ctx.franchiseId, id);
    if (!refund) throw notFound("refund", id);
    c.header("location", `/v1/refunds/${id}`);
    return c.json(refundResource(refund), 201);
  }
}

export class GetRefund extends OpenAPIRoute {
  schema = {
    tags: ["Refunds"],
    summary: "Get a refund",
    request: { params: IdParams("rf") },
    responses: { "200": jsonResponse(Refund, "The refund"), ...problemResponses(...AUTHENTICATED, 404) },
  };

  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    const refund = await getRefund(ctx.db, ctx.franchiseId, params.id);
    if (!refund) throw notFound("refund", params.id);
    return refundResource(refund);
  }
}
