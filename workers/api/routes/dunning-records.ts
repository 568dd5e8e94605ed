// Per-customer dunning records: profile, opt-outs, disputes, promises to pay, the history.
import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { loadCustomerOr404, setChannelOptOut, setDunningProfile } from "../../billing/dunning/consent.ts";
import { openDispute, resolveDispute, recordPromiseToPay } from "../../billing/dunning/disputes.ts";
import { communicationsOfInvoice, getProfile, listCommunications } from "../../db/dunning.ts";
import { getInvoice } from "../../db/invoices.ts";
import { notFound } from "../../domain/errors.ts";
import { AUTHENTICATED, decodeCursor, IdempotencyHeader, IdParams, Id, jsonRequestBody, jsonResponse, listOf, page, PageQuery, problemResponses, WITH_BODY } from "../resources/common.ts";
import { customerResource, Customer } from "../resources/customer.ts";
import {
  ChannelName,
  CommunicationResource,
  communicationResource,
  DisputeBody,
  DisputeResource,
  disputeResource,
  DunningProfileBody,
  DunningProfileResource,
  InvoiceCommunications,
  OptOutBody,
  profileResource,
  PromiseBody,
  PromiseResource,
  promiseResource,
  ResolveDisputeBody,
} from "../resources/dunning.ts";
import { billing, type AppContext } from "./route-context.ts";

const tags = ["Dunning"];

export class GetDunningProfile extends OpenAPIRoute {
  schema = { tags, summary: "A customer's dunning profile (channel preference, do-not-contact, unreachable channels)", request: { params: IdParams("cus") }, responses: { "200": jsonResponse(DunningProfileResource, "The profile"), ...problemResponses(...AUTHENTICATED, 404) } };

  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    await loadCustomerOr404(ctx, params.id);
    return profileResource(params.id, await getProfile(ctx.db, ctx.franchiseId, params.id));
  }
}

export class SetDunningProfile extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Set a customer's channel preference and do-not-contact flag",
    request: { params: IdParams("cus"), body: jsonRequestBody(DunningProfileBody) },
    responses: { "200": jsonResponse(DunningProfileResource, "Saved"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) },
  };

  async handle(c: AppContext) {
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    return profileResource(params.id, await setDunningProfile(billing(c), params.id, body));
  }
}

export class CreateOptOut extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Opt a customer out of a channel (takes effect at once; recorded in the history)",
    request: { params: IdParams("cus"), headers: IdempotencyHeader, body: jsonRequestBody(OptOutBody) },
    responses: { "201": jsonResponse(Customer, "The customer with the channel opted out", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) },
  };

  async handle(c: AppContext) {
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    return c.json(customerResource(await setChannelOptOut(billing(c), params.id, body.channel, true, "api")), 201);
  }
}

export class DeleteOptOut extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Opt a customer back in to a channel",
    request: { params: z.object({ id: Id("cus"), channel: ChannelName }) },
    responses: { "200": jsonResponse(Customer, "The customer with the channel opted in"), ...problemResponses(...AUTHENTICATED, 404, 409, 422) },
  };

  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    return customerResource(await setChannelOptOut(billing(c), params.id, params.channel, false, "api"));
  }
}

export class CreateDispute extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Dispute an open invoice: chasing it pauses until the dispute is resolved",
    request: { params: IdParams("inv"), headers: IdempotencyHeader, body: jsonRequestBody(DisputeBody) },
    responses: { "201": jsonResponse(DisputeResource, "Opened", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) },
  };

  async handle(c: AppContext) {
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    return c.json(disputeResource(await openDispute(billing(c), params.id, body.reason)), 201);
  }
}

export class ResolveDispute extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Resolve a dispute: chasing the invoice resumes if it is still owed",
    request: { params: IdParams("dsp"), headers: IdempotencyHeader, body: jsonRequestBody(ResolveDisputeBody) },
    responses: { "200": jsonResponse(DisputeResource, "Resolved", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) },
  };

  async handle(c: AppContext) {
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    return disputeResource(await resolveDispute(billing(c), params.id, body.resolution));
  }
}

export class CreatePromiseToPay extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Record a promise to pay: the customer is not chased until that date (inclusive, their local date)",
    request: { params: IdParams("cus"), headers: IdempotencyHeader, body: jsonRequestBody(PromiseBody) },
    responses: { "201": jsonResponse(PromiseResource, "Recorded", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) },
  };

  async handle(c: AppContext) {
    const { params, body } = await this.getValidatedData<typeof this.schema>();
    return c.json(promiseResource(await recordPromiseToPay(billing(c), params.id, body.until, body.amount ?? null)), 201);
  }
}

export class ListCommunications extends OpenAPIRoute {
  schema = {
    tags,
    summary: "A customer's communication history, newest first (append-only: sends, deliveries, failures, suppressions, consent, escalations)",
    request: { params: IdParams("cus"), query: z.object(PageQuery) },
    responses: { "200": jsonResponse(listOf(CommunicationResource, "CommunicationList"), "A page of records"), ...problemResponses(...AUTHENTICATED, 404) },
  };

  async handle(c: AppContext) {
    const { params, query } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    await loadCustomerOr404(ctx, params.id);
    const rows = await listCommunications(ctx.db, ctx.franchiseId, params.id, { before: decodeCursor(query.cursor), limit: query.limit });
    return page(rows, query.limit, communicationResource);
  }
}

export class ExportInvoiceCommunications extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Every communication about an invoice, oldest first, with rendered content: evidence for a dispute",
    request: { params: IdParams("inv") },
    responses: { "200": jsonResponse(InvoiceCommunications, "The evidence file"), ...problemResponses(...AUTHENTICATED, 404) },
  };

  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    const found = await getInvoice(ctx.db, ctx.franchiseId, params.id, ctx.branchScope);
    if (!found) throw notFound("invoice", params.id);
    const rows = await communicationsOfInvoice(ctx.db, ctx.franchiseId, params.id);
    return { invoiceId: params.id, customerId: found.invoice.customerId, generatedAt: ctx.clock.now().toISOString(), data: rows.map(communicationResource) };
  }
}

