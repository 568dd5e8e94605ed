import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { getCreditNote, listCreditNotes } from "../../db/credit-notes.ts";
import { notFound } from "../../domain/errors.ts";
import { createCreditNote } from "../../billing/credit-notes.ts";
import { AUTHENTICATED, decodeCursor, Id, IdempotencyHeader, IdParams, jsonRequestBody, jsonResponse, listOf, page, PageQuery, problemResponses, WITH_BODY } from "../resources/common.ts";
import { CreateCreditNoteBody, CreditNote, creditNoteResource } from "../resources/credit-note.ts";
import { billing, type AppContext } from "./route-context.ts";

const tags = ["Credit notes"];

async function loadOr404(c: AppContext, id: string) {
  const ctx = billing(c);
  const found = await getCreditNote(ctx.db, ctx.franchiseId, id, ctx.branchScope);
  if (!found) throw notFound("credit_note", id);
  return found;
}

export class CreateCreditNote extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Credit an issued invoice, numbered in the branch's credit-note series",
    description:
      "Each (tax category, rate) group can be credited at most what the invoice charged in it minus what earlier credit notes credited, net and tax (422 credit_exceeds_tax_group naming the group and the first line in it); a credit note that completes a group reverses exactly the tax left in it. A paid invoice can be credited too: the part beyond its open balance becomes customer credit (GET /v1/customers/{id}/balance).",
    request: { headers: IdempotencyHeader, body: jsonRequestBody(CreateCreditNoteBody) },
    responses: { "201": jsonResponse(CreditNote, "Credit note issued", "Location", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY) },
  };

  async handle(c: AppContext) {
    const { body } = await this.getValidatedData<typeof this.schema>();
    const id = await createCreditNote(billing(c), body);
    c.header("location", `/v1/credit-notes/${id}`);
    return c.json(creditNoteResource(await loadOr404(c, id)), 201);
  }
}

export class GetCreditNote extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Get a credit note",
    request: { params: IdParams("cn") },
    responses: { "200": jsonResponse(CreditNote, "The credit note"), ...problemResponses(...AUTHENTICATED, 404) },
  };

  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    return creditNoteResource(await loadOr404(c, params.id));
  }
}

export class ListCreditNotes extends OpenAPIRoute {
  schema = {
    tags,
    summary: "List credit notes, newest first",
    request: { query: z.object({ ...PageQuery, invoiceId: Id("inv").optional() }) },
    responses: { "200": jsonResponse(listOf(CreditNote, "CreditNoteList"), "A page of credit notes"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const ctx = billing(c);
    const rows = await listCreditNotes(ctx.db, ctx.franchiseId, { invoiceId: query.invoiceId, before: decodeCursor(query.cursor), limit: query.limit, branchScope: ctx.branchScope });
    return page(rows.map((r) => ({ ...r, id: r.creditNote.id })), query.limit, creditNoteResource);
  }
}
