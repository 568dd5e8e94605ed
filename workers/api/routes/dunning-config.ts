// Dunning set-up: settings (aging buckets, holidays), cadence templates, and the schedule preview.
import { OpenAPIRoute } from "chanfana";
import { z } from "zod";
import { createCadence, updateCadence } from "../../billing/dunning/cadences.ts";
import { previewSchedule } from "../../billing/dunning/preview.ts";
import { replaceSettings } from "../../billing/dunning/settings.ts";
import { getCadence, getSettings, listCadences } from "../../db/dunning.ts";
import { notFound } from "../../domain/errors.ts";
import { HttpProblem } from "../problem.ts";
import { AUTHENTICATED, decodeCursor, IdempotencyHeader, IdParams, IfMatchHeader, jsonRequestBody, jsonResponse, listOf, page, PageQuery, problemResponses, WITH_BODY } from "../resources/common.ts";
import { CadenceBody, CadenceResource, cadenceETag, cadenceResource, DunningSettingsBody, DunningSettingsResource, PreviewBody, PreviewResource, settingsResource, UpdateCadenceBody } from "../resources/dunning.ts";
import { billing, type AppContext } from "./route-context.ts";

const tags = ["Dunning"];

export class GetDunningSettings extends OpenAPIRoute {
  schema = { tags, summary: "The franchise's aging buckets and holidays", responses: { "200": jsonResponse(DunningSettingsResource, "Settings (defaults until set)"), ...problemResponses(...AUTHENTICATED) } };

  async handle(c: AppContext) {
    return settingsResource(await getSettings(billing(c).db, c.get("principal").franchiseId));
  }
}

export class ReplaceDunningSettings extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Replace the aging buckets and holidays (contiguous from 0, last open-ended)",
    request: { body: jsonRequestBody(DunningSettingsBody) },
    responses: { "200": jsonResponse(DunningSettingsResource, "Saved"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY) },
  };

  async handle(c: AppContext) {
    const { body } = await this.getValidatedData<typeof this.schema>();
    return settingsResource(await replaceSettings(billing(c), body));
  }
}

async function cadenceOr404(c: AppContext, id: string) {
  const found = await getCadence(billing(c).db, c.get("principal").franchiseId, id);
  if (!found) throw notFound("cadence", id);
  return found;
}

export class CreateCadence extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Create a cadence template (steps, channels, texts per language, escalations, suppression)",
    request: { headers: IdempotencyHeader, body: jsonRequestBody(CadenceBody) },
    responses: { "201": jsonResponse(CadenceResource, "Created", "ETag", "Location", "Idempotent-Replayed"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY) },
  };

  async handle(c: AppContext) {
    const { body } = await this.getValidatedData<typeof this.schema>();
    const id = await createCadence(billing(c), body);
    const found = await cadenceOr404(c, id);
    c.header("etag", cadenceETag(found.row.version));
    c.header("location", `/v1/dunning/cadences/${id}`);
    return c.json(cadenceResource(found), 201);
  }
}

export class ListCadences extends OpenAPIRoute {
  schema = {
    tags,
    summary: "List cadence templates, newest first",
    request: { query: z.object({ ...PageQuery, includeArchived: z.enum(["true", "false"]).optional() }) },
    responses: { "200": jsonResponse(listOf(CadenceResource, "DunningCadenceList"), "A page of cadences"), ...problemResponses(...AUTHENTICATED) },
  };

  async handle(c: AppContext) {
    const { query } = await this.getValidatedData<typeof this.schema>();
    const rows = await listCadences(billing(c).db, c.get("principal").franchiseId, { before: decodeCursor(query.cursor), limit: query.limit, includeArchived: query.includeArchived === "true" });
    return page(rows.map((r) => ({ ...r, id: r.row.id })), query.limit, cadenceResource);
  }
}

export class GetCadence extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Get a cadence template (its current version)",
    request: { params: IdParams("cad") },
    responses: { "200": jsonResponse(CadenceResource, "The cadence", "ETag"), ...problemResponses(...AUTHENTICATED, 404) },
  };

  async handle(c: AppContext) {
    const { params } = await this.getValidatedData<typeof this.schema>();
    const found = await cadenceOr404(c, params.id);
    c.header("etag", cadenceETag(found.row.version));
    return c.json(cadenceResource(found), 200);
  }
}

export class UpdateCadence extends OpenAPIRoute {
  schema = {
    tags,
    summary: "Replace a cadence's steps and settings as a new version (running sequences keep theirs); requires If-Match",
    request: { params: IdParams("cad"), headers: IfMatchHeader, body: jsonRequestBody(UpdateCadenceBody) },
    responses: { "200": jsonResponse(CadenceResource, "The new version", "ETag"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404, 412, 428) },
  };

  async handle(c: AppContext) {
    if (!c.req.header("if-match")) throw new HttpProblem(428, "if_match_required", "send If-Match with the cadence's ETag to update it");
    const { params, headers, body } = await this.getValidatedData<typeof this.schema>();
    const current = await cadenceOr404(c, params.id);
    const tag = cadenceETag(current.row.version);
    if (headers["if-match"] !== "*" && headers["if-match"].replace(/^W\//, "") !== tag) throw new HttpProblem(412, "etag_mismatch", `the cadence changed since it was read (current ETag ${tag})`);
    await updateCadence(billing(c), current, body);
    const found = await cadenceOr404(c, params.id);
    c.header("etag", cadenceETag(found.row.version));
    return c.json(cadenceResource(found), 200);
  }
}

export class PreviewDunning extends OpenAPIRoute {
  schema = {
    tags,
    summary: "The exact schedule of reminders for a customer over a date range, with suppressions and their reasons; sends nothing",
    request: { body: jsonRequestBody(PreviewBody) },
    responses: { "200": jsonResponse(PreviewResource, "The schedule"), ...problemResponses(...AUTHENTICATED, ...WITH_BODY, 404) },
  };

  async handle(c: AppContext) {
    const { body } = await this.getValidatedData<typeof this.schema>();
    const s = await previewSchedule(billing(c), body.customerId, body.from, body.to);
    return {
      data: s.messages.map((m) => ({ at: m.at, channel: m.channel, stepId: m.stepId, invoiceIds: m.invoiceIds, status: m.status, ...(m.reason ? { reason: m.reason } : {}), ...(m.subject !== undefined ? { subject: m.subject } : {}), ...(m.body !== undefined ? { body: m.body } : {}) })),
      escalations: s.escalations,
      cadence: s.cadence,
    };
  }
}
